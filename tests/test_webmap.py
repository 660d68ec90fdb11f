import json
import random
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry
from shapely.geometry import Point, box

from baseline.errors import BaselineError
from baseline.maps.aggregate import COUNT_COLOURS, works_grid
from baseline.maps.palette import (
    BUILDING_COLOUR,
    GRID_COLOURS,
    STATUS_COLOURS,
    band_label,
    fitting_status,
    grid_class,
)
from baseline.maps.plan import add_buildings, plan_map
from baseline.maps.search import roads_of, search
from baseline.maps.tiles import (
    unpack_mbtiles,
    unpack_package,
    write_mbtiles,
    write_pmtiles,
)
from baseline.maps.webmap import (
    BASEMAPS,
    Legend,
    LegendEntry,
    ShowFromZoom,
    TiledGeoJson,
    TileSource,
    add_clustered_points,
    add_points,
    add_polygons,
    add_status_markers,
    base_map,
    configure_offline,
    display_copy,
    grid_colour,
    tile_bounds,
    tile_xy,
    write_tiles,
)
from baseline.reports.charts import bars, stacked_bars, timeline
from baseline.reports.figures import compare_runs, gap_pieces, project_verdicts, sorted_findings


def test_amap_display_copy_is_shifted_and_the_data_is_not():
    data = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(121.5, 31.24)], crs=4326)
    shown = display_copy(data, "amap")
    moved = gpd.GeoSeries([shown.geometry.iloc[0], data.geometry.iloc[0]], crs=4326).to_crs(32651)
    assert 400 < moved.iloc[0].distance(moved.iloc[1]) < 600
    assert data.geometry.iloc[0].equals(Point(121.5, 31.24))
    same = display_copy(data, "none")
    assert np.allclose(shapely.get_coordinates(same.geometry.values), [[121.5, 31.24]])


def test_offline_leaflet_and_basemap_setting():
    assert configure_offline()
    html = base_map((31.2, 121.6), 10, basemap="none").get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "tile.openstreetmap" not in html
    osm = base_map((31.2, 121.6), 10, basemap="osm").get_root().render()
    assert "tile.openstreetmap.org" in osm
    no_key = base_map((31.2, 121.6), 10, basemap="tianditu").get_root().render()
    assert "tianditu" not in no_key
    assert BASEMAPS == ("none", "local", "custom", "custom_gcj02", "osm", "amap", "tianditu")
    assert grid_colour(0.0) == GRID_COLOURS[0] and grid_colour(1.0) == GRID_COLOURS[-1]
    assert "L.control.scale({imperial: false, metric: true})" in html  # metres only


def test_tile_numbers_and_bounds_agree():
    # tile 0/0/0 is the world; at zoom 1 the four quadrants meet at (0, 0)
    assert tile_bounds(0, 0, 0) == pytest.approx((-180, -85.0511, 180, 85.0511), abs=1e-4)
    x, y = tile_xy(np.array([-0.1, 0.1]), np.array([0.1, -0.1]), 1)
    assert x.tolist() == [0, 1] and y.tolist() == [0, 1]
    w, s, e, n = tile_bounds(3430, 1674, 12)
    assert w < 121.5 < e and s < 31.2 < n
    assert tile_xy(np.array([w + 1e-9]), np.array([n - 1e-9]), 12) == (3430, 1674)


