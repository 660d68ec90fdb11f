"""Small charts as inline SVG: drawn by the browser at once, with no chart library to load.

The map page shows two bar charts; as Vega-Lite charts they made the browser fetch and run
several script chunks while the map was being drawn (about 0.3 s of its first paint, measured
in Chromium). These SVG strings need nothing but the page they sit in, and the HTML report
can use them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import pandas as pd

_ROW = 22
_LABEL_W = 150
_BAR_W = 300
_FONT = "font-family:sans-serif;font-size:12px"


def stacked_bars(
    table: pd.DataFrame,
    colours: Mapping[str, str],
    *,
    unit: str = "",
    title: str = "",
    legend: bool = True,
) -> str:
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
    str
        An ``<svg>`` element with a legend.

    Examples
    --------
    >>> svg = stacked_bars(pd.DataFrame({"a": [1, 3]}, index=["x", "y"]), {"a": "#f00"})
    >>> svg.count("<rect"), "<title>a: 3</title>" in svg  # the legend's swatch and two bars
    (3, True)
    """
    values = table.fillna(0).clip(lower=0)
    totals = values.sum(axis=1)
    scale = _BAR_W / float(totals.max()) if len(totals) and totals.max() > 0 else 0.0
    legend_h = _ROW if legend else 0
    height = legend_h + _ROW * len(values) + 4
    width = _LABEL_W + _BAR_W + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" style="{_FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0
    for col in values.columns if legend else []:
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colours.get(col, "#888")}"/>'
            f'<text x="{x + 14}" y="13">{escape(str(col))}</text>'
        )
        x += 24 + _text_width(str(col))
    for k, (label, row) in enumerate(values.iterrows()):
        y = legend_h + k * _ROW
        parts.append(
            f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>'
        )
        left = _LABEL_W
        for col in values.columns:
            w = float(row[col]) * scale
            if w > 0:
                parts.append(
                    f'<rect x="{left:.1f}" y="{y + 4}" width="{w:.1f}" height="{_ROW - 6}" '
                    f'fill="{colours.get(col, "#888")}"><title>{escape(str(col))}: '
                    f"{_number(row[col])}</title></rect>"
                )
            left += w
        parts.append(f'<text x="{left + 4:.1f}" y="{y + 15}">{_number(totals[label])}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(
    series: pd.Series, colours: Sequence[str] | str, *, unit: str = "", title: str = ""
) -> str:
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
