"""The app's pages through Streamlit's AppTest (widgets, uploads, language, filters)."""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from baseline.i18n import STRINGS, t
from baseline.workspace.store import Workspace
from tests.conftest import ROOT
from tests.plans import noted_plan, write_all

APP = str(ROOT / "app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("BASELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("baseline.settings.data_dir", tmp_path / "data")
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def page(at, name):
    at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def folium_script(at) -> str:
    texts = []
    for c in at.main:
        proto = getattr(c, "proto", None)
        if proto is not None and proto.DESCRIPTOR.name == "ComponentInstance":
            texts.append(json.loads(proto.json_args) and proto.json_args)
    return "".join(texts)


def test_map_page_headline_map_and_findings(app):
    labels = [m.label for m in app.metric]
    assert labels == ["浦东覆盖率", "不通过项目", "共建可节约"]
    assert (
        app.metric[1].value == "20 / 33"
    )  # issues 14, 15: per building, own budgets, sensor rules
    script = folium_script(app)
    assert "/app/static/vendor/leaflet/leaflet.js" in script
    assert "cdn.jsdelivr" not in script
    assert "PD-B02" in script
    assert "ict-legend" in script and "imperial: false" in script
    app.selectbox(key="map_project").select("PD-B03").run()
    table = app.dataframe[0].value
    assert "indoor-public-large" in set(table["规则"])
    # sorted fail first, full messages, blanks (not None) where nothing was measured
    assert table["结果"].iloc[0] == "不通过"
    order = {"不通过": 0, "提示": 1, "通过": 2, "不适用": 3}
    assert table["结果"].map(order).is_monotonic_increasing
    assert "None" not in set(table["实测值"]) and "nan" not in set(table["实测值"])
    verdict = app.error[0].value
    assert verdict.startswith("**结论：不通过**") and "室内分布系统数量0" in verdict
    assert "- 楼号 T2：" in verdict  # the failing building named
    # the map zooms to the chosen project and rings it; the address keeps it
    script = folium_script(app)
    # its two buildings drawn, the failing T2 in the fail colour, and both in the legend
    assert len(re.findall(r"building_id\W+T[12]\W", script)) == 2
    assert json.dumps("单体建筑：有不通过的规则")[1:-1] in json.loads(script)["script"]
    assert "fitBounds" in script and "maxZoom: 16" in script
    assert app.query_params["project"] == "PD-B03"


def test_language_switch_changes_labels(app):
    app.radio(key="lang_choice").set_value("English").run()
    assert [m.label for m in app.metric] == [
        "Covered share of Pudong",
        "Projects failing",
        "Co-build saving",
    ]
    app.selectbox(key="map_project").select("PD-B02").run()
    messages = " ".join(app.dataframe[0].value["Message"])
    assert "telecom room net area 15 m² < 20 m² required" in messages


def test_map_offers_the_catalogues_technologies(app, std):
    radio = app.radio(key="map_tech")
    assert radio.options == list(std.coverage.techs)
    assert radio.value == std.coverage.default_tech == "5G_3500"
    radio.set_value("4G_1800").run()
    assert not app.exception, app.exception
    help_text = app.metric[0].help  # the figure with its denominator and what the sites are
    assert (
        help_text.startswith("模拟覆盖率 3.3%（分母：DataV行政区划多边形") and "2014年" in help_text
    )
    assert "示意估算" in " ".join(c.value for c in app.caption)


def test_map_filters_reduce_projects(app):
    app.multiselect(key="map_status").set_value(["fail"]).run()
    options = app.selectbox(key="map_project").options
    assert len(options) == 20  # the 20 failing projects of the headline
    assert app.metric[1].value == "20 / 20"  # the headline follows the filter
    app.multiselect(key="map_status").set_value(["pass"]).run()
    assert app.metric[1].value == "0 / 4"
    script = folium_script(app)
    assert "PD-B03" not in script  # a failing project is not drawn under a pass filter


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "zip", "dxf", "kml", "parquet", "csv", "xlsx"])
def test_upload_each_format_and_check(app, tmp_path, fmt):
    files = write_all(tmp_path)
    path, crs = files[fmt]
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/octet-stream"))
    at.run()
    if crs == "wgs84":
        at.selectbox(key="plan_crs").select("wgs84").run()
    elif crs:
        at.selectbox(key="plan_crs").select("epsg").run()
        at.text_input(key="plan_epsg").input(crs).run()
    at.button(key="run_check").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    findings = at.dataframe[-1].value
    assert set(findings["项目编号"]) == {"PD-B02", "PD-B06"}
    runs = Workspace.default().runs()
    assert len(runs) == 1 and runs["file_name"].item() == path.name


