"""The self-contained HTML audit report of a check run.

The report names the standard's version and content hash, the input file and its hash and
the time; summarises each project (counts per status); shows a static map of each failing
project, drawn without tiles as inline SVG straight from the geometry (a few milliseconds a
map, sharp at any zoom); and ends with the full findings table. It loads nothing from the
network, and every text is HTML-escaped.
"""

from __future__ import annotations

import html

import pandas as pd

from baseline.check.run import STATUSES, CheckResult
from baseline.i18n import t
from baseline.io.crs import metric_crs

MAX_MAPS = 40
_CSS = """
body{font-family:-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:2em;color:#222}table{border-collapse:collapse;font-size:13px;margin:1em 0}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}.pass{color:#1a9850}.fail{color:#d73027;font-weight:bold}
.warn{color:#d4711f}.not_applicable{color:#888}.maps{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;border:1px solid #ddd;padding:4px}figcaption{font-size:12px}
.meta td:first-child{font-weight:bold}
"""


def _svg_path(coords, *, closed: bool) -> str:
    pts = [f"{x:.2f},{y:.2f}" for x, y, *_ in coords]
    return "M" + " L".join(pts) + (" Z" if closed else "")


def _svg_shape(geom, colour: str, width: float, radius: float) -> str:
    """One geometry as SVG markup (points as circles), coordinates in metres."""
    if geom.geom_type == "Point":
        return f'<circle cx="{geom.x:.2f}" cy="{geom.y:.2f}" r="{radius:.2f}" fill="{colour}"/>'
    if geom.geom_type.startswith("Multi") or geom.geom_type == "GeometryCollection":
        return "".join(_svg_shape(g, colour, width, radius) for g in geom.geoms)
    fill = colour if geom.geom_type == "Polygon" else "none"
    rings = [geom.exterior, *geom.interiors] if geom.geom_type == "Polygon" else [geom]
    path = " ".join(_svg_path(r.coords, closed=geom.geom_type == "Polygon") for r in rings)
    return (
        f'<path d="{path}" fill="{fill}" fill-opacity="0.25" stroke="{colour}" '
        f'stroke-width="{width:.2f}" fill-rule="evenodd"/>'
    )


def _buildings(result: CheckResult, project_id: str, crs) -> list:
    """(footprint, failing) of each building of a project, in ``crs``."""
    b = result.buildings
    if b is None or b.empty:
        return []
    own = b[b["project_id"] == project_id]
    f = result.findings
    bad = set(f.loc[(f["project_id"] == project_id) & (f["status"] == "fail"), "building_id"])
    return list(zip(own.to_crs(crs).geometry, own["building_id"].isin(bad), strict=True))


def _map_svg(result: CheckResult, project_id: str, size: int = 240) -> str:
    """A static map of one project and its fittings as inline SVG (failing ones in red)."""
    proj = result.projects[result.projects["project_id"] == project_id]
    fits = result.fittings[result.fittings["project_id"] == project_id]
    crs = metric_crs(proj)
    pm = proj.to_crs(crs)
    fm = fits.to_crs(crs)
    minx, miny, maxx, maxy = pd.concat([pm.geometry, fm.geometry]).total_bounds
    span = max(maxx - minx, maxy - miny, 1.0) * 1.1
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    unit = span / size
    parts = [_svg_shape(g, "#3060a0", 2 * unit, 3 * unit) for g in pm.geometry]
    for geom, bad in _buildings(result, project_id, crs):
        parts.append(_svg_shape(geom, "#d73027" if bad else "#777777", 2 * unit, 3 * unit))
    for geom, bad in zip(fm.geometry, fm["failing"], strict=True):
        parts.append(
            _svg_shape(geom, "#d73027" if bad else "#1a9850", 2 * unit, (5 if bad else 3) * unit)
        )
    view = f"{cx - span / 2:.2f} {-(cy + span / 2):.2f} {span:.2f} {span:.2f}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="{view}" '
        f'role="img" aria-label="{html.escape(project_id)}">'
        f'<g transform="scale(1,-1)">{"".join(parts)}</g></svg>'
    )


