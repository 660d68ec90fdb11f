"""ICT Baseline map app: `make run` or `baseline app`. Thin: pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

from app_pages.common import current_user, default_basemap, page_language
from app_pages.workspace_common import sidebar_account
from baseline.i18n import t
from baseline.maps.webmap import BASEMAPS, configure_offline

configure_offline()
LANGS = {"zh": "中文", "en": "English"}  # each language named in itself

if "lang_choice" not in st.session_state:  # a permalink's language, once per session
    st.session_state["lang_choice"] = LANGS.get(st.query_params.get("lang", "zh"), "中文")
with st.sidebar:
    choice = st.radio(
        t("language_switch"),  # the same words in both languages: a widget keeps its label
        list(LANGS.values()),
        horizontal=True,
        key="lang_choice",
    )
    st.session_state["lang"] = "zh" if choice == "中文" else "en"
    lang = st.session_state["lang"]
    st.query_params["lang"] = lang
    st.selectbox(
        t("basemap", lang),
        BASEMAPS,
        index=BASEMAPS.index(default_basemap()),
        key="basemap",
        format_func=lambda b: t(f"basemap_{b}", lang),
    )
    base = st.session_state.get("basemap")
    if base == "tianditu":
        st.text_input(t("tianditu_key", lang), type="password", key="tianditu_key")
    elif base == "local":
        st.text_input(
            t("basemap_file", lang), key="basemap_file", placeholder="district.mbtiles / .pmtiles"
        )
    elif base in ("custom", "custom_gcj02"):
        st.text_input(
            t("basemap_url", lang),
            key="basemap_url",
            placeholder="http://tiles.intranet/{z}/{x}/{y}.png",
        )
    st.session_state["user"] = current_user()
    sidebar_account()

st.set_page_config(page_title=t("app_title", lang), layout="wide", page_icon="📡")
page_language(lang)

pages = [
    st.Page(
        "app_pages/map_page.py",
        title=t("page_map", lang),
        icon=":material/map:",
        url_path="map",
        default=True,
    ),
    st.Page(
        "app_pages/check_page.py",
        title=t("page_check", lang),
        icon=":material/fact_check:",
        url_path="check",
    ),
    st.Page(
        "app_pages/cobuild_page.py",
        title=t("page_cobuild", lang),
        icon=":material/handshake:",
        url_path="cobuild",
    ),
    st.Page(
        "app_pages/standards_page.py",
        title=t("page_standards", lang),
        icon=":material/menu_book:",
        url_path="standards",
    ),
    st.Page(
        "app_pages/history_page.py",
        title=t("page_history", lang),
        icon=":material/history:",
        url_path="history",
    ),
]
workspace = [
    st.Page(f"app_pages/{name}_page.py", title=t(f"page_{name}", lang), icon=icon, url_path=name)
    for name, icon in (
        ("projects", ":material/assignment:"),
        ("works", ":material/construction:"),
        ("kpi", ":material/leaderboard:"),
        ("account", ":material/login:"),
    )
]
st.navigation({t("nav_tools", lang): pages, t("nav_workspace", lang): workspace}).run()
