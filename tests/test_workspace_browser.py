"""The workspace in real Chromium: an owner and a planner, in two browser contexts, one server.

The owner submits PD-B03 at planning (it fails: a building without indoor coverage), the
planner returns it with a comment, the owner resubmits the fixed plan and sees the diff (one
finding resolved), the planner signs off and the project is at design. Then two owners register
works on one street at overlapping times; the match on save makes an opportunity, each owner
accepts it, and the KPI page counts both works as collaborating.

On the demo workspace (the 33 sample projects, a few moved on a stage, opportunities in four
states) a signed-in viewer's map rings every project's marker by stage, marks every
opportunity at city zoom and lists both in the legend.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import sqlalchemy as sa

from baseline.maps.workspace_layer import DETAIL_ZOOM
from baseline.workspace.accounts import add_user, authenticate
from baseline.workspace.demo import DEMO_PASSWORD, seed_demo
from baseline.workspace.migrations import open_workspace
from baseline.workspace.opportunities import answer
from baseline.workspace.schema import opportunities, projects
from baseline.workspace.works import add_works
from tests.browser import app_server, browser, record_timing, wait_map_drawn
from tests.conftest import ROOT
from tests.workspace_app_helpers import (
    FAST_HASH_ENV,
    PASSWORD,
    PROJECT,
    make_workspace,
    write_plans,
    write_works,
)

pytestmark = pytest.mark.browser
SHOTS = ROOT / "tests" / "screenshots"
WAIT_MS = 60_000
TITLES = {"projects": "项目审查", "works": "施工与共建机会", "kpi": "考核指标"}


def shot(page, name: str, at: str = "") -> None:
    """Save a screenshot as ``tests/screenshots/workspace-NAME.png``, scrolled to text ``at``."""
    SHOTS.mkdir(exist_ok=True)
    if at:
        page.get_by_text(at).first.scroll_into_view_if_needed()
    running = page.get_by_role("button", name="Stop")  # Streamlit's status while a run is going
    running.wait_for(state="hidden", timeout=WAIT_MS)
    page.wait_for_timeout(400)  # let the last rerun paint
    page.screenshot(path=str(SHOTS / f"workspace-{name}.png"), full_page=True)


def keyed(page, key: str, inner: str = ""):
    """The element of the widget with ``key`` (Streamlit marks it ``st-key-KEY``)."""
    return page.locator(f".st-key-{key} {inner}".strip()).first


T0 = [time.time()]


def see(page, text: str) -> None:
    """Wait until ``text`` is on the page."""
    # visible only: a data grid also keeps its cells as hidden text for screen readers
    page.get_by_text(text, exact=False).filter(visible=True).first.wait_for(timeout=WAIT_MS)
    print(f"{time.time() - T0[0]:6.1f} s  {text}")


def sign_in(page, url: str, path: str, name: str, password: str = PASSWORD) -> None:
    """Open ``path`` and sign in as ``name`` with the form."""
    page.goto(f"{url}/{path}")
    keyed(page, "ws_name", "input").fill(name, timeout=WAIT_MS)
    keyed(page, "ws_password", "input").fill(password)
    page.locator('[data-testid="stFormSubmitButton"] button').click()
    see(page, f"{name}（")  # the sidebar: 已登录：NAME（ROLE）


def go(page, path: str) -> None:
    """Switch page through the sidebar (the session, and so the sign-in, is kept)."""
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').click()
    page.wait_for_url(f"**/{path}*", timeout=WAIT_MS)


def refresh(page, path: str) -> None:
    """Draw ``path`` again from the database (through another page: the session is kept)."""
    go(page, "account")
    keyed(page, "ws_sign_out_page", "button").wait_for(timeout=WAIT_MS)  # the account page drawn
    go(page, path)
    page.locator("h2").filter(has_text=TITLES[path]).first.wait_for(timeout=WAIT_MS)


def upload(page, key: str, path: Path) -> None:
    keyed(page, key, 'input[type="file"]').set_input_files(str(path))
    see(page, path.name)


def stage_of(db: Path) -> tuple[str, str]:
    engine = open_workspace(db)
    with engine.connect() as con:
        row = con.execute(
            sa.select(projects.c.stage, projects.c.status).where(projects.c.project_id == PROJECT)
        ).one()
    engine.dispose()
    return row.stage, row.status


def opportunity_states(db: Path) -> list[str]:
    engine = open_workspace(db)
    with engine.connect() as con:
        states = list(con.execute(sa.select(opportunities.c.state)).scalars())
    engine.dispose()
    return states


def stages_through_the_browser(owner, planner, url: str, db: Path, plans: tuple[Path, Path]):
    """Planning: submitted, returned with a comment, resubmitted with a diff, signed off."""
    sign_in(owner, url, "projects", "owner_a")
    upload(owner, "ws_plan", plans[0])
    keyed(owner, "ws_submit", "button").click()
    see(owner, f"{PROJECT} 已按")
    assert stage_of(db) == ("planning", "submitted")
    shot(owner, "owner-submitted")

    sign_in(planner, url, "projects", "planner_a")
    keyed(planner, "ws_decision_text", "textarea").fill("第二栋楼缺室内分布系统，请补充后重新提交")
    keyed(planner, "ws_decision_text", "textarea").press("Control+Enter")
    planner.wait_for_timeout(800)
    keyed(planner, "ws_returned", "button").click()
    see(planner, f"{PROJECT} 已退回修改")
    assert stage_of(db) == ("planning", "returned")
    shot(planner, "planner-returned")
    refresh(owner, "projects")  # the owner opens the project again: the return shows
    see(owner, "第二栋楼缺室内分布系统")
    upload(owner, "ws_plan", plans[1])
    keyed(owner, "ws_submit", "button").click()
    see(owner, "第 2 次提交与上次相比")
    assert owner.get_by_text("已解决").count() >= 1
    shot(owner, "owner-diff", at="第 2 次提交与上次相比")

    refresh(planner, "projects")
    keyed(planner, "ws_signed_off", "button").click(timeout=WAIT_MS)
    see(planner, f"{PROJECT} 已签批")
    assert stage_of(db) == ("design", "open")
    shot(planner, "planner-signed-off", at="提交记录")


def opportunity_through_the_browser(owner, planner, url: str, db: Path, works: tuple[Path, Path]):
    """Two owners' works make an opportunity; both accept; the KPI page counts it."""
    go(owner, "works")
    upload(owner, "ws_works", works[0])
    keyed(owner, "ws_save", "button").click()
    see(owner, "已保存 1 项施工")

    keyed(planner, "ws_sign_out", "button").click()  # the planner's browser: owner_b now
    sign_in(planner, url, "works", "owner_b")
    upload(planner, "ws_works", works[1])
    keyed(planner, "ws_save", "button").click()
    see(planner, "新增 1")
    keyed(planner, "ws_accept_1", "button").click(timeout=WAIT_MS)
    see(planner, "已答复共建机会 #1")
    assert opportunity_states(db) == ["proposed"]

    refresh(owner, "works")
    keyed(owner, "ws_accept_1", "button").click(timeout=WAIT_MS)
    see(owner, "已答复共建机会 #1")
    assert opportunity_states(db) == ["accepted"]
    keyed(owner, "ws_built_1", "button").wait_for(timeout=WAIT_MS)  # accepted: mark built next
    shot(owner, "opportunity-accepted")

    go(owner, "kpi")
    see(owner, "共建率")
    rate = owner.locator('[data-testid="stMetric"]').filter(has_text="共建率").first
    assert "100%" in rate.inner_text()
    shot(owner, "kpi")

    nav = owner.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="地图", exact=True).click()  # the default page: its address is /
    wait_map_drawn(owner)
    owner.wait_for_timeout(1500)
    shot(owner, "map")


