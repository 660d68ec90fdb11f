"""The one writer of every report: HTML pages from templates, and exports by file extension.

Pages are Jinja2 templates in ``templates/`` rendered with autoescaping: every value a
template shows (a project id, an owner, a message) is escaped, and only markup rendered
from these templates (the SVG charts) comes back as :class:`markupsafe.Markup`, to be
inserted as it is. All pages share one frame and style (``page.j2``) and one table
(``macros.j2``). Tables, layers and pages are written through :mod:`baseline.io.writers`:
atomically, the format chosen by the extension.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import jinja2
import pandas as pd
from markupsafe import Markup

from baseline.i18n import t
from baseline.io.writers import write_layer, write_table

TEMPLATES = Path(__file__).parent / "templates"
LAYER_SUFFIXES = (".geojson", ".gpkg", ".parquet")
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class HtmlTable:
    """A frame ready for the ``table`` macro.

    Attributes
    ----------
    headers : list of str
        Column headers in the report's language.
    rows : list of list of (str, str)
        Per row, per cell: its text and its CSS class ("" for none).
    """

    headers: list[str]
    rows: list[list[tuple[str, str]]]


def _cell(value: Any) -> str:
    return "" if pd.isna(value) else str(value)


def html_table(frame: pd.DataFrame, lang: str, *, labels: Collection[str] = ()) -> HtmlTable:
    """The cells of ``frame`` as text, headers translated into ``lang``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show, in order.
    lang : str
        Language of the headers and labels.
    labels : collection of str
        Columns whose values are keys (a status, a co-build kind): the cell shows the key's
        text in ``lang`` and carries the key as its CSS class.

    Returns
    -------
    HtmlTable

    Examples
    --------
    >>> tab = html_table(pd.DataFrame({"status": ["fail"], "n": [None]}), "zh", labels={"status"})
    >>> tab.headers, tab.rows
    (['结果', 'n'], [[('不通过', 'fail'), ('', '')]])
    """
    columns = [str(c) for c in frame.columns]
    labelled = [c in labels for c in columns]
    rows = []
    for record in frame.itertuples(index=False, name=None):
        row = []
        for value, is_label in zip(record, labelled, strict=True):
            text = _cell(value)
            row.append((t(text, lang), text) if is_label and text else (text, ""))
        rows.append(row)
    return HtmlTable([t(c, lang) for c in columns], rows)


def render_fragment(template: str, **context: Any) -> Markup:
    """Render a piece of a page (an SVG chart) from ``templates/<template>``.

    The values are escaped as the template inserts them; the result is markup, which a
    page template then inserts as it is.
    """
    return Markup(_ENV.get_template(template).render(**context))


def render_page(template: str, lang: str, *, title_key: str, **context: Any) -> str:
    """Render ``templates/<template>`` in the shared page frame.

    The template reads its words through ``text(key, **fields)``, which is
    :func:`baseline.i18n.t` in ``lang``; ``title_key`` names the page's title.
    """

    def text(key: str, **fields: object) -> str:
        return t(key, lang, **fields)

    return _ENV.get_template(template).render(
        lang_tag="zh-CN" if lang == "zh" else "en",
        title=text(title_key),
        text=text,
        **context,
    )


def write_export(
    table: pd.DataFrame,
    path: str | Path,
    *,
    force: bool = False,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    html: Callable[[], str] | None = None,
    layer: tuple[gpd.GeoDataFrame, str] | None = None,
) -> Path:
    """Write a report by extension: CSV, JSON, XLSX (``sheets`` first), HTML, or a layer.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows of a CSV, JSON or XLSX file.
    path : str or Path
        The output; its extension picks the format.
    force : bool
        Replace an existing file.
    sheets : mapping, optional
        Extra XLSX sheets placed before ``table``.
    html : callable, optional
        Renders the HTML page, called only for ``.html``.
    layer : (GeoDataFrame, str), optional
        The layer and its name, written for ``.geojson``, ``.gpkg`` and ``.parquet``.

    Returns
    -------
    Path
    """
    if layer is not None and Path(path).suffix.lower() in LAYER_SUFFIXES:
        frame, name = layer
        return write_layer(frame, path, force=force, layer=name)
    return write_table(table, path, force=force, sheets=sheets, html=html)


def export_bytes(write: Callable[[Path], object], name: str) -> bytes:
    """The bytes ``write`` puts in a file called ``name`` (a download's content)."""
    with tempfile.TemporaryDirectory(prefix="baseline-export-") as tmp:
        path = Path(tmp) / name
        write(path)
        return path.read_bytes()
