"""The workspace's layers on the folium map: stage rings, opportunity diamonds and lines, legend.

Tiny hand-made projects and opportunities whose positions and states are known by
construction; the map is rendered to its HTML and read back.
"""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point

from baseline.i18n import t
from baseline.maps.palette import (
    GRID_COLOURS,
    KIND_COLOURS,
    STAGE_BORDERS,
    STAGE_COLOURS,
    STATE_COLOURS,
    STATUS_COLOURS,
)
from baseline.maps.webmap import Legend, base_map
from baseline.maps.workspace_layer import (
    DETAIL_ZOOM,
    add_opportunity_states,
    add_project_stages,
    at_markers,
    on_works,
    stage_points,
    stage_ring_html,
    workspace_legend,
)
from baseline.workspace.schema import OPPORTUNITY_STATES, STAGES


def projects_frame() -> pd.DataFrame:
    """Three projects as ``project_list`` returns them; C has no position."""
    return pd.DataFrame(
        {
            "project_id": ["A", "B", "C"],
            "name": ["张江站", "世纪公园", "无坐标"],
            "stage": ["planning", "construction", "design"],
            "status": ["open", "submitted", "open"],
            "lon": [121.50, 121.60, np.nan],
            "lat": [31.20, 31.25, np.nan],
        }
    )


def opportunities_frame() -> gpd.GeoDataFrame:
    """One opportunity per state, each two parallel works 0.001° long, 0.0002° apart."""
    rows, geoms = [], []
    for k, state in enumerate(OPPORTUNITY_STATES):
        x, y = 121.5 + k * 0.01, 31.2
        a = LineString([(x, y), (x + 0.001, y)])
        b = LineString([(x, y + 0.0002), (x + 0.001, y + 0.0002)])
        geoms.append(shapely.union(a, b))
        rows.append({"opportunity_id": k + 1, "state": state, "kind": "shared_trench",
                     "work_a": f"W{k}a", "work_b": f"W{k}b"})  # fmt: skip
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def legend_entries(html: str) -> list[dict]:
    return json.loads(re.search(r"var entries = (\[.*?\]);\n", html).group(1))


def drawn(lang: str = "zh"):
    fmap = base_map((31.2, 121.55), 10)
    stages = add_project_stages(fmap, stage_points(projects_frame()), lang)
    opportunities = add_opportunity_states(fmap, opportunities_frame(), lang)
    Legend(t("legend", lang), workspace_legend(stages, opportunities, lang)).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap, stages, opportunities


def test_workspace_colours_keep_apart_from_statuses_coverage_and_cobuild_kinds():
    taken = {*STATUS_COLOURS.values(), *GRID_COLOURS, *KIND_COLOURS.values()}
    workspace = [*STAGE_COLOURS.values(), *STATE_COLOURS.values()]
    assert not set(workspace) & taken and len(set(workspace)) == len(workspace)
    assert list(STAGE_COLOURS) == list(STAGES) == list(STAGE_BORDERS)
    assert set(STATE_COLOURS) == set(OPPORTUNITY_STATES)
    assert len(set(STAGE_BORDERS.values())) == 4  # the stage reads without its colour too


def test_stage_points_sit_on_the_map_marker_when_there_is_one():
    points = stage_points(projects_frame())
    assert points["project_id"].tolist() == ["A", "B"]  # C has no position
    assert points.crs == "EPSG:4326"
    markers = gpd.GeoSeries([Point(121.51, 31.21)] * 2, index=["B", "B"], crs="EPSG:4326")
    moved = at_markers(points, markers)
    assert moved.geometry.iloc[0].equals(Point(121.50, 31.20))  # no marker: stored centroid
    assert moved.geometry.iloc[1].equals(Point(121.51, 31.21))  # on B's marker
    assert points.geometry.iloc[1].equals(Point(121.60, 31.25))  # the input is not changed