def test_owner_and_planner_take_a_project_to_design_and_two_owners_collaborate(tmp_path):
    db = tmp_path / "ws.sqlite"
    make_workspace(db).dispose()
    plans, works = write_plans(tmp_path), write_works(tmp_path)
    env = {"BASELINE_DB": f"sqlite:///{db}", "BASELINE_DATA_DIR": str(tmp_path / "data")}
    env |= FAST_HASH_ENV
    start = time.time()
    with app_server(env) as url, browser() as chromium:
        T0[0] = time.time()
        print(f"server up after {T0[0] - start:.1f} s")
        view = {"width": 1400, "height": 1200}
        owner = chromium.new_context(viewport=view).new_page()
        planner = chromium.new_context(viewport=view).new_page()
        try:
            stages_through_the_browser(owner, planner, url, db, plans)
            opportunity_through_the_browser(owner, planner, url, db, works)
        except Exception:
            shot(owner, "failed-owner")
            shot(planner, "failed-planner")
            raise
    took = time.time() - start
    print(f"\nworkspace browser test: {took:.0f} s")
    assert took < 150, took


# --- the workspace on the map at city zoom (issue 18) ---------------------------------------

MOVED = {"PD-B01": "design", "PD-B02": "construction", "PD-B04": "acceptance"}
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PROJECTS, OPPORTUNITIES = "工作台项目（按阶段）", "共建机会（按状态）"


