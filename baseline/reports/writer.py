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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import jinja2
import pandas as pd
from markupsafe import Markup

from baseline.i18n import column_label, t
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
    rows : iterable of list of (str, str)
        Per row, per cell: its text and its CSS class ("" for none). A list, or for a long
        table a generator that makes each row as the page is written (read once).
    """

    headers: list[str]
    rows: Iterable[list[tuple[str, str]]]


CHUNK_ROWS = 10_000
"""Rows of a long table turned into text at a time (a bounded slice, not the whole frame)."""


def _column_cells(values: pd.Series, lang: str, is_label: bool) -> list[tuple[str, str]]:
    """(text, css class) of each value of one column; a missing value is an empty cell."""
    texts = [str(v) for v in values.astype(object).where(values.notna(), "")]
    if not is_label:
        return [(text, "") for text in texts]
    shown = {text: t(text, lang) for text in set(texts)}
    return [(shown[text], text) if text else ("", "") for text in texts]


def _rows(
    frame: pd.DataFrame, lang: str, labels: Collection[str]
) -> Iterator[list[tuple[str, str]]]:
    """The cells of each row of ``frame``, made a chunk of rows at a time."""
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start : start + CHUNK_ROWS]
        columns = [_column_cells(part[c], lang, str(c) in labels) for c in part.columns]
        yield from (list(row) for row in zip(*columns, strict=True))


def html_table(
    frame: pd.DataFrame, lang: str, *, labels: Collection[str] = (), lazy: bool = False
) -> HtmlTable:
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
    lazy : bool
        Make the rows while the page is written instead of now (for tables of any length;
        such a table can be rendered once).

    Returns
    -------
    HtmlTable

    Examples
    --------
    >>> tab = html_table(pd.DataFrame({"status": ["fail"], "n": [None]}), "zh", labels={"status"})
    >>> tab.headers, tab.rows
    (['结果', 'n'], [[('不通过', 'fail'), ('', '')]])
    """
    rows = _rows(frame, lang, labels)
    headers = [column_label(str(c), lang) for c in frame.columns]
    return HtmlTable(headers, rows if lazy else list(rows))


def render_fragment(template: str, **context: Any) -> Markup:
    """Render a piece of a page (an SVG chart) from ``templates/<template>``.

    The values are escaped as the template inserts them; the result is markup, which a
    page template then inserts as it is.
    """
    return Markup(_ENV.get_template(template).render(**context))


def stream_page(template: str, lang: str, *, title_key: str, **context: Any) -> Iterator[str]:
    """Render ``templates/<template>`` in the shared page frame, piece by piece.

    The template reads its words through ``text(key, **fields)``, which is
    :func:`baseline.i18n.t` in ``lang``; ``title_key`` names the page's title. The pieces
    are written out as they come, so a long table (given lazily, see :func:`html_table`)
    never sits in memory as one string.
    """

    def text(key: str, **fields: object) -> str:
        return t(key, lang, **fields)

    return _ENV.get_template(template).generate(
        lang_tag="zh-CN" if lang == "zh" else "en",
        title=text(title_key),
        text=text,
        **context,
    )


def render_page(template: str, lang: str, *, title_key: str, **context: Any) -> str:
    """The page of :func:`stream_page` as one string."""
    return "".join(stream_page(template, lang, title_key=title_key, **context))


def write_export(
    table: pd.DataFrame,
    path: str | Path,
    *,
    force: bool = False,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    html: Callable[[], str | Iterable[str]] | None = None,
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
        Renders the HTML page (whole or in pieces), called only for ``.html``.
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