def test_upload_takes_every_suffix_the_reader_reads(app, tmp_path):
    path, _ = write_all(tmp_path)["parquet"]
    geoparquet = path.rename(path.with_suffix(".geoparquet"))
    at = page(app, "check_page")
    uploader = at.get("file_uploader")[0]
    assert ".geoparquet" in uploader.proto.type and ".dxf" in uploader.proto.type
    uploader.set_value((geoparquet.name, geoparquet.read_bytes(), "application/octet-stream"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert set(at.dataframe[-1].value["项目编号"]) == {"PD-B02", "PD-B06"}


def test_check_results_match_between_geojson_and_gpkg(app, tmp_path):
    files = write_all(tmp_path)
    results = []
    for fmt in ("geojson", "gpkg"):
        path, _ = files[fmt]
        at = page(app, "check_page")
        at.get("file_uploader")[0].set_value(
            (path.name, path.read_bytes(), "application/octet-stream")
        )
        at.run()
        at.button(key="run_check").click().run()
        results.append(at.dataframe[-1].value[["项目编号", "规则", "结果"]].reset_index(drop=True))
    assert results[0].equals(results[1])
    assert (results[0]["结果"] == "不通过").sum() >= 1


def test_broken_file_shows_the_readers_message(app, tmp_path):
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value(("broken.geojson", b"{ not json", "application/geo+json"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1  # the message in the page's language (Chinese), then its headline
    assert errors[0].startswith("broken.geojson：无法按 GeoJSON（FeatureCollection） 读取")
    assert errors[0].endswith("(无法读取该文件)")
    assert "could not be read" not in errors[0]
    at.radio(key="lang_choice").set_value("English").run()
    at.button(key="run_check").click().run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("broken.geojson: could not be read as GeoJSON")
    assert errors[0].endswith("(The file could not be read)")


def test_cobuild_filter_by_kind(app):
    at = page(app, "cobuild_page")
    full = at.dataframe[0].value
    assert len(full) == 30  # issues 15 and 16: collaboration kinds, shared sites for PD-B15-B18
    said = full[t("col_explanation", "zh")]
    assert not said.str.contains(" | ", regex=False).any()  # Chinese only, not "中文 | English"
    assert said.str.contains("[\u4e00-\u9fff]").all()
    at.multiselect(key="cb_kind").set_value(["pole_mount"]).run()
    table = at.dataframe[0].value
    assert len(table) == 18 and set(table["类型"]) == {"杆上挂载"}
    at.multiselect(key="cb_kind").set_value(["shared_trench"]).run()
    at.multiselect(key="cb_severity").set_value(["heavy"]).run()
    assert len(at.dataframe[0].value) == 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 XLSX", "下载 GeoJSON", "下载 GPKG", "下载 HTML"]


def test_standards_and_history_pages(app, tmp_path):
    at = page(app, "standards_page")
    at.selectbox(key="std_cat").select("residential").run()
    assert "ftth-households-per-zone" in set(at.dataframe[0].value["规则"])
    at = page(app, "history_page")
    assert any("单用户模式" in i.value for i in at.info)


def test_uploads_are_not_kept_after_the_check(app, tmp_path, monkeypatch):
    import tempfile
    from pathlib import Path

    private = tmp_path / "tmp"  # this test's own temporary folder: other workers upload too
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    before = set(Path(tempfile.gettempdir()).glob("baseline-upload-*"))
    assert Path(tempfile.gettempdir()) == private and not before
    path, _ = write_all(tmp_path)["geojson"]
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.exception
    assert set(Path(tempfile.gettempdir()).glob("baseline-upload-*")) == before


def test_missing_crs_points_at_the_crs_selector(app, tmp_path):
    path, _ = write_all(tmp_path)["csv"]
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "text/csv"))
    at.run()
    at.button(key="run_check").click().run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("plan.csv：文件没有坐标参考系，其坐标看起来像经纬度；")
    assert "请在上方“坐标系”中选择" in errors[0] and "--crs" not in errors[0]


def _refuse(*_args, **_kwargs):
    raise AssertionError("computed during the visit: the start-up warm-up missed it")


def test_warm_up_leaves_the_first_map_visit_nothing_to_compute(tmp_path, monkeypatch):
    """serve.py's warm-up fills every cache the map page reads on its first visit."""
    import streamlit as st

    from app_pages import common

    monkeypatch.setenv("BASELINE_DATA_DIR", str(tmp_path / "data"))
    st.cache_data.clear()
    st.cache_resource.clear()
    took = common.warm()
    assert list(took) == ["standard", "check", "coverage", "grid", "tiles", "layers", "cobuild"]
    for name in (
        "load_standard",
        "sample_check",
        "pudong_gaps",
        "grid_by_class",
        "geojson_text",
        "write_tiles",
        "recommend",
    ):
        monkeypatch.setattr(common, name, _refuse)
    monkeypatch.setattr(common.bdata, "load", _refuse)
    monkeypatch.setattr(common.bdata, "load_assets", _refuse)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "PD-B02" in folium_script(at)
    assert at.metric[1].value == "20 / 33"  # issues 14, 15


# --- Chinese everywhere: no untranslated UI string in either language ---------------------

PAGES = ("map_page", "check_page", "cobuild_page", "standards_page", "history_page")
CJK = re.compile(r"[\u3400-\u9fff]")
FIELD_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # saving_cny, not_applicable, col_kind
ENGLISH_ONLY = {v["en"] for k, v in STRINGS.items() if v.get("zh") and v["zh"] != v["en"]}


def ui_strings(at) -> list[str]:
    """Every label, placeholder, header and option text the page shows (not data values)."""
    out: list[str] = []
    for kind in ("selectbox", "multiselect", "radio", "text_input", "number_input",
                 "date_input", "button", "download_button", "file_uploader"):  # fmt: skip
        for w in at.get(kind):
            proto = w.proto
            out.append(proto.label)
            if getattr(proto, "placeholder", ""):
                out.append(proto.placeholder)
            if kind in ("selectbox", "multiselect", "radio"):
                out += list(w.options)
    out += [m.label for m in at.metric]
    out += [h.value for h in at.subheader] + [h.value for h in at.header]
    for df in at.dataframe:
        out += [str(c) for c in df.value.columns]
    return [s for s in out if s]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_untranslated_ui_strings(app, tmp_path, language):
    if language == "en":
        app.radio(key="lang_choice").set_value("English").run()
    # a saved run, so the history page has its tables and selectors
    path, _ = write_all(tmp_path)["geojson"]
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="run_check").click().run()
    seen = {"check_page": ui_strings(at)}
    for name in PAGES:
        at = page(app, name)
        if name == "map_page":
            at.selectbox(key="map_project").select("PD-B02").run()
        if name == "standards_page":
            at.selectbox(key="std_rule").select_index(0).run()
        seen[name] = seen.get(name, []) + ui_strings(at)
    problems = []
    for name, texts in seen.items():
        for text in texts:
            if "Choose an option" in text or FIELD_NAME.search(text):
                problems.append((name, text))
            if language == "zh" and text in ENGLISH_ONLY:
                problems.append((name, text))
            own = text == "中文" or "语言" in text or re.search(r"PD-[A-Z]\d+", text)
            if language == "en" and CJK.search(text) and not own:  # own: names, not words
                problems.append((name, text))
    assert problems == [], problems
    assert len(seen["map_page"]) > 20 and len(seen["check_page"]) > 20


def test_search_goes_to_coordinates_and_projects(app):
    app.text_input(key="map_search").input("121.5,31.24").run()
    hits = app.radio(key="map_hit_121.5,31.24")
    assert [o.split("(")[-1] for o in hits.options] == ["WGS84)", "GCJ-02)", "BD-09)"]
    assert "[31.24, 121.5]" in folium_script(app)  # centred on the WGS84 reading
    app.text_input(key="map_search").input("PD-B06").run()
    assert app.selectbox(key="map_project").value == "PD-B06"


def test_search_for_a_road_draws_and_fits_the_works_on_it(app):
    app.text_input(key="map_search").input("张江路").run()
    hits = app.radio(key="map_hit_张江路")
    assert hits.options[0] == "地铁站 · 张江路 (13号线)"  # a station is named after it too
    assert "道路 · 张江路 (PD-R01, PD-R02)" in hits.options
    legend = json.dumps("道路上的工程：张江路")[1:-1]  # as the map's script holds it
    assert legend not in json.loads(folium_script(app))["script"]
    hits.set_value(hits.options.index("道路 · 张江路 (PD-R01, PD-R02)")).run()
    script = json.loads(folium_script(app))["script"]
    assert legend in script and "fitBounds" in script
    assert app.selectbox(key="map_project").value is None  # a road chooses no project


def test_permalink_opens_the_language_and_project(tmp_path, monkeypatch):
    monkeypatch.setenv("BASELINE_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "en"
    at.query_params["project"] = "PD-B02"
    at.run()
    assert not at.exception, at.exception
    assert at.metric[0].label == "Covered share of Pudong"
    assert at.selectbox(key="map_project").value == "PD-B02"
    assert at.query_params["lang"] == "en"


def test_check_page_counts_projects_and_rows(app, tmp_path):
    path, _ = write_all(tmp_path)["geojson"]
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="run_check").click().run()
    assert [m.label for m in at.metric] == ["✕ 不通过", "! 提示", "✓ 通过", "– 不适用"]
    verdicts = at.dataframe[0].value
    assert set(verdicts["项目编号"]) == {"PD-B02", "PD-B06"}
    counts = {m.label: int(m.value) for m in at.metric}
    assert sum(counts.values()) == 2  # projects, not rows
    rows = len(at.dataframe[-1].value)
    assert any(f"共 {rows} 条检查结果" in c.value for c in at.caption)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载方案模板（GeoJSON 示例）" in labels


def test_check_page_shows_the_plan_notes_in_the_page_language(app, tmp_path):
    path = noted_plan(tmp_path, broken=False)
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.error, [e.value for e in at.error]
    notes = [c.value for c in at.caption if c.value.startswith("ℹ️")]
    assert notes == [
        "ℹ️ noted.geojson：1 个配套设施按位置归入项目",
        "ℹ️ noted.geojson：1 个配套设施不在任何项目内，不属于任何项目",
        "ℹ️ noted.geojson：配套设施所填 project_id 不存在：PD-X99",
    ]
    at.radio(key="lang_choice").set_value("English").run()
    notes = [c.value for c in at.caption if c.value.startswith("ℹ️")]
    assert notes == [
        "ℹ️ noted.geojson: 1 fitting(s) tied to a project by location",
        "ℹ️ noted.geojson: 1 fitting(s) lie in no project and belong to none",
        "ℹ️ noted.geojson: fittings name unknown project_id(s): PD-X99",
    ]


def test_column_mapping_rescues_a_plan_without_project_id(app, tmp_path):
    path, _ = write_all(tmp_path)["geojson"]
    text = path.read_text(encoding="utf-8")
    assert '"project_id"' in text
    renamed = tmp_path / "renamed.geojson"
    renamed.write_text(text.replace('"project_id"', '"objectid"'), encoding="utf-8")
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value(
        (renamed.name, renamed.read_bytes(), "application/geo+json")
    )
    at.run()
    at.button(key="run_check").click().run()
    assert len(at.error) == 1 and not at.exception
    mapping = at.expander[0]
    assert mapping.label == "列映射（文件缺少必需列时）" and mapping.proto.expanded
    at.text_input(key="plan_col_project_id").input("objectid").run()
    at.button(key="run_check").click().run()
    assert not at.error, [e.value for e in at.error]
    assert set(at.dataframe[-1].value["项目编号"]) == {"PD-B02", "PD-B06"}


def test_print_view_has_map_legend_scale_north_date_and_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("BASELINE_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["print"] = "1"
    at.query_params["project"] = "PD-B02"
    at.run()
    assert not at.exception, at.exception
    script = folium_script(at)
    for part in ("ict-north", "ict-legend", "imperial: false", "fitBounds"):
        assert part in script
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "制图日期" in text and "上海时间" in text and "layers/SOURCES.md" in text
    assert "示意数据" in text and "@page { size: A4 landscape" in text
    assert not at.metric  # the print view is the map, its legend and notes only


def test_history_names_runs_and_compares_two(app, tmp_path):
    path, _ = write_all(tmp_path)["geojson"]
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "application/geo+json"))
    at.run()
    for _ in range(2):
        at.button(key="run_check").click().run()
        assert not at.error, [e.value for e in at.error]
    at = page(app, "history_page")
    run = at.selectbox(key="hist_run")
    assert run.value == 2 and run.options[0].startswith(f"#2 {path.name} · ")
    assert "2 个项目" in run.options[0] and "条不通过" in run.options[0]
    at.selectbox(key="hist_other").select(1).run()
    assert not at.exception, at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["已解决"] == 0 and metrics["新增问题"] == 0 and metrics["仍不通过"] >= 1
    assert at.expander[0].label == "哈希与来源"
    assert "输入文件哈希" in at.dataframe[-1].value.columns