def test_tiles_cut_a_polygon_into_its_tiles_and_lose_no_area(tmp_path):
    _, _, e, n = tile_bounds(3430, 1674, 12)
    # a box straddling the corner of four tiles
    poly = box(e - 0.01, n - 0.01, e + 0.01, n + 0.01)
    gdf = gpd.GeoDataFrame({"gap_id": ["G1"], "area_km2": [4.5]}, geometry=[poly], crs=4326)
    keys = write_tiles(gdf, tmp_path / "t", zoom=12, fields=["area_km2"], id_col="gap_id")
    assert keys == ["3430_1673", "3430_1674", "3431_1673", "3431_1674"]
    pieces = []
    for key in keys:
        fc = json.loads((tmp_path / "t" / f"{key}.json").read_text("utf-8"))
        assert [f["properties"]["gap_id"] for f in fc["features"]] == ["G1"]
        assert fc["features"][0]["properties"]["area_km2"] == 4.5
        pieces.append(shapely.geometry.shape(fc["features"][0]["geometry"]))
    assert sum(p.area for p in pieces) == pytest.approx(poly.area, rel=1e-9)
    # rewriting replaces the folder whole and leaves no temporary folder behind
    write_tiles(gdf.iloc[0:0], tmp_path / "t", zoom=12, fields=["area_km2"], id_col="gap_id")
    assert list((tmp_path / "t").iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["t"]


def test_tiled_layer_and_clusters_render_with_local_files_only():
    assert configure_offline()
    fmap = base_map((31.2, 121.6), 10)
    group = folium.FeatureGroup(name="gaps", show=False).add_to(fmap)
    TiledGeoJson(
        group,
        "/app/static/tiles/x/",
        ["3430_1674"],
        zoom=12,
        id_col="gap_id",
        fields=["a"],
        style={"stroke": False},
    ).add_to(fmap)
    pts = gpd.GeoDataFrame(
        {"asset_id": ["T1", "T2"]}, geometry=[Point(121.5, 31.2), Point(121.6, 31.3)], crs=4326
    )
    add_clustered_points(fmap, pts, name="towers", label="asset_id")
    html = fmap.get_root().render()
    assert "fetch('/app/static/tiles/x/' + key + '.json')" in html
    assert '["3430_1674"]' in html
    assert "/app/static/vendor/markercluster/leaflet.markercluster.js" in html
    assert '[31.2, 121.5, "T1"]' in html and '[31.3, 121.6, "T2"]' in html
    assert '"maxZoom": 18' in html
    assert "cdn." not in html and "unpkg" not in html


def test_stacked_bars_are_drawn_to_scale():
    table = pd.DataFrame({"fail": [1, 0], "pass": [2, 6]}, index=["a", "b"])
    svg = stacked_bars(table, {"fail": "#d73027", "pass": "#1a9850"}, title="t")
    widths = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="16"', svg)
    ]
    assert widths == [50.0, 100.0, 300.0]  # 6 is the longest total: 300 px
    assert svg.count("<title>") == 4 and ">3<" in svg and ">6<" in svg
    one = bars(pd.Series([1.0, 2.0], index=["x", "y"]), ["#111", "#222"], unit=" km²")
    assert 'fill="#111"' in one and 'fill="#222"' in one and "2 km²" in one


def test_plan_map_draws_statuses_and_failing_fittings(sample_result):
    assert configure_offline()
    html = plan_map(sample_result, lang="zh").get_root().render()
    for word in ("项目", "配套设施", "不通过"):  # layers and a status, in Chinese (JSON-escaped)
        assert json.dumps(word)[1:-1] in html
    assert "PD-B02" in html
    states = fitting_status(sample_result.fittings["failing"])
    assert set(states) == {"fail", "pass"}
    assert STATUS_COLOURS["fail"] in html and STATUS_COLOURS["pass"] in html
    w, s, e, n = sample_result.projects.total_bounds
    bounds = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    assert [float(v) for v in bounds.groups()] == pytest.approx([s, w, n, e])  # fitted to the plan
    assert "L.control.layers" in html and "cdn." not in html


def test_plan_map_draws_each_building_red_where_a_rule_about_it_fails(sample_result):
    bad = sample_result.failing_buildings()
    b = sample_result.buildings
    # PD-B03's tower T2 has no indoor coverage; its T1 and other projects' buildings pass
    assert set(b.loc[bad, "building_id"] + "@" + b.loc[bad, "project_id"]) >= {"T2@PD-B03"}
    assert not bad[(b["project_id"] == "PD-B03") & (b["building_id"] == "T1")].any()
    fmap = plan_map(sample_result, lang="en")
    layer = next(
        c
        for c in fmap._children.values()
        if getattr(c, "layer_name", "") == "Buildings (failing in red)"
    )
    colours = {
        (f["properties"]["project_id"], f["properties"]["building_id"]): layer.style_function(f)[
            "color"
        ]
        for f in layer.data["features"]
    }
    assert len(colours) == len(b)
    assert colours[("PD-B03", "T2")] == STATUS_COLOURS["fail"]
    assert colours[("PD-B03", "T1")] == BUILDING_COLOUR
    assert sum(c == STATUS_COLOURS["fail"] for c in colours.values()) == int(bad.sum())
    tips = [f["properties"]["state_text"] for f in layer.data["features"]]
    assert set(tips) == {"a rule fails", "no rule fails"}
    one = add_buildings(base_map((31.2, 121.5), 15), sample_result, lang="zh", only="PD-B03")
    assert {f["properties"]["building_id"] for f in one.data["features"]} == {"T1", "T2"}
    assert add_buildings(base_map((31.2, 121.5), 15), sample_result, only="PD-R01") is None


