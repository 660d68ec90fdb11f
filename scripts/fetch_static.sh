#!/usr/bin/env bash
# Fetch the Leaflet files the map app serves locally (no CDN at run time).
# Packages come from the npm registry at set-up time; nothing here is committed.
set -euo pipefail
dest="${1:-static/vendor}"
mkdir -p "$dest"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fetch() {  # name@version folder
    (cd "$tmp" && npm pack --silent "$1" >/dev/null)
    local tgz
    tgz="$(ls "$tmp"/*.tgz)"
    mkdir -p "$tmp/x" "$dest/$2"
    tar -xzf "$tgz" -C "$tmp/x"
    cp -r "$tmp/x/package/dist/." "$dest/$2/"
    rm -rf "$tmp/x" "$tgz"
}
fetch leaflet@1.9.4 leaflet
fetch leaflet.markercluster@1.5.3 markercluster
touch "$dest/.complete"
echo "static files in $dest"
