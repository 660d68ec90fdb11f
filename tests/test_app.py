"""The app's pages through Streamlit's AppTest (widgets, uploads, language, filters)."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from baseline.workspace.store import Workspace
from tests.conftest import ROOT
from tests.plans import write_all

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
    app.selectbox(key="map_project").select("PD-B02").run()
    table = app.dataframe[0].value
    assert "room-area" in set(table["rule_id"])


def test_language_switch_changes_labels(app):
    app.radio(key="lang_choice").set_value("English").run()
    assert [m.label for m in app.metric] == [
        "Covered share of Pudong",
        "Projects failing",
        "Co-build saving",
    ]
    app.selectbox(key="map_project").select("PD-B02").run()
    messages = " ".join(app.dataframe[0].value["message"])
    assert "telecom room net area 15 m² < 20 m² required" in messages


def test_map_offers_the_catalogues_technologies(app, std):
    radio = app.radio(key="map_tech")
    assert radio.options == list(std.coverage.techs)
    assert radio.value == std.coverage.default_tech == "5G_3500"
    radio.set_value("4G_1800").run()
    assert not app.exception, app.exception
    assert app.metric[0].help == "4G_1800，2425 个站址"


def test_map_filters_reduce_projects(app):
    app.multiselect(key="map_status").set_value(["fail"]).run()
    options = app.selectbox(key="map_project").options
    assert len(options) == 1 + 20  # the 20 failing projects of the headline


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
    assert set(findings["project_id"]) == {"PD-B02", "PD-B06"}
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
    assert set(at.dataframe[-1].value["project_id"]) == {"PD-B02", "PD-B06"}


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
        results.append(
            at.dataframe[-1].value[["project_id", "rule_id", "status"]].reset_index(drop=True)
        )
    assert results[0].equals(results[1])
    assert (results[0]["status"] == "不通过").sum() >= 1


def test_broken_file_shows_the_readers_message(app, tmp_path):
    at = page(app, "check_page")
    at.get("file_uploader")[0].set_value(("broken.geojson", b"{ not json", "application/geo+json"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("broken.geojson: could not be read as GeoJSON")


def test_cobuild_filter_by_kind(app):
    at = page(app, "cobuild_page")
    full = at.dataframe[0].value
    assert len(full) == 30  # issues 15 and 16: collaboration kinds, shared sites for PD-B15-B18
    at.multiselect(key="cb_kind").set_value(["pole_mount"]).run()
    table = at.dataframe[0].value
    assert len(table) == 18 and set(table["kind"]) == {"杆上挂载"}
    at.multiselect(key="cb_kind").set_value(["shared_trench"]).run()
    at.multiselect(key="cb_severity").set_value(["heavy"]).run()
    assert len(at.dataframe[0].value) == 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 XLSX", "下载 GeoJSON", "下载 GPKG", "下载 HTML"]


def test_standards_and_history_pages(app, tmp_path):
    at = page(app, "standards_page")
    at.selectbox(key="std_cat").select("residential").run()
    assert "ftth-households-per-zone" in set(at.dataframe[0].value["rule_id"])
    at = page(app, "history_page")
    assert any("单用户模式" in i.value for i in at.info)


def test_uploads_are_not_kept_after_the_check(app, tmp_path):
    import tempfile
    from pathlib import Path

    before = set(Path(tempfile.gettempdir()).glob("baseline-upload-*"))
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
    assert errors[0].startswith("plan.csv: the file has no coordinate reference system")
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