def test_polygon_layer_colours_each_feature_by_its_column():
    gdf = gpd.GeoDataFrame(
        {"status": ["fail", "pass"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326
    )
    fmap = base_map((0.5, 1.0), 10)
    layer = add_polygons(
        fmap, gdf, name="p", colour_by=STATUS_COLOURS, colour_col="status", weight=3
    )
    styles = [layer.style_function(f) for f in layer.data["features"]]
    assert [x["color"] for x in styles] == [STATUS_COLOURS["fail"], STATUS_COLOURS["pass"]]
    assert {x["weight"] for x in styles} == {3} and {x["fillOpacity"] for x in styles} == {0.35}


# --- the map a planner opens every morning (issue 18) ------------------------------------


def test_status_palette_is_apart_from_the_coverage_ramp_and_bands_match_the_chart():
    statuses = {STATUS_COLOURS[s] for s in ("fail", "warn", "pass")}
    assert not statuses & set(GRID_COLOURS)
    # the ramp is one hue (purple): blue dominates red and green in every step
    for c in GRID_COLOURS:
        r, g, b = (int(c[i : i + 2], 16) for i in (1, 3, 5))
        assert b >= r and b >= g
    assert grid_class(np.array([0.0, 0.2, 0.2001, 0.61, 1.0])).tolist() == [0, 0, 1, 3, 4]
    assert [band_label(k) for k in range(5)] == [
        "0–20 %",
        "20–40 %",
        "40–60 %",
        "60–80 %",
        "80–100 %",
    ]


def test_status_markers_sit_above_clusters_with_glyphs_and_a_selected_ring():
    pts = gpd.GeoDataFrame(
        {"project_id": ["A", "B"], "status": ["fail", "pass"]},
        geometry=[Point(121.5, 31.2), Point(121.6, 31.3)],
        crs=4326,
    )
    fmap = base_map((31.2, 121.6), 10)
    layer = add_status_markers(fmap, pts, name="projects", tooltip=["project_id"], selected="A")
    styles = [layer.style_function(f) for f in layer.data["features"]]
    assert "✕" in styles[0]["html"] and STATUS_COLOURS["fail"] in styles[0]["html"]
    assert "✓" in styles[1]["html"] and styles[0]["iconSize"] == [34, 34]  # A is chosen
    assert styles[1]["iconSize"] == [26, 26]
    html = fmap.get_root().render()
    assert '"pane": "projects"' in html and "zIndex = 650" in html.replace(" ", " ")


def test_legend_lists_entries_by_layer_and_redraws_on_zoom_and_toggle():
    fmap = base_map((31.2, 121.6), 10)
    grid = add_polygons(fmap, gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326), name="g")
    group = folium.FeatureGroup(name="gaps", show=False).add_to(fmap)
    Legend(
        "图例",
        [
            LegendEntry("覆盖", shape="ramp", layer=grid, colours=GRID_COLOURS, ticks=("0",) * 5),
            LegendEntry("空白", "#54278f", "square", group),
            LegendEntry("地铁", "#666", "line"),
        ],
    ).add_to(fmap)
    ShowFromZoom(group, 14).add_to(fmap)
    html = fmap.get_root().render()
    assert "ict-legend" in html and "zoomend overlayadd overlayremove layeradd" in html
    entries = json.loads(re.search(r"var entries = (\[.*?\]);\n", html).group(1))
    assert [e["label"] for e in entries] == ["覆盖", "空白", "地铁"]
    assert entries[0]["layer"] == grid.get_name() and entries[2]["layer"] is None
    assert "map.getZoom() >= 14" in html


def test_tile_package_is_unpacked_with_rows_flipped_and_drawn(tmp_path):
    png = b"\x89PNG\r\n\x1a\nfake"
    path = write_mbtiles(
        tmp_path / "d.mbtiles",
        {(12, 3430, 1674): png, (13, 6860, 3348): png + b"2"},
        {
            "format": "png",
            "name": "district",
            "attribution": "© District",
            "bounds": "121,31,122,32",
        },
    )
    package = unpack_mbtiles(path, tmp_path / "static")
    assert (package.min_zoom, package.max_zoom, package.count) == (12, 13, 2)
    assert (package.folder / "12" / "3430" / "1674.png").read_bytes() == png
    assert package.bounds == (121.0, 31.0, 122.0, 32.0)
    url = package.url("/app/static/basemap")
    assert url == f"/app/static/basemap/{package.name}/{{z}}/{{x}}/{{y}}.png"
    again = unpack_mbtiles(path, tmp_path / "static")  # unchanged package: not unpacked again
    assert again == package
    html = (
        base_map(
            (31.2, 121.6),
            12,
            basemap="local",
            tiles=TileSource(url, "© District", package.max_zoom, package.bounds),
            tile_notice="x!",
        )
        .get_root()
        .render()
    )
    assert url in html and '"maxNativeZoom": 13' in html and "tileerror" in html
    bounds = re.search(r'"bounds": (\[.*?\]),\n\}', html, re.S).group(1)
    assert [float(v) for v in re.findall(r"[\d.]+", bounds)] == [31.0, 121.0, 32.0, 122.0]
    with pytest.raises(BaselineError, match="not an MBTiles file"):
        unpack_mbtiles(tmp_path / "static" / package.name / "package.json", tmp_path / "s2")


def test_pmtiles_archive_is_read_through_its_directories_and_unpacked(tmp_path):
    from pmtiles.tile import deserialize_header

    png = b"\x89PNG\r\n\x1a\nfake"
    tiles = {(12, 3430, 1674): png, (12, 3431, 1674): png}  # one content, a run of two
    # 10,000 scattered tiles of varied sizes at zoom 14: the root points to leaf directories
    spread = {(14, 13000 + i * 37 % 1500, 6500 + i * 53 % 700): i for i in range(10_000)}
    sizes = random.Random(1)
    tiles |= {k: png * sizes.randint(1, 300) + str(i).encode() for k, i in spread.items()}
    path = write_pmtiles(tmp_path / "d.pmtiles", tiles, {"format": "png", "attribution": "© D"})
    header = deserialize_header(path.read_bytes()[:127])
    assert header["leaf_directory_length"] > 0 and header["tile_type"].name == "PNG"
    package = unpack_package(path, tmp_path / "static")  # told from MBTiles by its bytes
    assert (package.min_zoom, package.max_zoom, package.count) == (12, 14, len(tiles))
    assert (package.folder / "12" / "3431" / "1674.png").read_bytes() == png
    x, y = 13000 + 9999 * 37 % 1500, 6500 + 9999 * 53 % 700
    assert (package.folder / "14" / str(x) / f"{y}.png").read_bytes() == tiles[(14, x, y)]
    assert package.attribution == "© D" and package.ext == "png"
    w, s, e, n = package.bounds
    west, _, _, north = tile_bounds(13000, 6500, 14)
    _, south, east, _ = tile_bounds(13000 + 1499, 6500 + 699, 14)
    assert (w, s, e, n) == pytest.approx((west, south, east, north), abs=1e-6)  # the header
    assert unpack_package(path, tmp_path / "static") == package  # unpacked once
    vector = tmp_path / "v.pmtiles"
    vector.write_bytes(path.read_bytes()[:99] + b"\x01" + path.read_bytes()[100:])  # MVT
    with pytest.raises(BaselineError, match="MVT tiles cannot be drawn"):
        unpack_package(vector, tmp_path / "static")


def test_works_grid_counts_each_work_once_in_the_cell_of_its_point():
    line = shapely.geometry.LineString([(350_010, 3_460_010), (350_090, 3_460_060)])
    works = gpd.GeoDataFrame(
        {"work_id": ["a", "b", "c", "d"]},
        geometry=[line, Point(350_400, 3_460_400), Point(350_600, 3_460_100), None],
        crs=32651,
    )
    grid = works_grid(works, cell_m=500)  # a and b share a 500 m cell, c has its own
    assert grid["count"].tolist() == [2, 1] and grid["cell_m"].tolist() == [500, 500]
    assert grid.crs.to_epsg() == 4326 and grid["colour"].tolist() == [COUNT_COLOURS[0]] * 2
    first = grid.to_crs(32651).geometry.iloc[0]
    assert first.bounds == pytest.approx((350_000, 3_460_000, 350_500, 3_460_500), abs=1e-3)
    coarse = works_grid(works, cell_m=500, max_cells=1)  # one 1 km cell holds all three
    assert coarse["count"].tolist() == [3] and coarse["cell_m"].tolist() == [1000]
    many = gpd.GeoDataFrame(geometry=[Point(350_010 + i % 7, 3_460_010) for i in range(1234)])
    dense = works_grid(many.set_crs(32651))
    assert dense["count"].tolist() == [1234] and dense["colour"].tolist() == [COUNT_COLOURS[3]]
    assert works_grid(works.iloc[3:]).empty


def test_points_are_drawn_filled_as_the_legend_shows_them():
    data = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(121.5, 31.24)], crs=4326)
    fmap = folium.Map()
    add_points(fmap, data, name="sensors", colour="#e7298a")
    html = fmap.get_root().render()
    opts = html[: html.index("new L.CircleMarker")].rsplit("var opts = ", 1)[1]
    assert '"fill": true' in opts  # folium's CircleMarker is hollow unless told


