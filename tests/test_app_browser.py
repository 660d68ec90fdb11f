"""The app in real Chromium: offline map, upload and check, download, language, screenshots."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from tests.browser import app_server, browser, record_timing, wait_map_drawn
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
SHOTS = ROOT / "tests" / "screenshots"
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    with app_server({"BASELINE_DATA_DIR": str(data)}) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def timings():
    figures: dict[str, object] = {}
    yield figures
    for name, value in figures.items():
        record_timing(name, value)
    print(f"\nbrowser timings: {json.dumps(figures)}")


def _open(chromium, url, path="/"):
    page = chromium.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    start = time.time()
    page.goto(url + path)
    return page, requests, start


def big_plan(folder: Path) -> Path:
    """Exactly 1,000 features: the bundled sample and a copy shifted 6 km south, cut at 1,000."""
    plan = gpd.read_file(ROOT / "layers" / "sample_siteplan.geojson")
    for col in ("start_date", "end_date"):
        plan[col] = plan[col].dt.strftime("%Y-%m-%d")
    extra = plan.to_crs(32651)
    extra = extra.set_geometry(extra.translate(0, -6000)).to_crs(4326)
    extra["project_id"] = extra["project_id"] + "-S"
    full = gpd.GeoDataFrame(pd.concat([plan, extra], ignore_index=True), crs=4326).head(1000)
    assert len(full) == 1000
    path = folder / "plan1000.geojson"
    path.write_text(full.to_json(), encoding="utf-8")
    return path


def test_map_draws_offline_with_no_request_leaving_loopback(server, chromium, timings):
    page, requests, start = _open(chromium, server)
    wait_map_drawn(page)
    cold = time.time() - start  # from before page.goto, as the warm figures below
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "map.png"))
    page.close()
    warm = []
    for _ in range(3):
        p2, req2, t0 = _open(chromium, server)
        wait_map_drawn(p2)
        warm.append(round(time.time() - t0, 2))
        requests += req2
        p2.close()
    timings["first_map_paint_cold_s"] = round(cold, 2)
    timings["first_map_paint_warm_s"] = warm
    outside = [u for u in requests if not u.startswith(LOCAL)]
    assert outside == []
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in requests)


def _map_frame(page):
    return next(f for f in page.frames if "st_folium" in f.url)


def test_towers_are_clustered_and_gaps_load_per_tile_when_zoomed_in(server, chromium):
    page, requests, _ = _open(chromium, server)
    wait_map_drawn(page)
    frame = _map_frame(page)
    frame.locator(".ict-cluster").first.wait_for(timeout=30000)
    clusters = frame.locator(".ict-cluster").count()
    assert 3 <= clusters < 100  # about a thousand towers drawn as a few counted clusters
    page.wait_for_timeout(500)
    assert [u for u in requests if "/static/tiles/" in u] == []  # nothing at overview zoom
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    frame.evaluate("map_div.setView([31.235, 121.505], 14); null")  # Lujiazui
    count_js = (
        "Object.keys(window).filter(k => k.startsWith('feature_group_'))"
        ".map(k => window[k].getLayers().map(l => l.getLayers ? l.getLayers().length : 0)"
        ".reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0)"
    )
    deadline = time.time() + 20
    while time.time() < deadline and not any("/static/tiles/" in u for u, _ in responses):
        page.wait_for_timeout(100)  # other groups (outlines, stations) fill at zoom 14 too
    page.wait_for_timeout(500)
    tiles = [(u, code) for u, code in responses if "/static/tiles/" in u]
    assert 1 <= len(tiles) <= 4 and all(code == 200 for _, code in tiles), tiles
    assert frame.evaluate(count_js) > 0
    frame.evaluate("map_div.setView([31.10, 121.80], 14); null")  # elsewhere: new tiles only
    page.wait_for_timeout(1500)
    more = [u for u, _ in responses if "/static/tiles/" in u]
    assert len(more) == len(set(more))  # no tile fetched twice
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    page.screenshot(path=str(SHOTS / "map-zoomed.png"))
    page.close()


def test_clicking_a_project_on_the_map_shows_its_findings(server, chromium):
    page, _, _ = _open(chromium, server)
    wait_map_drawn(page)
    frame = _map_frame(page)
    plan = gpd.read_file(ROOT / "layers" / "sample_siteplan.geojson")
    site = plan[(plan["project_id"] == "PD-B02") & (plan["kind"] == "boundary")].geometry.item()
    point = site.representative_point()
    frame.evaluate("([lat, lon]) => { map_div.setView([lat, lon], 16); }", [point.y, point.x])
    page.wait_for_timeout(1000)
    to_pixel = (
        "([lat, lon]) => { const p = map_div.latLngToContainerPoint([lat, lon]); "
        "return [p.x, p.y]; }"
    )
    xy = frame.evaluate(to_pixel, [point.y, point.x])
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.wait_for_timeout(3000)
    page.screenshot(path=str(SHOTS / "map-click.png"))
    page.get_by_text("PD-B02").first.wait_for(timeout=30000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_language_switch(server, chromium):
    page, _, _ = _open(chromium, server)
    wait_map_drawn(page)
    assert page.get_by_text("浦东覆盖率").count() == 1
    page.get_by_text("English", exact=True).click()
    page.get_by_text("Covered share of Pudong").wait_for(timeout=30000)
    assert page.get_by_text("浦东覆盖率").count() == 0
    page.close()


def _idle_with(page, name: str) -> None:
    """Wait until the uploader shows ``name`` and the app has finished its rerun."""
    page.locator('[data-testid="stFileUploader"]').get_by_text(name).wait_for(timeout=30000)
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60000)


def _upload_and_check(page, path: Path) -> dict[str, float]:
    """Upload ``path`` and check it; seconds for each step the user waits through.

    ``upload_s``: from choosing the file, on the page as a user sees it once it has loaded
    (its last form button shown, no run in progress), until the check button shows (the file
    uploaded and the page run again). Then the test lets the app settle (not counted) and
    clicks: ``check_to_downloads_s`` until the download buttons show,
    ``check_to_map_and_table_s`` until the findings table and plan map do.
    """
    page.get_by_role("button", name="下载方案模板（GeoJSON 示例）").wait_for(timeout=60000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60000)
    start = time.time()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.locator('[data-testid="stFileUploader"]').get_by_text(path.name).wait_for(timeout=30000)
    button = page.get_by_role("button", name="开始检查")
    button.wait_for(timeout=30000)
    upload = time.time() - start
    _idle_with(page, path.name)
    start = time.time()
    button.click()
    page.get_by_role("button", name="下载 CSV").wait_for(timeout=120000)
    downloads = time.time() - start
    page.locator('[data-testid="stDataFrame"]').last.wait_for(timeout=120000)
    wait_map_drawn(page)
    shown = time.time() - start
    return {
        "upload_s": round(upload, 2),
        "check_to_downloads_s": round(downloads, 2),
        "check_to_map_and_table_s": round(shown, 2),
        "upload_to_results_s": round(upload + shown, 2),
    }


def test_upload_check_and_download_csv(server, chromium, tmp_path, timings):
    page, requests, _ = _open(chromium, server, "/check")
    plan = big_plan(tmp_path)
    timings["plan_1000_features"] = _upload_and_check(page, plan)
    page.get_by_text("已保存为历史记录").wait_for(
        timeout=30000
    )  # the run is kept after the results
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").click()
    target = tmp_path / "findings.csv"
    info.value.save_as(target)
    findings = pd.read_csv(target)
    assert list(findings.columns[:11]) == [
        "project_id",
        "building_id",
        "category",
        "rule_id",
        "clause",
        "confidence",
        "status",
        "measured",
        "required",
        "unit",
        "message",
    ]
    shown = gpd.read_file(plan)
    projects = shown.loc[shown["kind"].isin(["boundary", "centreline"]), "project_id"]
    assert set(findings["project_id"]) == set(projects)
    assert len(set(projects)) == 62
    room = findings[(findings.project_id == "PD-B02") & (findings.rule_id == "room-area")]
    # §4.2.2 says 不宜 (should): a warning, not a fail (issue 14)
    assert room["status"].item() == "warn" and room["measured"].item() == 15.0
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "check.png"), full_page=False)
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    page.close()


def test_cobuild_csv_is_built_on_click_and_holds_every_recommendation(server, chromium, tmp_path):
    page, requests, _ = _open(chromium, server, "/cobuild")
    button = page.get_by_role("button", name="下载 CSV")
    button.wait_for(timeout=60000)
    with page.expect_download() as info:
        button.click()
    target = tmp_path / "cobuild.csv"
    info.value.save_as(target)
    recs = pd.read_csv(target)
    assert len(recs) == 30 and recs["rec_id"].is_unique
    # issues 15 and 16: shared stretches, collaboration kinds, no co-location that cannot help
    assert recs["saving_cny"].sum() == pytest.approx(2_426_520, rel=0.01)
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    page.close()


@pytest.mark.parametrize("name", ["cobuild", "standards", "history"])
def test_other_pages_render(server, chromium, name):
    page, requests, _ = _open(chromium, server, f"/{name}")
    page.locator("h1, h2").first.wait_for(timeout=60000)
    page.wait_for_timeout(2000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    page.close()


def test_three_hostile_files_show_their_message(server, chromium, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import make_hostile

    wanted = {  # the Chinese page shows the library's Chinese message (issue 18)
        "not_json.geojson": "not_json.geojson：不是 JSON 文件（开头为",
        "zip_slip.zip": "指向压缩包以外（zip slip 路径穿越），已拒绝",
        "no_crs_degrees.csv": "no_crs_degrees.csv：文件没有坐标参考系，其坐标看起来像经纬度",
    }
    english = ("is not JSON", "zip slip); refused", "has no coordinate reference system")
    files = {name: data for name, data, *_ in make_hostile.cases() if name in wanted}
    page, requests, _ = _open(chromium, server, "/check")
    for name, expected in wanted.items():
        path = tmp_path / name
        path.write_bytes(files[name])
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
        _idle_with(page, name)
        page.get_by_role("button", name="开始检查").click()
        alert = page.locator('[data-testid="stAlert"]').filter(has_text=name)
        try:
            alert.first.wait_for(timeout=60000)
        except Exception:
            page.screenshot(path=str(SHOTS / "hostile-fail.png"))
            raise
        text = alert.first.inner_text()
        headlines = ("(无法读取该文件)", "(文件不安全，已拒绝)", "(坐标系有误)")
        assert expected in text and any(h in text for h in headlines), text
        assert not any(e in text for e in english), text
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in page.content()
    page.screenshot(path=str(SHOTS / "hostile.png"))
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    page.close()


def _after(page, selector: str) -> str:
    """The ``::after`` content the browser draws for the first element matching ``selector``."""
    return page.locator(selector).first.evaluate(
        "e => getComputedStyle(e, '::after').getPropertyValue('content')"
    )


UPLOAD_LABEL = (
    '.st-key-plan_file [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
)
LIMIT_LINE = '.st-key-plan_file [data-testid="stFileUploaderDropzoneInstructions"] > div'


def test_uploader_reads_chinese_on_the_chinese_page(server, chromium):
    page, requests, _ = _open(chromium, server, "/check")
    zone = page.locator('.st-key-plan_file [data-testid="stFileUploaderDropzone"]')
    zone.wait_for(timeout=60000)
    page.wait_for_timeout(500)
    # Streamlit's English text nodes are hidden; the Chinese is drawn in their place
    for english in ("Upload", "per file", "Drag and drop", "Browse files"):
        shown = page.get_by_text(re.compile(english))  # case-sensitive: the icon is "upload"
        assert all(not shown.nth(i).is_visible() for i in range(shown.count())), english
    assert _after(page, UPLOAD_LABEL) == '"上传文件"'
    limit = _after(page, LIMIT_LINE)
    assert limit.startswith('"单个文件不超过 200MB • GEOJSON, JSON, GPKG') and "DXF" in limit
    button = page.locator('.st-key-plan_file [data-testid="stBaseButton-secondary"]')
    label = page.locator(UPLOAD_LABEL).first.bounding_box()
    assert label["width"] > 20 and button.bounding_box()["width"] > label["width"]
    zone.screenshot(path=str(SHOTS / "check-uploader-zh.png"))
    page.locator(".st-key-plan_file").screenshot(path=str(SHOTS / "check-uploader-zh-widget.png"))
    assert [u for u in requests if not u.startswith(LOCAL)] == []
    page.get_by_text("English", exact=True).click()
    page.get_by_text("Check a site plan").first.wait_for(timeout=30000)
    page.wait_for_timeout(500)
    assert page.get_by_text("Upload", exact=True).first.is_visible()
    assert _after(page, UPLOAD_LABEL) in ("none", "normal")
    zone.screenshot(path=str(SHOTS / "check-uploader-en.png"))
    page.close()


def test_no_english_status_while_the_check_runs(server, chromium, tmp_path):
    """Streamlit's status widget ("Running...", "Stop") never shows English on a Chinese page.

    In this app (Streamlit 1.67, ``toolbarMode = "minimal"``) the top bar stays empty while a
    page runs; should the widget be drawn, its Stop button reads 停止 (widget_texts.status_css).
    """
    page, _, _ = _open(chromium, server, "/check")
    path = big_plan(tmp_path)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(path)
    )
    _idle_with(page, path.name)
    page.get_by_role("button", name="开始检查").click()
    status = '[data-testid="stStatusWidget"]'
    drawn = []
    for _ in range(40):  # the four seconds of the check, every 100 ms
        page.wait_for_timeout(100)
        for english in ("Stop", "Stopping...", "Running..."):
            assert not page.get_by_text(english, exact=True).first.is_visible(), english
        if page.locator(f"{status} button").count():
            drawn.append(_after(page, f"{status} button"))
    assert set(drawn) <= {'"停止"', '"正在停止…"'}, drawn
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=120000)
    page.close()
