"""Small charts as inline SVG: drawn by the browser at once, with no chart library to load.

The map page shows two bar charts; as Vega-Lite charts they made the browser fetch and run
several script chunks while the map was being drawn (about 0.3 s of its first paint, measured
in Chromium). These SVG elements need nothing but the page they sit in, and the HTML report
uses them as they are. They are rendered from ``templates/bars.j2`` with autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from baseline.reports.writer import render_fragment

_ROW = 22
_LABEL_W = 150
_BAR_W = 300


def _legend(columns: Sequence[str], colours: Mapping[str, str]) -> list[dict[str, Any]]:
    """Swatches of the columns side by side, each as wide as its label needs."""
    items, x = [], 0
    for col in columns:
        items.append({"x": x, "colour": colours.get(col, "#888"), "label": col})
        x += 24 + _text_width(col)
    return items


def _bar(
    label: str, row: pd.Series, y: int, scale: float, colours: Mapping[str, str]
) -> dict[str, Any]:
    """One bar: its label, a segment per non-zero value (left to right) and its total."""
    left = float(_LABEL_W)
    segments = []
    for col, value in row.items():
        width = float(value) * scale
        if width > 0:
            segments.append(
                {
                    "x": f"{left:.1f}",
                    "width": f"{width:.1f}",
                    "colour": colours.get(str(col), "#888"),
                    "label": str(col),
                    "value": _number(value),
                }
            )
        left += width
    total = _number(float(row.sum()))
    return {
        "label": label,
        "y": y,
        "segments": segments,
        "total": total,
        "total_x": f"{left + 4:.1f}",
    }


def stacked_bars(
    table: pd.DataFrame,
    colours: Mapping[str, str],
    *,
    unit: str = "",
    title: str = "",
    legend: bool = True,
) -> Markup:
    """Horizontal stacked bars: one bar per row of ``table``, one segment per column.

    Parameters
    ----------
    table : pandas.DataFrame
        Non-negative numbers; the index labels the bars, the columns the segments.
    colours : mapping
        Colour per column.
    unit : str
        Shown after each bar's total.
    title : str
        Accessible title of the chart.
    legend : bool
        Show a legend of the columns above the bars.

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element (every text in it escaped), ready to insert into a page.

    Examples
    --------
    >>> svg = stacked_bars(pd.DataFrame({"a": [1, 3]}, index=["x", "y"]), {"a": "#f00"})
    >>> svg.count("<rect"), "<title>a: 3</title>" in svg  # the legend's swatch and two bars
    (3, True)
    """
    values = table.fillna(0).clip(lower=0)
    values.columns = pd.Index([str(c) for c in values.columns])
    totals = values.sum(axis=1)
    scale = _BAR_W / float(totals.max()) if len(totals) and totals.max() > 0 else 0.0
    legend_h = _ROW if legend else 0
    return render_fragment(
        "bars.j2",
        width=_LABEL_W + _BAR_W + 70,
        height=legend_h + _ROW * len(values) + 4,
        title=title,
        unit=unit,
        row=_ROW,
        label_x=_LABEL_W - 6,
        legend=_legend(list(values.columns), colours) if legend else [],
        bars=[
            _bar(str(label), row, legend_h + k * _ROW, scale, colours)
            for k, (label, row) in enumerate(values.iterrows())
        ],
    )


def bars(
    series: pd.Series, colours: Sequence[str] | str, *, unit: str = "", title: str = ""
) -> Markup:
    """Horizontal bars, one per item of ``series``, in one colour or one colour each."""
    names = [str(i) for i in series.index]
    each = [colours] * len(names) if isinstance(colours, str) else list(colours)
    table = pd.DataFrame(0.0, index=names, columns=names)
    for name, value in zip(names, series.to_numpy(float), strict=True):
        table.loc[name, name] = value
    palette = dict(zip(names, each, strict=True))
    return stacked_bars(table, palette, unit=unit, title=title, legend=False)


def _text_width(text: str) -> int:
    """Rough width in pixels at 12 px: Chinese characters are about twice as wide."""
    return sum(13 if ord(ch) > 0x2E80 else 7 for ch in text)


def _number(value: float) -> str:
    value = float(value)
    return f"{value:,.0f}" if value >= 100 or value.is_integer() else f"{value:,.1f}"


def timeline(
    works: pd.DataFrame,
    overlaps: Sequence[tuple[pd.Timestamp, pd.Timestamp]] = (),
    *,
    colours: Mapping[str, str] | None = None,
    title: str = "",
) -> Markup:
    """A Gantt of works as inline SVG: a bar per work from start to end, overlaps shaded.

    Parameters
    ----------
    works : pandas.DataFrame
        One row per work with ``label``, ``start`` and ``end`` (dates) and optionally
        ``colour_key`` (looked up in ``colours``).
    overlaps : sequence of (start, end)
        Windows drawn as shaded bands across every row (the works' shared time).
    colours : mapping, optional
        Bar colour per ``colour_key``; grey otherwise.
    title : str
        The SVG's title (read by screen readers and shown on hover).

    Returns
    -------
    markupsafe.Markup
        An ``<svg>`` element, empty of bars when ``works`` is empty.
    """
    colours = colours or {}
    starts = pd.to_datetime(works["start"])
    ends = pd.to_datetime(works["end"])
    windows = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in overlaps]
    lo = min([*starts, *(a for a, _ in windows)], default=pd.Timestamp("2026-01-01"))
    hi = max([*ends, *(b for _, b in windows)], default=lo + pd.Timedelta(days=1))
    span = max((hi - lo).days, 1)
    height = _ROW * len(works) + 30

    def x(day: pd.Timestamp) -> float:
        return round(_LABEL_W + (day - lo).days / span * _BAR_W, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_LABEL_W + _BAR_W + 20}" '
        f'height="{height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for a, b in windows:
        width = max(x(b) - x(a), 2.0)
        parts.append(
            f'<rect class="overlap" x="{x(a)}" y="0" width="{width}" height="{height - 20}" '
            f'fill="#999" fill-opacity="0.3"><title>{a:%Y-%m-%d} – {b:%Y-%m-%d}</title></rect>'
        )
    for k, (_, row) in enumerate(works.iterrows()):
        y = k * _ROW + 4
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        colour = colours.get(str(row.get("colour_key", "")), "#607d8b")
        parts.append(f'<text x="0" y="{y + 12}">{escape(str(row["label"]))}</text>')
        parts.append(
            f'<rect class="work" x="{x(start)}" y="{y}" width="{max(x(end) - x(start), 2.0)}" '
            f'height="14" fill="{escape(colour)}"><title>{escape(str(row["label"]))}: '
            f"{start:%Y-%m-%d} – {end:%Y-%m-%d}</title></rect>"
        )
    axis_y = height - 6
    parts.append(f'<text x="{_LABEL_W}" y="{axis_y}">{lo:%Y-%m}</text>')
    parts.append(f'<text x="{_LABEL_W + _BAR_W}" y="{axis_y}" text-anchor="end">{hi:%Y-%m}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