def test_gcj02_intranet_tiles_shift_display_copies():
    data = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(121.5, 31.24)], crs=4326)
    moved = display_copy(data, "custom_gcj02").geometry.iloc[0]
    assert moved.x != 121.5 and display_copy(data, "custom").geometry.iloc[0].x == 121.5


def test_search_finds_projects_stations_and_coordinates(sample_result):
    stations = gpd.GeoDataFrame(
        {
            "name": ["世纪大道", "陆家嘴"],
            "name_pinyin": ["ShiJi DaDao", "LuJiaZui"],
            "line": ["2号线", "2号线"],
        },
        geometry=[Point(121.527, 31.229), Point(121.502, 31.238)],
        crs=4326,
    )
    hits = search("pd-b02", projects=sample_result.projects, stations=stations)
    assert hits[0].kind == "project" and hits[0].key == "PD-B02"
    site = sample_result.projects.set_index("project_id").loc["PD-B02", "geometry"]
    assert site.contains(Point(hits[0].lon, hits[0].lat))
    assert [h.key for h in search("陆家嘴金融", projects=sample_result.projects)] == ["PD-B01"]
    assert [h.key for h in search("water main", projects=sample_result.projects)] == ["PD-R02"]
    assert [h.key for h in search("lujiazui", stations=stations)] == ["陆家嘴"]
    w, g, b = search("121.5,31.24")
    assert (w.lon, w.lat) == (121.5, 31.24)
    assert 0.003 < w.lon - g.lon < 0.006  # a GCJ-02 reading lies about 470 m east of WGS84
    assert b.lon < g.lon and b.lat < g.lat  # BD-09 is a further offset
    assert search("nothing like this", projects=sample_result.projects) == []


