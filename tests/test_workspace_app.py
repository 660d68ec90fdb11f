"""The workspace pages through AppTest: sign-in, roles on every page and action, refusals shown."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import geopandas as gpd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from app_pages.workspace_common import oidc_options
from baseline.errors import Forbidden
from baseline.i18n import t
from baseline.maps.palette import STAGE_COLOURS, STATE_COLOURS
from baseline.workspace.accounts import actor_for_oidc, add_user, authenticate
from baseline.workspace.audit import trail
from baseline.workspace.demo import DEMO_PASSWORD
from baseline.workspace.first_start import first_start
from baseline.workspace.kpi import assessment, write_assessment
from baseline.workspace.projects import decide, register_project, submit
from baseline.workspace.schema import organisations, projects, sites, users
from baseline.workspace.sites import add_sites
from baseline.workspace.views import kpi_bytes
from baseline.workspace.works import add_works
from tests.conftest import ROOT
from tests.test_app import CJK, ENGLISH_ONLY, FIELD_NAME, ui_strings
from tests.workspace_app_helpers import (
    PASSWORD,
    PROJECT,
    USERS,
    make_workspace,
    write_plans,
    write_works,
)
from tests.workspace_helpers import count

APP = str(ROOT / "app.py")
PAGES = ("projects_page", "works_page", "kpi_page", "account_page")
NAMES = {org for _, org, _, _ in USERS}  # organisations' own names, not words


@pytest.fixture
def ws(tmp_path, monkeypatch):
    """A workspace with a user per role, named by BASELINE_DB as an office's would be."""
    monkeypatch.setenv("BASELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("baseline.settings.data_dir", tmp_path / "data")
    db = tmp_path / "ws.sqlite"
    monkeypatch.setenv("BASELINE_DB", f"sqlite:///{db}")
    engine = make_workspace(db)
    yield engine
    engine.dispose()


def app_as(name: str | None, page: str, engine) -> AppTest:
    """The app on ``page`` with ``name`` signed in (None: nobody)."""
    at = AppTest.from_file(APP, default_timeout=180)
    if name is not None:
        at.session_state["ws_actor"] = authenticate(engine, name, PASSWORD, "test")
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def folium_script(at) -> str:
    """The Leaflet script of the page's maps."""
    return "".join(
        str(json.loads(c.proto.json_args).get("script", ""))
        for c in at.main
        if getattr(c, "proto", None) is not None and c.proto.DESCRIPTOR.name == "ComponentInstance"
    )


def keys(at) -> set[str]:
    """The keys of every button, uploader and text area on the page."""
    found = set()
    for kind in ("button", "file_uploader", "text_area", "number_input"):
        found |= {w.key for w in at.get(kind) if getattr(w, "key", None)}
    return found


def texts(at) -> str:
    """Every message the page shows (errors, successes, infos, warnings, markdown)."""
    parts = [e.value for kind in ("error", "success", "info", "warning") for e in at.get(kind)]
    return "\n".join(parts + [m.value for m in at.markdown])


def submitted(engine, tmp_path) -> int:
    """PD-B03 submitted at planning by its owner (failing once); the submission's id."""
    v1, _ = write_plans(tmp_path)
    owner = authenticate(engine, "owner_a", PASSWORD, "test")
    return submit(engine, owner, v1, PROJECT, "planning").submission_id


def stage_of(engine, project_id: str = PROJECT) -> tuple[str, str]:
    with engine.connect() as con:
        row = con.execute(
            sa.select(projects.c.stage, projects.c.status).where(
                projects.c.project_id == project_id
            )
        ).one()
    return row.stage, row.status


# --- sign-in -------------------------------------------------------------------------------


def test_workspace_pages_ask_to_sign_in_and_calculator_pages_do_not(ws):
    for page in ("projects_page", "works_page", "kpi_page"):
        at = app_as(None, page, ws)
        assert at.text_input(key="ws_name") and at.text_input(key="ws_password")
        assert not at.dataframe and "ws_plan" not in keys(at)
    at = app_as(None, "map_page", ws)
    assert next(m.label for m in at.metric) == "浦东覆盖率"
    assert not [w for w in at.text_input if w.key == "ws_name"]


def sign_in(at, name: str, password: str) -> AppTest:
    at.text_input(key="ws_name").input(name)
    at.text_input(key="ws_password").input(password)
    next(b for b in at.button if b.label == t("ws_sign_in", "zh")).click().run()
    assert not at.exception, at.exception
    return at


def test_sign_in_wrong_password_is_refused_then_slowed_and_never_shown(ws):
    at = app_as(None, "projects_page", ws)
    wrong = "not-the-password-1"
    for _ in range(2):  # two failures are free
        sign_in(at, "owner_a", wrong)
        assert "owner_a：用户不存在或密码错误；请核对后重试" in texts(at)  # the page's language
    sign_in(at, "owner_a", PASSWORD)  # the right password, but within the delay
    shown = texts(at)
    assert re.search(r"登录失败次数过多；请 \d+ 秒后重试", shown), shown
    assert wrong not in shown and PASSWORD not in shown
    assert "ws_actor" not in at.session_state


def test_sign_in_and_out(ws):
    at = sign_in(app_as(None, "account_page", ws), "planner_a", PASSWORD)
    assert at.session_state["ws_actor"].role == "planner"
    assert any("planner_a" in c.value for c in at.caption)  # the sidebar says who
    at.button(key="ws_sign_out_page").click().run()
    assert "ws_actor" not in at.session_state
    assert at.text_input(key="ws_name")


def test_oidc_button_only_when_auth_is_configured(ws):
    at = app_as(None, "account_page", ws)
    assert "ws_oidc" not in keys(at)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "baseline",
        "client_secret": "s",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    at.switch_page("app_pages/account_page.py")
    at.run()
    assert "ws_oidc" in keys(at)


def test_oidc_claims_map_to_a_workspace_user_with_the_claimed_role(ws):
    assert oidc_options({}) is None
    options = oidc_options(
        {"auth": {}, "baseline_oidc": {"role_claim": "groups_role", "org": "浦东电力"}}
    )
    assert options == {"role_claim": "groups_role", "org": "浦东电力", "org_kind": "owner"}
    claims = {"sub": "idp|42", "email": "li@pd.example", "groups_role": "viewer"}
    who = actor_for_oidc(ws, claims, session="test", **options)
    assert (who.role, who.name) == ("viewer", "li@pd.example")
    with ws.connect() as con:
        assert (
            con.execute(sa.select(users.c.role).where(users.c.oidc_subject == "idp|42")).scalar()
            == "viewer"
        )


def test_first_start_seeds_the_embedded_default_once_and_never_an_office_db(tmp_path, monkeypatch):
    seeded: list[str] = []

    def seed(engine) -> None:
        seeded.append(str(engine.url))
        make_users = sa.text("SELECT count(*) FROM users")
        with engine.connect() as con:
            assert con.execute(make_users).scalar() == 0

    monkeypatch.delenv("BASELINE_DB", raising=False)
    url = f"sqlite:///{tmp_path / 'default.sqlite'}"
    first_start(url, seed).dispose()
    assert len(seeded) == 1
    make_workspace(tmp_path / "default.sqlite").dispose()  # now it has users
    first_start(url, seed).dispose()
    assert len(seeded) == 1
    monkeypatch.setenv("BASELINE_DB", f"sqlite:///{tmp_path / 'office.sqlite'}")
    first_start(f"sqlite:///{tmp_path / 'office.sqlite'}", seed).dispose()
    assert len(seeded) == 1


# --- roles on the projects page ------------------------------------------------------------


def test_viewer_sees_projects_but_no_submit_sign_off_or_comment(ws, tmp_path):
    submitted(ws, tmp_path)
    at = app_as("viewer_a", "projects_page", ws)
    assert PROJECT in set(at.dataframe[0].value["项目编号"])
    assert not {"ws_plan", "ws_signed_off", "ws_returned", "ws_comment_text"} & keys(at)


def test_owner_cannot_sign_off_a_planner_can(ws, tmp_path):
    submitted(ws, tmp_path)
    v1, _ = write_plans(tmp_path)
    at = app_as("owner_a", "projects_page", ws)
    assert "ws_plan" in keys(at) and "ws_comment_text" in keys(at)
    assert not {"ws_signed_off", "ws_returned"} & keys(at)
    at.file_uploader(key="ws_plan").set_value((v1.name, v1.read_bytes(), "application/geo+json"))
    at.run()
    assert at.button(key="ws_submit").disabled  # awaiting the planner: nothing to submit
    at = app_as("planner_a", "projects_page", ws)
    assert "ws_plan" not in keys(at)
    at.button(key="ws_signed_off").click().run()
    assert not at.exception, at.exception
    assert stage_of(ws) == ("design", "open")
    assert f"{PROJECT} 已签批" in texts(at)


def test_owner_submits_an_upload_planner_returns_owner_resubmits_and_sees_the_diff(ws, tmp_path):
    v1, v2 = write_plans(tmp_path)
    at = app_as("owner_a", "projects_page", ws)
    at.file_uploader(key="ws_plan").set_value((v1.name, v1.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="ws_submit").click().run()
    assert not at.exception, at.exception
    assert stage_of(ws) == ("planning", "submitted")
    at = app_as("planner_a", "projects_page", ws)
    at.text_area(key="ws_decision_text").input("第二栋楼缺室内分布系统")
    at.button(key="ws_returned").click().run()
    assert stage_of(ws) == ("planning", "returned")
    at = app_as("owner_a", "projects_page", ws)
    assert "第二栋楼缺室内分布系统" in texts(at)
    at.file_uploader(key="ws_plan").set_value((v2.name, v2.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="ws_submit").click().run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["已解决"], metrics["新增问题"], metrics["仍未通过"]) == ("1", "0", "0")
    subs = at.dataframe[1].value
    assert list(subs["结论"]) == ["不通过", "通过"] and list(subs["提交人"]) == ["owner_a"] * 2


def test_another_owners_submission_is_refused_with_the_librarys_message(ws, tmp_path):
    v1, _ = write_plans(tmp_path)  # PROJECT is owner_a's, nothing submitted
    at = app_as("owner_b", "projects_page", ws)
    at.file_uploader(key="ws_plan").set_value((v1.name, v1.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="ws_submit").click().run()
    shown = texts(at)
    assert "无权执行此操作" in shown and "你的单位不是该记录的相关方" in shown, shown
    assert "owner_b 无权报审方案（项目 PD-B03）" in shown and "not a party" not in shown, shown
    assert stage_of(ws) == ("planning", "open")


def test_a_decided_submission_cannot_be_decided_twice(ws, tmp_path):
    sub = submitted(ws, tmp_path)
    at = app_as("planner_a", "projects_page", ws)
    other = authenticate(ws, "planner_a", PASSWORD, "other session")
    decide(ws, other, sub, "returned", "meanwhile")  # another planner, another session
    at.button(key="ws_signed_off").click().run()
    assert at.error, "the library's refusal is shown"
    assert "无权执行此操作" in at.error[0].value or "冲突" in at.error[0].value, at.error[0].value
    assert stage_of(ws) == ("planning", "returned")


# --- works, opportunities, KPIs -------------------------------------------------------------


def opportunity(ws, tmp_path, start: date = date(2027, 3, 1)) -> None:
    wa, wb = write_works(tmp_path, start)
    add_works(ws, authenticate(ws, "owner_a", PASSWORD, "test"), wa)
    add_works(ws, authenticate(ws, "owner_b", PASSWORD, "test"), wb)


def test_owner_registers_works_through_an_upload(ws, tmp_path):
    wa, wb = write_works(tmp_path)
    add_works(ws, authenticate(ws, "owner_a", PASSWORD, "test"), wa)
    at = app_as("owner_b", "works_page", ws)
    at.file_uploader(key="ws_works").set_value((wb.name, wb.read_bytes(), "application/geo+json"))
    at.run()
    at.button(key="ws_save").click().run()
    assert not at.exception, at.exception
    assert "共建机会：新增 1" in texts(at)
    assert at.dataframe[0].value["状态"].tolist() == ["已识别"]


def test_decline_without_reason_shows_the_refusal_then_both_accept(ws, tmp_path):
    opportunity(ws, tmp_path)
    at = app_as("viewer_a", "works_page", ws)
    assert not {"ws_works", "ws_accept_1", "ws_decline_1"} & keys(at)
    at = app_as("owner_a", "works_page", ws)
    assert "节约金额为示意估算" in " ".join(c.value for c in at.caption)
    at.button(key="ws_decline_1").click().run()
    assert "共建机会 1：拒绝须说明理由" in texts(at)
    at.button(key="ws_accept_1").click().run()
    at = app_as("owner_b", "works_page", ws)
    assert at.dataframe[0].value["等待"].tolist() == ["待您答复"]
    at.button(key="ws_accept_1").click().run()
    assert at.dataframe[0].value["状态"].tolist() == ["已接受"]
    at.number_input(key="ws_saving_1").set_value(120000.0)
    at.button(key="ws_built_1").click().run()
    assert "共建机会 #1 已标记为建成" in texts(at)
    assert at.dataframe[-1].value["状态"].tolist() == ["已建成"]  # all opportunities
    at = app_as("planner_a", "kpi_page", ws)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["施工项数"], metrics["参与共建的施工"], metrics["共建率"]) == ("2", "2", "100%")
    assert {b.key for b in at.get("download_button")} == {"kpi_dl_csv", "kpi_dl_xlsx"}


def test_an_opportunity_starting_soon_is_a_reminder_in_both_inboxes(ws, tmp_path):
    opportunity(ws, tmp_path, start=date.today() + timedelta(days=7))
    for name in ("owner_a", "owner_b"):
        at = app_as(name, "works_page", ws)
        assert "1 个共建机会的施工窗口即将开始" in texts(at)
        assert at.dataframe[0].value["提醒"].tolist() == ["是"]
    far = app_as("viewer_a", "works_page", ws)
    assert "即将开始" not in texts(far)  # not a party: no inbox, no reminder


def test_kpi_downloads_are_the_cli_files(ws, tmp_path):
    opportunity(ws, tmp_path)
    table = assessment(ws)
    data = kpi_bytes(table, "csv")
    assert data == write_assessment(table, tmp_path / "kpi.csv").read_bytes()
    assert data.decode("utf-8-sig").startswith("organisation,category,month")
    assert kpi_bytes(table, "xlsx")[:2] == b"PK"


def test_the_map_shows_workspace_layers_to_signed_in_users(ws, tmp_path):
    submitted(ws, tmp_path)
    opportunity(ws, tmp_path)
    at = app_as("viewer_a", "map_page", ws)
    script = folium_script(at)
    names = [json.dumps(t(k, "zh")) for k in ("layer_ws_projects", "layer_ws_opportunities")]
    assert all(name in script for name in names), "both layers in the layer control"
    assert "PD-B03" in script and '"works": "W-A + W-B"' in script
    at = app_as(None, "map_page", ws)
    script = folium_script(at)
    assert "PD-B02" in script and names[0] not in script


def legend_groups(at) -> dict[str, list[tuple[str, str, str]]]:
    """The map legend's grouped entries: (label, colour, shape) per group heading."""
    script = folium_script(at)
    entries = json.loads(re.search(r"var entries = (\[.*?\]);\n", script).group(1))
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for e in entries:
        assert e["layer"] is None or f"var {e['layer']} = " in script  # tied to a drawn layer
        if e["group"]:
            groups.setdefault(e["group"], []).append((e["label"], e["colour"], e["shape"]))
    return groups


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_map_legend_lists_stages_and_states_only_when_they_are_drawn(ws, tmp_path, language):
    submitted(ws, tmp_path)  # a project, no opportunity yet
    at = app_as("viewer_a", "map_page", ws)
    if language == "en":
        at.radio(key="lang_choice").set_value("English").run()
    stages = [(t(f"stage_{s}", language), c, "ring") for s, c in STAGE_COLOURS.items()]
    heading = t("layer_ws_projects", language), t("layer_ws_opportunities", language)
    assert legend_groups(at) == {heading[0]: stages}
    opportunity(ws, tmp_path)
    at.run()  # the map is drawn again from the database
    states = [(t(f"opp_{s}", language), c) for s, c in STATE_COLOURS.items()]
    diamonds, lines = [(*x, "diamond") for x in states], [(*x, "line") for x in states]
    assert legend_groups(at) == {heading[0]: stages, heading[1]: diamonds + lines}
    at = app_as(None, "map_page", ws)
    assert legend_groups(at) == {}  # signed out: no workspace layer, no entry


def test_the_print_view_keeps_the_workspace_legend(ws, tmp_path):
    submitted(ws, tmp_path)
    opportunity(ws, tmp_path)
    at = app_as("viewer_a", "map_page", ws)
    shown = legend_groups(at)
    at.query_params["print"] = "1"
    at.run()
    assert not at.exception, at.exception
    assert legend_groups(at) == shown  # the printed map is the map, its legend entries too
    assert set(shown) == {t("layer_ws_projects", "zh"), t("layer_ws_opportunities", "zh")}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_untranslated_workspace_strings(ws, tmp_path, language):
    submitted(ws, tmp_path)
    opportunity(ws, tmp_path)
    problems = []
    for name in ("planner_a", "owner_a", "operator_a"):
        for page in PAGES:
            at = app_as(name, page, ws)
            if language == "en":
                at.radio(key="lang_choice").set_value("English").run()
            for text in ui_strings(at):
                if "Choose an option" in text or FIELD_NAME.search(text):
                    problems.append((page, text))
                if language == "zh" and text in ENGLISH_ONLY:
                    problems.append((page, text))
                own = text == "中文" or "语言" in text or re.search(r"PD-[A-Z]\d+", text)
                own = own or text in NAMES
                if language == "en" and CJK.search(text) and not own:
                    problems.append((page, text))
    assert problems == [], problems


def test_the_embedded_default_starts_with_the_demo_accounts(tmp_path, monkeypatch):
    monkeypatch.delenv("BASELINE_DB", raising=False)
    monkeypatch.setenv("BASELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("baseline.settings.data_dir", tmp_path / "data")
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("app_pages/account_page.py")
    at.run()
    sign_in(at, "demo-owner", DEMO_PASSWORD)
    assert at.session_state["ws_actor"].role == "owner"
    at.switch_page("app_pages/projects_page.py")
    at.run()
    assert len(at.dataframe[0].value) == 33  # the sample projects, registered to their owners


# --- registering projects, adding users, registering sites ---------------------------------

LANGUAGE_CHOICE = {"zh": "中文", "en": "English"}


def app_in(name: str, page: str, engine, language: str) -> AppTest:
    """The app on ``page`` in ``language`` with ``name`` signed in."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang_choice"] = LANGUAGE_CHOICE[language]
    at.session_state["ws_actor"] = authenticate(engine, name, PASSWORD, "test")
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def inputs(at) -> set[str]:
    return {w.key for w in at.text_input if w.key}


def press(at, label: str) -> AppTest:
    """Click the button (a form's too) whose label is ``label``."""
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def owner_of(engine, project_id: str) -> str | None:
    query = (
        sa.select(organisations.c.name)
        .join(projects, projects.c.org_id == organisations.c.id)
        .where(projects.c.project_id == project_id)
    )
    with engine.connect() as con:
        return con.execute(query).scalar()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_projects_are_registered_on_the_projects_page(ws, language):
    viewer = app_in("viewer_a", "projects_page", ws, language)
    assert not {"ws_reg_id", "ws_reg_org"} & inputs(viewer)
    assert t("ws_register", language) not in [b.label for b in viewer.button]
    with pytest.raises(Forbidden, match="the role viewer may not register a project"):
        register_project(ws, authenticate(ws, "viewer_a", PASSWORD, "test"), "PD-X01")
    # a planner names the owner organisation
    at = app_in("planner_a", "projects_page", ws, language)
    at.text_input(key="ws_reg_id").input("PD-X01")
    at.text_input(key="ws_reg_name").input("Depot")
    at.selectbox(key="ws_reg_category").set_value("industrial")
    at.text_input(key="ws_reg_org").input("浦东电力")
    press(at, t("ws_register", language))
    assert t("ws_registered", language, project="PD-X01") in texts(at)
    assert owner_of(ws, "PD-X01") == "浦东电力"
    # the same id again: the library's refusal is shown, nothing changes
    at.text_input(key="ws_reg_id").input("PD-X01")
    at.text_input(key="ws_reg_org").input("张江高科")
    press(at, t("ws_register", language))
    assert {"zh": "项目 PD-X01 已登记", "en": "PD-X01 is registered already"}[language] in texts(at)
    assert owner_of(ws, "PD-X01") == "浦东电力"
    # an owner registers for its own organisation only (no organisation to name)
    at = app_in("owner_b", "projects_page", ws, language)
    assert "ws_reg_org" not in inputs(at)
    assert t("ws_register_own", language) in [c.value for c in at.caption]
    at.text_input(key="ws_reg_id").input("PD-X02")
    press(at, t("ws_register", language))
    assert owner_of(ws, "PD-X02") == "浦东电力"
    with pytest.raises(Forbidden, match="not a party"):  # the library refuses anyway
        register_project(ws, authenticate(ws, "owner_b", PASSWORD, "test"), "PD-X3", org="张江高科")
    assert owner_of(ws, "PD-X3") is None


def test_an_owner_registers_an_uploaded_plans_project_then_submits_it(ws, tmp_path):
    plan = gpd.read_file(ROOT / "layers" / "sample_siteplan.geojson")
    path = tmp_path / "pd_b06.geojson"
    plan[plan["project_id"] == "PD-B06"].drop(columns=["start_date", "end_date"]).to_file(path)
    at = app_as("owner_b", "projects_page", ws)
    at.file_uploader(key="ws_plan").set_value((path.name, path.read_bytes(), "application/json"))
    at.run()
    assert "PD-B06 尚未在工作台登记" in " ".join(c.value for c in at.caption)
    assert "ws_submit" not in keys(at)
    at.button(key="ws_register_plan").click().run()
    assert not at.exception, at.exception
    assert owner_of(ws, "PD-B06") == "浦东电力"
    assert stage_of(ws, "PD-B06") == ("planning", "open")
    at.button(key="ws_submit").click().run()
    assert stage_of(ws, "PD-B06") == ("planning", "submitted")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_planners_add_users_on_the_account_page(ws, language):
    owner = app_in("owner_a", "account_page", ws, language)
    assert not {"ws_new_name", "ws_new_password"} & inputs(owner)
    assert t("ws_add_user", language) not in [b.label for b in owner.button]
    with pytest.raises(Forbidden, match="the role owner may not add users; planners may"):
        add_user(ws, authenticate(ws, "owner_a", PASSWORD, "test"), "eve", "X", "owner", "owner",
                 "eve-pass-123")  # fmt: skip
    at = app_in("planner_a", "account_page", ws, language)
    assert at.dataframe[0].value.iloc[:, 0].tolist() == ["planner_a"] + [u[0] for u in USERS]
    at.text_input(key="ws_new_name").input("li_wei")
    at.selectbox(key="ws_new_role").set_value("operator")
    at.text_input(key="ws_new_org").input("中国联通浦东")
    at.selectbox(key="ws_new_org_kind").set_value("operator")
    at.text_input(key="ws_new_password").input("li-wei-pass-1")
    press(at, t("ws_add_user", language))
    role = t("role_operator", language)
    assert t("ws_user_added", language, name="li_wei", role=role, org="中国联通浦东") in texts(at)
    assert "li-wei-pass-1" not in texts(at)
    new = authenticate(ws, "li_wei", "li-wei-pass-1", "test")
    assert (new.role, new.org_kind) == ("operator", "operator")
    assert at.dataframe[0].value.iloc[:, 0].tolist()[-1] == "li_wei"
    # refusals of the library are messages: a short password, a name taken
    problems = {"zh": ("密码太短", "的用户已存在"),
                "en": ("the password is too short", "exists already")}[language]  # fmt: skip
    for name, password, problem in (("wu", "short", problems[0]),
                                    ("owner_a", "long-enough-1", problems[1])):  # fmt: skip
        at.text_input(key="ws_new_name").input(name)
        at.text_input(key="ws_new_org").input("中国联通浦东")
        at.selectbox(key="ws_new_org_kind").set_value("operator")
        at.text_input(key="ws_new_password").input(password)
        press(at, t("ws_add_user", language))
        assert problem in texts(at)
    added = trail(ws, action="add_user")
    assert added[added["user_name"] == "planner_a"]["outcome"].tolist()[-2:] == ["ok", "refused"]
    assert added[added["user_name"] == "owner_a"]["outcome"].tolist() == ["refused"]


SITES = (
    '{"type":"FeatureCollection","features":['
    '{"type":"Feature","properties":{"site_id":"S1","open_to_all":"是"},'
    '"geometry":{"type":"Point","coordinates":[121.6,31.2]}},'
    '{"type":"Feature","properties":{"site_id":"S2","open_to_all":"false","kind":"tower"},'
    '"geometry":{"type":"Point","coordinates":[121.61,31.21]}}]}'
)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_operators_register_sites_on_the_works_page(ws, tmp_path, language):
    good, bad = tmp_path / "sites.geojson", tmp_path / "no_answer.geojson"
    good.write_text(SITES, "utf-8")
    bad.write_text(SITES.replace('"open_to_all":"false",', ""), "utf-8")
    owner = app_in("owner_a", "works_page", ws, language)
    assert not {"ws_sites", "ws_save_sites"} & keys(owner)
    with pytest.raises(Forbidden, match="the role owner may not register sites"):
        add_sites(ws, authenticate(ws, "owner_a", PASSWORD, "test"), good)
    at = app_in("operator_a", "works_page", ws, language)
    styles = " ".join(h.proto.body for h in at.get("html"))
    # the uploader's own texts in the page's language, as on every other page
    assert (".st-key-ws_sites" in styles) == (language == "zh")
    at.file_uploader(key="ws_sites").set_value((bad.name, bad.read_bytes(), "application/json"))
    at.run()
    at.button(key="ws_save_sites").click().run()
    assert not at.exception, at.exception
    bad_site = {"zh": "站址 S2 的 open_to_all 为空或不是是/否",
                "en": "open_to_all is empty or not a yes/no for site(s) S2"}  # fmt: skip
    assert bad_site[language] in texts(at)
    assert count(ws, "sites") == 0
    at.file_uploader(key="ws_sites").set_value((good.name, good.read_bytes(), "application/json"))
    at.run()
    at.button(key="ws_save_sites").click().run()
    assert t("ws_sites_saved", language, added=2, changed=0) in texts(at)
    with ws.connect() as con:
        rows = con.execute(sa.select(sites.c.site_id, sites.c.open_to_all, sites.c.kind)).all()
    assert sorted(tuple(r) for r in rows) == [("S1", True, ""), ("S2", False, "tower")]
    outcomes = trail(ws, action="register_site")[["user_name", "outcome"]].values.tolist()
    assert outcomes == [["owner_a", "refused"], ["operator_a", "ok"]]
