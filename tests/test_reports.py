"""The report writer: templates with autoescaping, the figures the app and the report share."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, box

from baseline.maps.palette import GRID_COLOURS
from baseline.reports.check_report import check_bytes, project_maps, render_html, write_check
from baseline.reports.cobuild_report import recs_bytes, write_recommendations
from baseline.reports.cobuild_report import render_html as render_recs
from baseline.reports.figures import (
    covered_share_bands,
    findings_by_category,
    grid_by_class,
    status_chart,
)
from baseline.reports.writer import html_table

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def hostile(result, pid: str = "PD-B02"):
    """The sample result with one failing project's id and messages replaced by a script."""

    def rename(frame):
        return frame.assign(project_id=frame["project_id"].replace(pid, EVIL))

    findings = rename(result.findings)
    findings.loc[findings["project_id"] == EVIL, "message"] = EVIL
    projects = rename(result.projects)
    projects.loc[projects["project_id"] == EVIL, "name"] = EVIL
    return dataclasses.replace(
        result, findings=findings, projects=projects, fittings=rename(result.fittings)
    )


def first_failing(result) -> str:
    return str(result.projects.loc[result.projects["status"] == "fail", "project_id"].iloc[0])


def test_check_report_escapes_ids_names_and_messages(sample_result):
    evil = hostile(sample_result, first_failing(sample_result))
    page = render_html(evil)
    assert "<script" not in page
    # summary id and name, map label and caption, and the findings' ids and messages
    n_findings = int((evil.findings["project_id"] == EVIL).sum())
    assert page.count(ESCAPED) == 2 + 2 + 2 * n_findings
    assert f'aria-label="{ESCAPED}"' in page


def test_check_report_content_in_both_languages(sample_result):
    page = render_html(sample_result)
    failing = int((sample_result.projects["status"] == "fail").sum())
    assert "<title>ICT baseline compliance report</title>" in page
    assert "<td>pudong-ict-baseline 2026.11</td>" in page
    assert page.count("<figure>") == failing > 0
    last = page[page.rindex("<table>") :]
    assert last.count("<tr>") == len(sample_result.findings) + 1  # and the header row
    assert '<td class="fail">fail</td>' in page
    assert "<title>Findings by category</title>" in page  # the chart the app shows too
    zh = render_html(dataclasses.replace(sample_result, lang="zh"))
    assert '<html lang="zh-CN">' in zh and "<title>信息基础设施基建标配检查报告</title>" in zh
    assert '<td class="fail">不通过</td>' in zh and "<th>规则</th>" in zh
    assert "<h2>全部检查结果</h2>" in zh and "<td>标准哈希</td>" in zh


def test_check_exports_by_extension(sample_result, tmp_path):
    html = check_bytes(sample_result, "html").decode("utf-8")
    failing = int((sample_result.projects["status"] == "fail").sum())
    assert html.startswith("<!DOCTYPE html>") and html.count("<figure>") == failing > 0
    csv = check_bytes(sample_result, "csv").decode("utf-8-sig")
    assert csv.splitlines()[0] == ",".join(sample_result.findings.columns)
    out = write_check(sample_result, tmp_path / "f.json")
    assert len(pd.read_json(out)) == len(sample_result.findings)


def recs_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "rec_id": ["R1", "R2"],
            "kind": ["shared_trench", "pole_mount"],
            "members": [f"PD-1;{EVIL}", "PD-2"],
            "owners": [f"Metro;{EVIL}", "Power"],
            "severity": ["heavy", "light"],
            "saving_cny": [120000.0, 5000.0],
            "explanation": [f"share a trench with {EVIL}", "mount on the pole"],
        },
        geometry=[LineString([(121.5, 31.2), (121.51, 31.2)]), shapely.Point(121.52, 31.21)],
        crs="EPSG:4326",
    )


def test_cobuild_report_escapes_owners_members_and_explanations():
    page = render_recs(recs_frame())
    assert "<script" not in page
    # the owner in the summary by owner, and members, owners and explanation of R1
    assert page.count(ESCAPED) == 4
    assert "<title>Co-build recommendations</title>" in page
    assert "<h2>Recommendations (2)</h2>" in page
    assert '<td class="shared_trench">shared trench</td>' in page