def test_search_finds_roads_of_the_works_and_every_work_on_them(sample_result):
    p = sample_result.projects
    works = p[p["category"] == "road"]
    hits = search("张江", roads=works)
    assert [(h.kind, h.key, h.members) for h in hits] == [("road", "张江路", ("PD-R01", "PD-R02"))]
    w, s, e, n = hits[0].bounds
    for site in works[works["project_id"].isin(["PD-R01", "PD-R02"])].geometry:
        x0, y0, x1, y1 = site.bounds
        assert w <= x0 and s <= y0 and x1 <= e and y1 <= n  # the map fits every work on it
    assert [h.key for h in search("century", roads=works)] == ["Century Avenue"]
    assert search("道路", roads=works) == []  # "road" alone names no road
    first = search("张江路", projects=p, roads=works)  # works named after it match too
    assert first[0].kind == "road" and {h.key for h in first[1:]} == {"PD-R01", "PD-R02"}
    both = search("世纪大道", projects=p, roads=works)
    assert ("road", ("PD-R03", "PD-R04")) in [(h.kind, h.members) for h in both]
    # a works layer that names its roads (the workspace's road_name) is read as given
    named = works.head(3).assign(road_name=["浦东大道", "浦东大道", "张杨路"])
    assert list(roads_of(named)["road"]) == ["浦东大道", "张杨路"]
    assert search("张杨路", roads=named)[0].members == (works["project_id"].iloc[2],)


