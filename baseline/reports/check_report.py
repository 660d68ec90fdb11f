"""The self-contained HTML audit report of a check run, and the findings exports.

The report names the standard's version and content hash, the input file and its hash and
the time; summarises each project (counts per status) and each category (a bar chart);
shows a static map of each failing project, drawn without tiles as inline SVG straight
from the geometry (a few milliseconds a map, sharp at any zoom); and ends with the full
findings table. It loads nothing from the network; it is rendered from ``check_report.j2``
with autoescaping, so every text from the plan is escaped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from baseline.check.run import STATUSES, CheckResult
from baseline.i18n import column_label, t
from baseline.io.crs import metric_crs_each
from baseline.maps.palette import BUILDING_COLOUR, PROJECT_COLOUR, STATUS_COLOURS, fitting_status
from baseline.reports.figures import status_chart
from baseline.reports.writer import export_bytes, html_table, stream_page, write_export

MAX_MAPS = 40
MAP_SIZE = 240


def _svg_path(coords: Sequence[Sequence[float]], *, closed: bool) -> str:
    pts = [f"{x:.2f},{y:.2f}" for x, y, *_ in coords]
    return "M" + " L".join(pts) + (" Z" if closed else "")


@dataclass
class SvgMap:
    """A static map of one project for the ``svg_map`` macro (coordinates in metres).

    Attributes
    ----------
    label : str
        The project id, the map's accessible name and caption.
    view : str
        The SVG ``viewBox``.
    size : int
        Width and height in pixels.
    shapes : list of dict
        Circles (``kind`` "circle": x, y, r, colour) and paths (d, fill, colour, width),
        in drawing order.
    """

    label: str
    view: str
    size: int
    shapes: list[dict[str, str]] = field(default_factory=list)

    def draw(self, geom: Any, colour: str, width: float, radius: float) -> None:
        """Add one geometry: points as circles, lines and polygons as paths."""
        kind = geom.geom_type
        if kind == "Point":
            xy = {"x": f"{geom.x:.2f}", "y": f"{geom.y:.2f}", "r": f"{radius:.2f}"}
            self.shapes.append({"kind": "circle", "colour": colour, **xy})
        elif kind.startswith("Multi") or kind == "GeometryCollection":
            for part in geom.geoms:
                self.draw(part, colour, width, radius)
        else:
            polygon = kind == "Polygon"
            rings = [geom.exterior, *geom.interiors] if polygon else [geom]
            path = " ".join(_svg_path(r.coords, closed=polygon) for r in rings)
            fill = colour if polygon else "none"
            self.shapes.append(
                {"kind": "path", "d": path, "fill": fill, "colour": colour, "width": f"{width:.2f}"}
            )


@dataclass
class _Metric:
    """Projects, fittings and buildings of a result in one metric CRS, rows per project."""

    projects: dict[str, Any]
    fittings: dict[str, Any]
    no_fittings: Any
    buildings: dict[str, Any]
    """The buildings with ``failing`` (a rule about the building fails)."""


def _by_project(frame: Any, crs: Any, ids: list[str]) -> dict[str, Any]:
    """The rows of ``frame`` whose project is in ``ids``, in ``crs``, keyed by project id."""
    if frame is None or frame.empty:
        return {}
    part = frame[frame["project_id"].isin(ids)].to_crs(crs)
    return {str(k): g for k, g in part.groupby("project_id", sort=False)}


def _metric(result: CheckResult, ids: list[str], crs: Any) -> _Metric:
    b = result.buildings
    buildings = None if b is None else b.assign(failing=result.failing_buildings())
    return _Metric(
        _by_project(result.projects, crs, ids),
        _by_project(result.fittings, crs, ids),
        result.fittings.iloc[:0].to_crs(crs),
        _by_project(buildings, crs, ids),
    )


def _svg_map(m: _Metric, project_id: str, size: int) -> SvgMap:
    """The static map of one project, its buildings and its fittings (failing ones in red)."""
    pm = m.projects[project_id]
    fm = m.fittings.get(project_id, m.no_fittings)
    minx, miny, maxx, maxy = pd.concat([pm.geometry, fm.geometry]).total_bounds
    span = max(maxx - minx, maxy - miny, 1.0) * 1.1
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    unit = span / size
    view = f"{cx - span / 2:.2f} {-(cy + span / 2):.2f} {span:.2f} {span:.2f}"
    out = SvgMap(project_id, view, size)
    for geom in pm.geometry:
        out.draw(geom, PROJECT_COLOUR, 2 * unit, 3 * unit)
    own = m.buildings.get(project_id)
    if own is not None:
        for geom, bad in zip(own.geometry, own["failing"], strict=True):
            out.draw(geom, STATUS_COLOURS["fail"] if bad else BUILDING_COLOUR, 2 * unit, 3 * unit)
    for geom, state in zip(fm.geometry, fitting_status(fm["failing"]), strict=True):
        out.draw(geom, STATUS_COLOURS[state], 2 * unit, (5 if state == "fail" else 3) * unit)
    return out


def project_maps(result: CheckResult, ids: list[str], size: int = MAP_SIZE) -> list[SvgMap]:
    """The static maps of the projects ``ids``, in that order.

    Each project is drawn in the metric CRS :func:`baseline.io.crs.metric_crs` picks for it
    (:func:`baseline.io.crs.metric_crs_each`);
    the layers are projected once per CRS, not once per project.
    """
    proj = result.projects.drop_duplicates("project_id").set_index("project_id", drop=False)
    crs_of = dict(zip(ids, metric_crs_each(proj.loc[ids]), strict=True))
    by_crs = {
        crs: _metric(result, [p for p in ids if crs_of[p] == crs], crs)
        for crs in dict.fromkeys(crs_of.values())
    }
    return [_svg_map(by_crs[crs_of[pid]], pid, size) for pid in ids]


def _meta(result: CheckResult) -> list[tuple[str, str]]:
    lang, std = result.lang, result.standard
    totals = result.findings["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    rows = [
        ("report_standard", f"{std.id} {std.version}"),
        ("report_standard_sha", std.content_hash),
        ("report_input", result.source),
        ("report_input_sha", result.source_sha256),
        ("report_checked_at", result.created),
        ("report_findings", ", ".join(f"{t(str(s), lang)}: {n}" for s, n in totals.items())),
    ]
    return [(t(key, lang), value) for key, value in rows]


def _summary(result: CheckResult) -> pd.DataFrame:
    counts = result.counts().reset_index()
    # a plan built in code may have no name column: the column is then empty, not an error
    names = result.projects.set_index("project_id").reindex(columns=["name", "category", "status"])
    summary = counts.merge(names, left_on="project_id", right_index=True, how="left")
    return summary[["project_id", "name", "category", "status", *STATUSES]]


def render_html(result: CheckResult) -> str:
    """Render the audit report of ``result`` as one self-contained HTML page."""
    return "".join(stream_html(result))


def stream_html(result: CheckResult) -> Iterator[str]:
    """The audit report of ``result`` in pieces, its findings rows made as they are written."""
    lang = result.lang
    failing = result.projects.loc[result.projects["status"] == "fail", "project_id"].tolist()
    findings = result.findings.assign(
        measured=result.findings["measured"].round(4).map(_shown),
        obligation=result.findings["obligation"].map(lambda v: t(str(v), lang)),
    )
    return stream_page(
        "check_report.j2",
        lang,
        title_key="report_title",
        meta=_meta(result),
        summary=html_table(_summary(result), lang, labels={"status"}),
        chart=status_chart(result.findings, result.standard, lang),
        n_failing=len(failing),
        maps=project_maps(result, failing[:MAX_MAPS]),
        findings=html_table(findings, lang, labels={"status"}, lazy=True),
        not_encoded=html_table(human_headers(result.not_encoded, lang), lang),
    )


def _shown(value: float) -> str:
    """A measured value as a reader sees it: ∞ for none found, empty when not measured."""
    if pd.isna(value):
        return ""
    return "∞" if value == float("inf") else f"{value:g}"


def human_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Translate column headers for human-facing exports (XLSX, HTML) in ``lang``."""
    return frame.rename(columns={c: column_label(str(c), lang) for c in frame.columns})