def test_cobuild_report_in_chinese_and_its_exports(tmp_path):
    recs = recs_frame()
    page = recs_bytes(recs, "html", "zh").decode("utf-8")
    assert "<title>共建共享建议</title>" in page and "<h2>全部建议 (2)</h2>" in page
    assert '<td class="pole_mount">杆上挂载</td>' in page and "<th>类型</th>" in page
    layer = gpd.read_file(write_recommendations(recs, tmp_path / "r.gpkg"))
    assert list(layer["rec_id"]) == ["R1", "R2"]
    table = pd.read_csv(write_recommendations(recs, tmp_path / "r.csv"), encoding="utf-8-sig")
    assert table["wkt"].tolist() == recs.geometry.to_wkt().tolist()
    sheets = pd.read_excel(write_recommendations(recs, tmp_path / "r.xlsx"), sheet_name=None)
    assert list(sheets) == ["summary", "rows"]
    assert sheets["summary"]["count"].tolist() == [1, 1, 1, 1, 1]


def test_html_table_translates_headers_and_labels_only():
    frame = pd.DataFrame({"status": ["fail", None], "message": ["fail", "x"]})
    tab = html_table(frame, "zh", labels={"status"})
    assert tab.headers == ["结果", "说明"]
    assert tab.rows == [[("不通过", "fail"), ("fail", "")], [("", ""), ("x", "")]]


def findings_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["road", "road", "road", "office", "office", "office"],
            "status": ["fail", "fail", "pass", "pass", "warn", "not_applicable"],
        }
    )


def test_findings_by_category_counts(std):
    table = findings_by_category(findings_frame(), std, "en")
    assert table.index.tolist() == ["Office", "Road"]
    assert table.columns.tolist() == ["fail", "warn", "pass"]
    assert table.to_numpy().tolist() == [[0, 1, 1], [2, 0, 1]]
    zh = findings_by_category(findings_frame(), std, "zh", statuses=["pass"])
    assert zh["pass"].to_dict() == {"办公": 1, "道路": 1}


def test_status_chart_draws_the_counts(std):
    svg = status_chart(findings_frame(), std, "zh")
    assert "<title>各类别检查结果</title>" in svg
    assert "<title>不通过: 2</title>" in svg and "<title>提示: 1</title>" in svg
    assert ">道路<" in svg and ">3<" in svg  # the road bar and its total


def test_covered_share_bands_weigh_cells_by_area():
    grid = pd.DataFrame(
        {"covered_fraction": [0.0, 0.1, 0.5, 0.95, 1.0], "area_m2": [1e6, 2e6, 3e6, 4e6, 5e5]}
    )
    bands = covered_share_bands(grid)
    assert bands.index.tolist() == ["0-20%", "20-40%", "40-60%", "60-80%", "80-100%"]
    assert bands["area_km2"].tolist() == pytest.approx([3.0, 0.0, 3.0, 0.0, 4.5])
    assert bands["colour"].tolist() == list(GRID_COLOURS)  # the map's five bands


def test_grid_by_class_merges_cells_of_one_colour():
    cells = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1), box(3, 0, 4, 1)]
    grid = gpd.GeoDataFrame(
        {"covered_fraction": [0.0, 0.05, 0.5, 1.0], "area_m2": [1.0, 1.0, 1.0, 1.0]},
        geometry=cells,
        crs="EPSG:32651",
    )
    merged = grid_by_class(grid)
    assert merged["k"].tolist() == [0, 2, 4]
    assert merged["colour"].tolist() == [GRID_COLOURS[0], GRID_COLOURS[2], GRID_COLOURS[4]]
    assert merged["covered"].tolist() == ["0–20 %", "40–60 %", "80–100 %"]
    assert merged["area_m2"].tolist() == [2.0, 1.0, 1.0]
    assert merged.geometry.iloc[0].equals(box(0, 0, 2, 1))
    assert merged.geometry.area.tolist() == pytest.approx([2.0, 1.0, 1.0])


def test_every_recommendation_kind_has_words_in_both_languages():
    from baseline.cobuild import REC_KINDS
    from baseline.i18n import STRINGS

    for kind in REC_KINDS:
        assert {"zh", "en"} <= set(STRINGS[kind]), kind
        assert STRINGS[kind]["zh"] != STRINGS[kind]["en"], kind