def test_verdicts_sorted_findings_and_run_comparison(sample_result):
    f = sample_result.findings
    verdicts = project_verdicts(f)
    assert verdicts.loc["PD-B03", "verdict"] == "fail"  # tower T2 lacks indoor coverage
    assert verdicts.loc["PD-B03", "why"] == (
        "Building T2: indoor coverage system count 0 < 1 required (GB 51456-2023 §3.0.3-1)"
    )  # the failing building named, in the page's language
    assert project_verdicts(f, "zh").loc["PD-B03", "why"].startswith("楼号 T2：")
    assert not verdicts.loc["PD-B08", "why"].startswith("Building")  # a whole-project room
    assert (verdicts["verdict"] == "fail").sum() == (
        sample_result.projects["status"] == "fail"
    ).sum()
    assert verdicts.loc[verdicts["verdict"] == "pass", "why"].eq("").all()
    rows = sorted_findings(f)
    ranks = rows["status"].map({"fail": 0, "warn": 1, "pass": 2, "not_applicable": 3})
    assert ranks.is_monotonic_increasing and len(rows) == len(f)
    assert "None" not in set(rows["measured"]) and "" in set(rows["measured"])
    fixed = f.assign(status=np.where(f["project_id"] == "PD-B03", "pass", f["status"]))
    diff = compare_runs(f, fixed)
    assert set(diff["resolved"]["project_id"]) == {"PD-B03"}
    assert diff["new"].empty and "PD-B03" not in set(diff["still"]["project_id"])


def test_gap_pieces_describe_the_gap_under_the_pointer(sample_result):
    gaps = gpd.GeoDataFrame(
        {"gap_id": ["G1"], "area_m2": [4e6]}, geometry=[box(0, 0, 2000, 2000)], crs=32651
    )
    cells = gpd.GeoDataFrame(
        {"covered_fraction": [0.25, 0.0]},
        geometry=[box(0, 0, 1000, 2000), box(1000, 0, 2000, 2000)],
        crs=32651,
    ).to_crs(4326)
    site = gpd.GeoDataFrame({"project_id": ["P1"]}, geometry=[box(100, 100, 200, 200)], crs=32651)
    pieces = gap_pieces(gaps, cells, site)
    assert len(pieces) == 2 and set(pieces["gap_km2"]) == {4.0}
    assert pieces["piece_km2"].tolist() == pytest.approx([2.0, 2.0], abs=0.01)
    assert pieces["projects"].tolist() == ["P1", ""]
    assert pieces["cell_covered"].tolist() == [0.25, 0.0]


def test_timeline_draws_works_and_their_overlap():
    works = pd.DataFrame(
        {
            "label": ["R1", "R2"],
            "start": ["2026-01-01", "2026-07-01"],
            "end": ["2026-12-31", "2027-06-30"],
        }
    )
    svg = timeline(works, [(pd.Timestamp("2026-07-01"), pd.Timestamp("2026-12-31"))], title="t")
    assert svg.count('class="work"') == 2 and svg.count('class="overlap"') == 1
    assert "R1: 2026-01-01 – 2026-12-31" in svg and "<title>t</title>" in svg