def works_pair(folder: Path, k: int, x: float, y: float) -> tuple[Path, Path]:
    """Two owners' works 300 m long, 2 m apart, overlapping in time, at UTM 51N ``x``, ``y``."""
    paths = []
    for name, dy in (("A", 0.0), ("B", 2.0)):
        line = shapely.LineString([(x, y + dy), (x + 300, y + dy)])
        row = {"project_id": f"W{k}-{name}", "start_date": "2027-03-01", "end_date": "2027-05-01"}
        row["utility"] = "telecom" if name == "A" else "power"
        frame = gpd.GeoDataFrame([row], geometry=[line], crs="EPSG:32651").to_crs("EPSG:4326")
        paths.append(folder / f"works_{k}{name}.geojson")
        paths[-1].write_text(frame.to_json(), encoding="utf-8")
    return paths[0], paths[1]


PAIRS = ((360_000.0, 3_450_000.0), (366_000.0, 3_456_000.0), (372_000.0, 3_446_000.0),
         (356_000.0, 3_462_000.0))  # fmt: skip


def demo_with_stages_and_opportunities(db: Path, folder: Path) -> tuple[float, float]:
    """The demo workspace, three projects moved on a stage, opportunities in four states.

    The stages are written straight into the table (a sign-off needs a submission, which
    the first test walks through the browser). Returns the first opportunity's lat, lon.
    """
    engine = open_workspace(db)
    seed_demo(engine)
    with engine.begin() as con:
        for project_id, stage in MOVED.items():
            query = sa.update(projects).where(projects.c.project_id == project_id)
            con.execute(query.values(stage=stage))
    planner = authenticate(engine, "demo-planner", DEMO_PASSWORD, "test")
    add_user(engine, planner, "demo-owner-b", "浦东电力", "owner", "owner", DEMO_PASSWORD)
    owner_a, owner_b = (
        authenticate(engine, name, DEMO_PASSWORD, "test") for name in ("demo-owner", "demo-owner-b")
    )
    for k, (x, y) in enumerate(PAIRS):
        wa, wb = works_pair(folder, k, x, y)
        add_works(engine, owner_a, wa)
        add_works(engine, owner_b, wb)
    answer(engine, owner_a, 2, accept=True)  # proposed
    answer(engine, owner_a, 3, accept=True)
    answer(engine, owner_b, 3, accept=True)  # accepted
    answer(engine, owner_b, 4, accept=False, reason="工期已定")  # declined
    engine.dispose()
    first = gpd.GeoSeries([shapely.Point(PAIRS[0][0] + 150, PAIRS[0][1])], crs="EPSG:32651")
    point = first.to_crs("EPSG:4326").iloc[0]
    return point.y, point.x


def map_frame(page):
    """The Leaflet map's frame (a new one each time the map is drawn again)."""
    return next(f for f in page.frames if "st_folium" in f.url)


def legend_text(page) -> str:
    return map_frame(page).evaluate("document.querySelector('.ict-legend').innerText")


def swatches(frame, group: str) -> dict[str, int]:
    """How many swatches of each kind (ring, diamond, line) the legend lists under ``group``."""
    found = frame.locator(f'.ict-legend .group[data-group="{group}"]')
    return {k: found.locator(f".{c}").count() for k, c in (("ring", "rg"), ("diamond", "dm"),
                                                         ("line", "ln"))}  # fmt: skip


def wait_legend(page, words: str, present: bool = True, timeout: float = 30) -> str:
    """The map's legend once it holds ``words`` (or no longer holds them)."""
    deadline, legend = time.time() + timeout, ""
    while time.time() < deadline:
        try:
            legend = legend_text(page)
        except Exception:  # the map is being drawn again
            legend = ""
        if legend and (words in legend) == present:
            break
        page.wait_for_timeout(250)
    return legend