def _table(frame: pd.DataFrame, lang: str, status_col: str | None = None) -> str:
    head = "".join(f"<th>{html.escape(t(str(c), lang))}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for col, val in zip(frame.columns, rec, strict=True):
            text = "" if pd.isna(val) else str(val)
            if col == status_col:
                cells.append(f'<td class="{html.escape(text)}">{html.escape(t(text, lang))}</td>')
            else:
                cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(result: CheckResult) -> str:
    """Render the audit report of ``result`` as one self-contained HTML page."""
    lang = result.lang
    std = result.standard
    zh = lang == "zh"
    counts = result.counts().reset_index()
    names = result.projects.set_index("project_id")[["name", "category", "status"]]
    summary = counts.merge(names, left_on="project_id", right_index=True, how="left")
    summary = summary[["project_id", "name", "category", "status", *STATUSES]]
    totals = result.findings["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    failing = result.projects.loc[result.projects["status"] == "fail", "project_id"].tolist()
    maps = "".join(
        f"<figure>{_map_svg(result, pid)}<figcaption>{html.escape(pid)}</figcaption></figure>"
        for pid in failing[:MAX_MAPS]
    )
    findings = result.findings.copy()
    findings["measured"] = (
        findings["measured"]
        .round(4)
        .map(lambda v: "∞" if v == float("inf") else ("" if pd.isna(v) else f"{v:g}"))
    )
    findings["obligation"] = findings["obligation"].map(lambda v: t(str(v), lang))
    scope = _table(human_headers(result.not_encoded, lang), lang)
    meta = [
        ("标准" if zh else "Standard", f"{std.id} {std.version}"),
        ("标准哈希" if zh else "Standard SHA-256", std.content_hash),
        ("输入文件" if zh else "Input file", result.source),
        ("输入哈希" if zh else "Input SHA-256", result.source_sha256),
        ("检查时间" if zh else "Checked at (UTC)", result.created),
        (
            "结果统计" if zh else "Findings",
            ", ".join(f"{t(s, lang)}: {n}" for s, n in totals.items()),
        ),
    ]
    meta_rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in meta
    )
    title = "信息基础设施基建标配检查报告" if zh else "ICT baseline compliance report"
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<table class="meta">{meta_rows}</table>
<h2>{"项目汇总" if zh else "Summary per project"}</h2>
{_table(summary, lang, "status")}
<h2>{"不通过项目地图" if zh else "Failing projects"} ({len(failing)})</h2>
<p>{
        "红色为不满足要求的配套设施与单体建筑（灰色为其他建筑）"
        if zh
        else "Fittings and buildings of a failed rule in red (other buildings grey); no basemap."
    }</p>
<div class="maps">{maps}</div>
<h2>{"本目录尚未编码的要求" if zh else "Not encoded by this catalogue"}</h2>
<p>{"检查通过不代表满足以下要求：" if zh else "A clean run says nothing about these:"}</p>
{scope}
<h2>{"全部检查结果" if zh else "All findings"}</h2>
{_table(findings, lang, "status")}
</body></html>
"""


def human_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Translate column headers for human-facing exports (XLSX, HTML) in ``lang``."""
    return frame.rename(columns={c: t(str(c), lang) for c in frame.columns})


def write_check(result: CheckResult, path, *, force: bool = False):
    """Write a check's findings by extension: CSV, JSON, XLSX (with a summary) or HTML.

    CSV and JSON keep the stable column names of the findings format in every language;
    XLSX and HTML, read by people, carry headers in the result's language.
    """
    from baseline.io.writers import write_table

    lang = result.lang
    summary = result.counts().reset_index()
    sheets = {
        "summary": human_headers(summary, lang),
        "standard": pd.DataFrame(
            {
                "key": ["standard", "version", "sha256", "input", "input_sha256", "checked_at"],
                "value": [
                    result.standard.id,
                    result.standard.version,
                    result.standard.content_hash,
                    result.source,
                    result.source_sha256,
                    result.created,
                ],
            }
        ),
    }
    table = result.findings
    if str(path).lower().endswith(".xlsx"):
        table = human_headers(table, lang)
    return write_table(table, path, force=force, sheets=sheets, html=lambda: render_html(result))


def check_bytes(result: CheckResult, ext: str) -> bytes:
    """The findings export as bytes (for downloads): ``csv``, ``json``, ``xlsx`` or ``html``."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="baseline-export-") as tmp:
        path = Path(tmp) / f"findings.{ext}"
        write_check(result, path)
        return path.read_bytes()