def test_stage_rings_are_one_geojson_layer_coloured_and_lined_by_stage():
    fmap, stages, _ = drawn()
    styles = {
        f["properties"]["project_id"]: stages.style_function(f) for f in stages.data["features"]
    }
    assert set(styles) == {"A", "B"}
    assert styles["A"]["html"] == stage_ring_html("planning")
    assert "6px dotted #6baed6" in styles["A"]["html"]
    assert f"6px solid {STAGE_COLOURS['construction']}" in styles["B"]["html"]
    assert styles["B"]["iconSize"] == [44, 44] and styles["B"]["className"] == "ict-ws-stage"
    props = stages.data["features"][1]["properties"]
    assert (props["stage_text"], props["status_text"]) == ("施工", "待审查")
    html = fmap.get_root().render()
    assert html.count("L.circleMarker") == 0  # no per-feature folium objects
    assert (
        '"pane": "workspace"' in html
        and html.count('createPane(\n                "workspace")') == 1
    )
    aliases = ["项目编号", "项目名称", "阶段", "状态"]  # the tooltip's words
    assert f"let aliases = {json.dumps(aliases)};" in html


def test_opportunities_are_diamonds_on_the_works_and_lines_from_the_detail_zoom():
    fmap, _, opps = drawn("en")
    table = opportunities_frame()
    mids = on_works(table.geometry)
    assert all(table.geometry.iloc[k].distance(mids.iloc[k]) < 1e-9 for k in range(len(table)))
    first = mids.iloc[0]
    assert first.x == pytest.approx(121.5005) and first.y in (31.2, 31.2002)
    marks = [opps.symbols.style_function(f) for f in opps.symbols.data["features"]]
    pairs = zip(OPPORTUNITY_STATES, marks, strict=True)
    assert all(STATE_COLOURS[s] in m["html"] and f'"{s}"' in m["html"] for s, m in pairs)
    lines = [opps.lines.style_function(f) for f in opps.lines.data["features"]]
    assert [x["color"] for x in lines] == [STATE_COLOURS[s] for s in OPPORTUNITY_STATES]
    dashed = [s for s, x in zip(OPPORTUNITY_STATES, lines, strict=True) if "dashArray" in x]
    assert dashed == ["declined", "expired"]
    props = opps.lines.data["features"][2]["properties"]
    assert (props["label"], props["works"], props["state_text"], props["kind_text"]) == (
        "#3", "W2a + W2b", "accepted", "shared trench"
    )  # fmt: skip
    html = fmap.get_root().render()
    host = f"var host = {opps.group.get_name()};"
    assert host in html and f"map.getZoom() >= {DETAIL_ZOOM}" in html
    assert f"var detail = {opps.lines._parent.get_name()};" in html  # the lines and casing
    assert "Co-build opportunities (by state)" in html  # the group in the layer control
    assert opps.symbols.get_name() not in re.search(r"overlays\W+\{(.*?)\}", html, re.S).group(1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_legend_lists_every_stage_and_state_tied_to_its_layer(lang):
    fmap, stages, opps = drawn(lang)
    entries = legend_entries(fmap.get_root().render())
    rings = [e for e in entries if e["shape"] == "ring"]
    assert [(e["label"], e["colour"], e["border"]) for e in rings] == [
        (t(f"stage_{s}", lang), STAGE_COLOURS[s], STAGE_BORDERS[s]) for s in STAGES
    ]
    assert {e["layer"] for e in rings} == {stages.get_name()}
    assert {e["group"] for e in rings} == {t("layer_ws_projects", lang)}
    for shape, layer in (("diamond", opps.symbols), ("line", opps.lines)):
        rows = [e for e in entries if e["shape"] == shape]
        assert [(e["label"], e["colour"]) for e in rows] == [
            (t(f"opp_{s}", lang), c) for s, c in STATE_COLOURS.items()
        ]
        assert {e["layer"] for e in rows} == {layer.get_name()}
        assert {e["group"] for e in rows} == {t("layer_ws_opportunities", lang)}
    labels = " ".join(e["label"] + e["group"] for e in entries)
    assert ("规划方案" in labels) == (lang == "zh") and ("planning" in labels) == (lang == "en")


def test_no_workspace_layer_drawn_means_no_workspace_legend_entry():
    assert workspace_legend(None, None, "zh") == []
    fmap = base_map((31.2, 121.55), 10)
    stages = add_project_stages(fmap, stage_points(projects_frame()), "zh")
    assert {e.shape for e in workspace_legend(stages, None, "zh")} == {"ring"}