RING_OFFSETS_JS = """() => {
    const centre = el => { const b = el.getBoundingClientRect();
                           return [b.x + b.width / 2, b.y + b.height / 2]; };
    const marks = [...document.querySelectorAll('.ict-project')].map(centre);
    return [...document.querySelectorAll('.ict-ws-stage')].map(centre).map(r =>
        Math.min(...marks.map(m => Math.hypot(m[0] - r[0], m[1] - r[1]))));
}"""
LEGEND_FITS_JS = """() => {
    const d = document.querySelector('.ict-legend'), b = d.getBoundingClientRect();
    return [d.scrollHeight <= d.clientHeight + 1, b.top >= 0, b.bottom <= innerHeight,
            b.left >= 0, b.right <= innerWidth];
}"""


def test_signed_in_map_rings_projects_by_stage_and_marks_opportunities(tmp_path):
    db = tmp_path / "ws.sqlite"
    lat, lon = demo_with_stages_and_opportunities(db, tmp_path)
    env = {"BASELINE_DB": f"sqlite:///{db}", "BASELINE_DATA_DIR": str(tmp_path / "data")}
    with app_server(env | FAST_HASH_ENV) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1500, "height": 1000})
        T0[0] = time.time()
        try:
            workspace_on_the_map(page, url, lat, lon)
        except Exception:
            shot(page, "failed-map")
            raise


def workspace_on_the_map(page, url: str, lat: float, lon: float) -> None:
    """The legend, rings and diamonds at city zoom; lines from the detail zoom; a layer off."""
    sign_in(page, url, "account", "demo-viewer", DEMO_PASSWORD)
    nav = page.locator('[data-testid="stSidebarNav"]')
    start = time.time()
    nav.get_by_role("link", name="地图", exact=True).click()
    wait_map_drawn(page)
    record_timing("map_paint_signed_in_s", round(time.time() - start, 2))  # from the click
    legend = wait_legend(page, "已谢绝")
    frame = map_frame(page)
    for words in ("工作台项目（按阶段）", "规划方案", "施工图", "施工", "竣工验收",
                  "共建机会（按状态）", "已识别", "已提议", "已接受", "已谢绝", "已建成",
                  "已失效", "项目：不通过"):  # fmt: skip
        assert words in legend, (words, legend)
    assert frame.locator(".ict-project").count() == 33  # the status markers, as before
    assert frame.locator(".ict-ws-stage").count() == 33  # a stage ring around each
    stages = frame.evaluate(
        "[...document.querySelectorAll('.ict-stage')].map(d => d.dataset.stage)"
    )
    assert {s: stages.count(s) for s in set(stages)} == {
        "planning": 30, "design": 1, "construction": 1, "acceptance": 1
    }  # fmt: skip
    assert max(frame.evaluate(RING_OFFSETS_JS)) < 1.5  # each ring centred on a marker
    assert frame.locator(".ict-ws-opportunity").count() == len(PAIRS)  # diamonds at zoom 10
    assert swatches(frame, PROJECTS) == {"ring": 4, "diamond": 0, "line": 0}
    assert swatches(frame, OPPORTUNITIES) == {"ring": 0, "diamond": 6, "line": 0}
    assert frame.evaluate(LEGEND_FITS_JS) == [True] * 5  # whole, no scroll bar, in the map
    page.locator(FRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "map-workspace.png"))

    frame.evaluate(f"map_div.setView([{lat}, {lon}], {DETAIL_ZOOM + 1}); null")
    wait_legend(page, "项目用地轮廓")  # the outlines' entry: the street zoom is drawn
    page.wait_for_timeout(1500)
    frame = map_frame(page)
    assert frame.locator(".ict-ws-opportunity").count() == 0  # the works' lines instead
    assert swatches(frame, OPPORTUNITIES) == {"ring": 0, "diamond": 0, "line": 6}
    page.screenshot(path=str(SHOTS / "map-workspace-street.png"))

    frame.locator(".leaflet-control-layers").hover()
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    overlays.filter(has_text=PROJECTS).locator("input").click()
    wait_legend(page, "竣工验收", present=False)
    assert frame.locator(".ict-ws-stage").count() == 0
    assert swatches(frame, PROJECTS) == {"ring": 0, "diamond": 0, "line": 0}
    assert swatches(frame, OPPORTUNITIES)["line"] == 6  # the other workspace layer stays
    page.close()
