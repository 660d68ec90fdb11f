"""Streamlit's own widget texts in the page's language.

Streamlit draws some texts itself, in English only: the file uploader's button ("Upload"),
its limit line ("200MB per file • GEOJSON, ...") and drag hint ("Drag and drop a file here"),
and the status widget's "Stop" button while a page runs. On a Chinese page a style sheet
hides those text nodes and shows the Chinese through ``::after`` content, keyed on the stable
``data-testid`` attributes of Streamlit 1.67 (checked in ``tests/test_app_browser.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from baseline.i18n import t

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'
STATUS = '[data-testid="stStatusWidget"]'


def _css_text(text: str) -> str:
    """``text`` as a CSS string literal (quotes and backslashes escaped, no markup)."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3c ")


def limit_text(types: Sequence[str], limit_mb: int, lang: str) -> str:
    """The uploader's limit line as Streamlit writes it, in ``lang``."""
    line = t("st_limit", lang, limit=f"{limit_mb}MB")
    return f"{line} • {', '.join(s.upper() for s in types)}" if types else line


def uploader_css(key: str, types: Sequence[str], limit_mb: int, lang: str = "zh") -> str:
    """A style sheet showing the uploader ``key``'s own texts in ``lang`` (a ``<style>``)."""
    zone = f".st-key-{key} {DROPZONE}"
    return f"""<style>
{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {{
  display: none; }}
{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]::after {{
  content: {_css_text(t("st_upload", lang))}; }}
.st-key-{key} {INSTRUCTIONS} span {{ display: none; }}
.st-key-{key} {INSTRUCTIONS} > div::after {{
  content: {_css_text(limit_text(types, limit_mb, lang))};
  font-size: 0.875rem; opacity: 0.7; }}
{zone} > div:not([data-testid]) > div:only-child:not([data-testid]) {{ font-size: 0; }}
{zone} > div:not([data-testid]) > div:only-child:not([data-testid])::after {{
  content: {_css_text(t("st_drop_here", lang))}; font-size: 1rem; }}
</style>"""


def status_css(lang: str = "zh") -> str:
    """A style sheet showing the running status widget's Stop button in ``lang``."""
    return f"""<style>
{STATUS} button {{ font-size: 0 !important; }}
{STATUS} button::after {{ content: {_css_text(t("st_stop", lang))}; font-size: 0.875rem; }}
{STATUS} button:disabled::after {{ content: {_css_text(t("st_stopping", lang))}; }}
</style>"""


def file_uploader(
    where: Any, label: str, types: Sequence[str], key: str, lang: str, **kwargs: Any
) -> UploadedFile | None:
    """``where.file_uploader`` with Streamlit's own texts in ``lang``.

    Parameters
    ----------
    where
        ``st`` or a container (a column) to draw the uploader in.
    label, types, key
        The uploader's label, accepted suffixes (no dot) and widget key.
    lang
        The page's language; English pages keep Streamlit's texts.
    **kwargs
        Passed on to ``file_uploader`` (``help``, ...).
    """
    upload: UploadedFile | None = where.file_uploader(label, type=list(types), key=key, **kwargs)
    if lang != "en":
        limit_mb = int(st.get_option("server.maxUploadSize"))
        st.html(uploader_css(key, types, limit_mb, lang))  # style only: takes no room
    return upload
