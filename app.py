"""ICT Baseline map app: `make run` or `baseline app`. Thin: pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

from app_pages.common import current_user
from baseline.i18n import t
from baseline.maps.webmap import BASEMAPS, configure_offline

configure_offline()

with st.sidebar:
    choice = st.radio(
        t("language_switch"),  # the same words in both languages: a widget keeps its label
        ["中文", "English"],  # each language named in itself
        horizontal=True,
        key="lang_choice",
    )
    st.session_state["lang"] = "zh" if choice == "中文" else "en"
    lang = st.session_state["lang"]
    st.selectbox(
        t("basemap", lang),
        BASEMAPS,
        key="basemap",
        format_func=lambda b: t("basemap_none", lang) if b == "none" else b,
    )
    if st.session_state.get("basemap") == "tianditu":
        st.text_input(t("tianditu_key", lang), type="password", key="tianditu_key")
    st.session_state["user"] = current_user()

st.set_page_config(page_title=t("app_title", lang), layout="wide", page_icon="📡")

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
st.navigation(pages).run()