def _standard_sheet(result: CheckResult) -> pd.DataFrame:
    std = result.standard
    return pd.DataFrame(
        {
            "key": ["standard", "version", "sha256", "input", "input_sha256", "checked_at"],
            "value": [
                std.id,
                std.version,
                std.content_hash,
                result.source,
                result.source_sha256,
                result.created,
            ],
        }
    )


def write_check(result: CheckResult, path: str | Path, *, force: bool = False) -> Path:
    """Write a check's findings by extension: CSV, JSON, XLSX (with a summary) or HTML.

    CSV and JSON keep the stable column names of the findings format in every language;
    XLSX and HTML, read by people, carry headers in the result's language.
    """
    lang = result.lang
    sheets = {
        "summary": human_headers(result.counts().reset_index(), lang),
        "standard": _standard_sheet(result),
    }
    table = result.findings
    if str(path).lower().endswith(".xlsx"):
        table = human_headers(table, lang)
    return write_export(table, path, force=force, sheets=sheets, html=lambda: stream_html(result))


def check_bytes(result: CheckResult, ext: str) -> bytes:
    """The findings export as bytes (for downloads): ``csv``, ``json``, ``xlsx`` or ``html``."""
    return export_bytes(lambda path: write_check(result, path), f"findings.{ext}")