def test_long_tables_are_made_a_chunk_at_a_time_with_the_same_cells(monkeypatch):
    import baseline.reports.writer as writer

    frame = pd.DataFrame(
        {"status": ["fail", "pass", None, "warn", "pass"], "measured": [1.5, None, 2, 3, 4]}
    )
    eager = html_table(frame, "zh", labels={"status"})
    monkeypatch.setattr(writer, "CHUNK_ROWS", 2)
    lazy = html_table(frame, "zh", labels={"status"}, lazy=True)
    assert not isinstance(lazy.rows, list)  # made while the page is written
    assert list(lazy.rows) == eager.rows
    assert eager.rows[0] == [("不通过", "fail"), ("1.5", "")]
    assert eager.rows[2] == [("", ""), ("2.0", "")]  # missing is empty, never "None" or 0


def test_the_written_report_is_the_rendered_page_streamed(sample_result, tmp_path):
    out = write_check(sample_result, tmp_path / "r.html")
    text = out.read_text("utf-8")
    assert text == render_html(sample_result)
    n_rows = len(sample_result.findings)
    # the findings table has one <tr> per finding after its header row
    table = text[text.rindex("<table>") :]
    assert table.count("<tr>") == n_rows + 1


def test_every_column_a_person_reads_has_words_in_both_languages(sample_result):
    from pathlib import Path

    from baseline.i18n import STRINGS, column_label

    recs = pd.read_parquet(Path(__file__).parent / "golden" / "sample_cobuild.parquet")
    columns = {
        *sample_result.findings.columns,
        *sample_result.counts().reset_index().columns,
        *(c for c in recs.columns if c != "geometry"),
    }
    missing = {
        c
        for c in columns
        if f"col_{c}" not in STRINGS
        or column_label(c, "en") == c
        or not {"zh", "en"} <= set(STRINGS[f"col_{c}"])
    }
    assert not missing, f"columns shown as their field names: {sorted(missing)}"


def test_cobuild_page_shows_the_half_of_each_explanation_in_its_language():
    recs = recs_frame().assign(explanation=["共用沟槽 | shared trench", "杆上挂载 | mount on pole"])
    zh = recs_bytes(recs, "html", "zh").decode("utf-8")
    en = recs_bytes(recs, "html", "en").decode("utf-8")
    assert "<td>共用沟槽</td>" in zh and "shared trench</td>" not in zh
    assert "<td>shared trench</td>" in en and "共用沟槽" not in en
    # the CSV keeps both halves: scripts read the same column in every language
    csv = recs_bytes(recs, "csv", "zh").decode("utf-8-sig")
    assert "共用沟槽 | shared trench" in csv


def _moved(result, pid: str, new_id: str, dx: float):
    """``result`` with a copy of project ``pid`` (its fittings, buildings, findings) moved
    ``dx`` degrees east under the id ``new_id``."""

    def copy(frame):
        if frame is None or frame.empty:
            return frame
        own = frame[frame["project_id"] == pid]
        if isinstance(own, gpd.GeoDataFrame):
            own = own.set_geometry(own.geometry.translate(dx, 0))
        return pd.concat([frame, own.assign(project_id=new_id)], ignore_index=True)

    return dataclasses.replace(
        result,
        projects=copy(result.projects),
        fittings=copy(result.fittings),
        buildings=copy(result.buildings),
        findings=copy(result.findings),
    )


def test_project_maps_draw_each_project_in_its_own_utm_zone(sample_result):
    pid = first_failing(sample_result)
    # the same project moved to Paris's longitude: drawn in UTM 31N, not Shanghai's 51N
    both = _moved(sample_result, pid, "PARIS-1", 2.35 - 121.5)
    alone, with_paris = project_maps(both, [pid]), project_maps(both, [pid, "PARIS-1"])
    assert with_paris[0] == alone[0]  # a batch draws each map as it is drawn alone
    shanghai, paris = with_paris
    assert paris.label == "PARIS-1" and len(paris.shapes) == len(shanghai.shapes)
    span = [float(m.view.split()[2]) for m in (shanghai, paris)]
    # the same shape in metres in both zones (at 31°N a degree is the same length anywhere)
    assert span[1] == pytest.approx(span[0], rel=0.01)
    assert shanghai.view != paris.view  # other eastings and northings
