"""Web maps for the app: folium with local Leaflet (needs the ``app`` extra)."""
