"""What the workspace pages share: the database, the signed-in actor, sign-in and sign-out.

The calculator pages (map, check, co-build, standards, history) work without signing in; the
workspace pages (projects, works and opportunities, KPIs) call :func:`require_actor`, which
draws the sign-in form and stops the page until someone signs in. The actor lives in
``st.session_state["ws_actor"]``; the password never leaves the form (it is cleared on submit
and never shown, logged or kept). Streamlit's OIDC sign-in (``st.login``) is offered when
``.streamlit/secrets.toml`` has an ``[auth]`` section; the identity provider's user is mapped to
a workspace user by :func:`baseline.workspace.accounts.actor_for_oidc`, with the role from the
claim named in ``[baseline_oidc] role_claim`` (default ``baseline_role``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app_pages.common import error_text, guarded, tr
from baseline.errors import BaselineError
from baseline.workspace.access import why_not
from baseline.workspace.accounts import actor_for_oidc, authenticate
from baseline.workspace.actor import Actor
from baseline.workspace.db import default_url
from baseline.workspace.demo import seed_demo
from baseline.workspace.first_start import first_start

T = TypeVar("T")
ACTOR_KEY = "ws_actor"


@st.cache_resource(show_spinner=False, max_entries=8)
def _engine(url: str) -> Engine:
    """The workspace at ``url``, migrated; the embedded default gets the demo accounts once."""
    return first_start(url, seed_demo)


def engine() -> Engine:
    """The workspace database: ``BASELINE_DB`` or the SQLite file in the data folder."""
    return _engine(default_url())


def session_id() -> str:
    """The browser session's id, recorded with every action in the audit trail."""
    ctx = get_script_run_ctx()
    return f"app:{ctx.session_id[:12]}" if ctx is not None else "app"


def actor() -> Actor | None:
    """The signed-in workspace user, or None."""
    found = st.session_state.get(ACTOR_KEY)
    return found if isinstance(found, Actor) else None


def may(action: str, parties: set[int] | None = None) -> bool:
    """Whether the signed-in user may do ``action`` (on a record of ``parties``)."""
    return why_not(actor(), action, parties) == ""


def oidc_options(secrets: Mapping[str, Any]) -> dict[str, Any] | None:
    """How OIDC users map to workspace users, or None when ``[auth]`` is not configured.

    Parameters
    ----------
    secrets : mapping
        ``st.secrets``: an ``[auth]`` section turns OIDC on; ``[baseline_oidc]`` may give
        ``role_claim`` (default ``baseline_role``), ``org`` (the organisation new users join;
        none: only registered users) and ``org_kind`` (default ``owner``).
    """
    if "auth" not in secrets:
        return None
    own = dict(secrets.get("baseline_oidc", {}))
    return {
        "role_claim": str(own.get("role_claim", "baseline_role")),
        "org": own.get("org"),
        "org_kind": str(own.get("org_kind", "owner")),
    }


def _secrets() -> Mapping[str, Any]:
    """``st.secrets``, or nothing when the app has no secrets file."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no secrets.toml: Streamlit raises on first access
        return {}


def _oidc_sign_in(options: dict[str, Any]) -> None:
    """Offer ``st.login``; once the provider signed the user in, map them to an actor."""
    user = st.user
    if not getattr(user, "is_logged_in", False):
        st.button(tr("ws_sign_in_oidc"), key="ws_oidc", on_click=st.login)
        return
    claims = {k: user.get(k) for k in user}
    found = guarded(lambda: actor_for_oidc(engine(), claims, session=session_id(), **options))
    if found is not None:
        st.session_state[ACTOR_KEY] = found
        st.rerun()


def sign_in_form() -> None:
    """The sign-in form: name and password to :func:`authenticate`, OIDC when configured."""
    st.subheader(tr("ws_sign_in"))
    with st.form("ws_sign_in_form", clear_on_submit=True):
        name = st.text_input(tr("ws_user_name"), key="ws_name")
        password = st.text_input(tr("ws_password"), type="password", key="ws_password")
        sent = st.form_submit_button(tr("ws_sign_in"), type="primary")
    if sent:
        found = guarded(lambda: authenticate(engine(), name.strip(), password, session_id()))
        if found is not None:
            st.session_state[ACTOR_KEY] = found
            st.rerun()
    options = oidc_options(_secrets())
    if options is not None:
        _oidc_sign_in(options)


def sign_out() -> None:
    """Forget the signed-in user (and end the OIDC session when there is one)."""
    st.session_state.pop(ACTOR_KEY, None)
    if getattr(st.user, "is_logged_in", False):
        st.logout()


def sidebar_account() -> None:
    """In the sidebar: who is signed in, and a sign-out button."""
    who = actor()
    if who is None:
        return
    st.caption(tr("ws_signed_in_as", name=who.name, role=tr(f"role_{who.role}")))
    st.button(tr("ws_sign_out"), key="ws_sign_out", on_click=sign_out)


def require_actor() -> Actor:
    """The signed-in user; otherwise draw the sign-in form and stop the page."""
    who = actor()
    if who is None:
        st.info(tr("ws_need_sign_in"))
        sign_in_form()
        st.stop()
    assert who is not None  # st.stop() ends the run
    return who


def act(func: Callable[[], T], done: str) -> T | None:
    """Run a library action; show ``done`` on success, its refusal message otherwise."""
    result = guarded(func)
    if result is not None:
        st.session_state["ws_flash"] = done
    return result


def act_later(func: Callable[[], object], done: str) -> None:
    """Run a library action from a button's callback, with what the page showed when clicked.

    A callback runs before the page is drawn again, so the action names the record and
    version the user saw; when someone changed it meanwhile the library refuses, and the
    refusal is shown by :func:`flash` (never a stale success).
    """
    try:
        func()
    except BaselineError as exc:
        st.session_state["ws_refusal"] = error_text(exc)
    else:
        st.session_state["ws_flash"] = done


def flash() -> None:
    """Show the outcome of the last action once (it survives the rerun)."""
    done = st.session_state.pop("ws_flash", None)
    if done:
        st.success(done)
    refusal = st.session_state.pop("ws_refusal", None)
    if refusal:
        st.error(refusal)


LOCAL_TZ = "Asia/Shanghai"


def local_time(values: pd.Series) -> pd.Series:
    """Stored UTC times as Shanghai wall-clock text (``YYYY-MM-DD HH:MM``)."""
    stamps = pd.to_datetime(values, utc=True).dt.tz_convert(LOCAL_TZ)
    return stamps.dt.strftime("%Y-%m-%d %H:%M")


def labelled(table: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """``table`` with values of ``columns`` translated (column → key prefix) and headers."""
    out = table.copy()
    for column, prefix in columns.items():
        out[column] = out[column].map(lambda v, p=prefix: tr(f"{p}{v}") if v else "")
    return out.rename(columns={c: tr(f"col_ws_{c}") for c in out.columns})
