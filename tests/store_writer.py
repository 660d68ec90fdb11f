"""Write check runs into a workspace store in a loop (used by the store fault tests).

python -m tests.store_writer STORE_PATH COUNT TAG [REPORT_MB]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, box

from baseline.check.run import check
from baseline.io.siteplan import siteplan_from_frames
from baseline.standard.catalogue import load_standard
from baseline.workspace.store import Workspace


def tiny_result():
    std = load_standard()
    rows = [
        {
            "kind": "boundary",
            "project_id": "P1",
            "category": "office",
            "gfa_m2": 12000,
            "geometry": box(355000, 3450000, 355100, 3450100),
        },
        {
            "kind": "telecom_room",
            "project_id": "P1",
            "area_m2": 15,
            "geometry": Point(355010, 3450010),
        },
    ]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=32651).to_crs(4326)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = siteplan_from_frames({"plan": frame}, std, label="tiny.geojson")
    return check(plan, std)


def main() -> None:
    store = Workspace(Path(sys.argv[1]))
    count, tag = int(sys.argv[2]), sys.argv[3]
    size = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
    result = tiny_result()
    report = f"<html>{tag}" + "x" * int(size * 1e6) + "</html>"
    for i in range(count):
        result.source = f"{tag}-{i}.geojson"
        store.save(result, report, saved_by=tag)
        print(f"saved {tag}-{i}", flush=True)


if __name__ == "__main__":
    main()
