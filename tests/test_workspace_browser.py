"""The workspace in real Chromium: an owner and a planner, in two browser contexts, one server.

The owner submits PD-B03 at planning (it fails: a building without indoor coverage), the
planner returns it with a comment, the owner resubmits the fixed plan and sees the diff (one
finding resolved), the planner signs off and the project is at design. Then two owners register
works on one street at overlapping times; the match on save makes an opportunity, each owner
accepts it, and the KPI page counts both works as collaborating.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from baseline.workspace.migrations import open_workspace
from baseline.workspace.schema import opportunities, projects
from tests.browser import app_server, browser, wait_map_drawn
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


def sign_in(page, url: str, path: str, name: str) -> None:
    """Open ``path`` and sign in as ``name`` with the form."""
    page.goto(f"{url}/{path}")
    keyed(page, "ws_name", "input").fill(name, timeout=WAIT_MS)
    keyed(page, "ws_password", "input").fill(PASSWORD)
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
