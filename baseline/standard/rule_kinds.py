"""The rule kinds of the catalogue: small functions registered with all they need.

Each kind measures one rule for many projects at once from a
:class:`~baseline.standard.context.RuleContext`: ``rows`` are positions into the context's
project table, and the answer is a :class:`~baseline.standard.context.Measured` aligned to
them. Its registration (:func:`~baseline.standard.registry.register`) says which parameters
it takes, how the measure is compared with the threshold, its unit and the subject of its
sentence; :mod:`baseline.check.run` turns the measures into findings. To add a rule kind,
write one function here (or anywhere imported before the catalogue is loaded) and give it a
test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely

import baseline.standard.kinds_sensor  # noqa: F401  (registers the sensor kinds)
from baseline.spatial import nearest_distance
from baseline.standard.context import Measured, Outcome, RuleContext, note
from baseline.standard.registry import (
    RULE_KINDS,
    ParamSchema,
    RuleKind,
    Templates,
    fixed_unit,
    register,
)
from baseline.standard.rule import Rule

__all__ = ["RULE_KINDS", "Measured", "Outcome", "RuleContext", "RuleKind", "Templates"]


def _positive(values: np.ndarray) -> np.ndarray:
    """``values`` with zeros as NaN (a divisor)."""
    return np.where(values == 0, np.nan, values)


@register(
    "fitting_present",
    params=ParamSchema(required=("fitting",), optional=("min_count",), numeric=("min_count",)),
    threshold="min_count",
    op=">=",
    unit=fixed_unit(""),
    subject="subject_count",
)
def fitting_present(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Count a project's fittings of one kind; pass when there are at least ``min_count``."""
    return Measured.of(ctx.count(rule.params["fitting"])[rows])


def _aggregate(ctx: RuleContext, kind: str, value: np.ndarray, how: str) -> np.ndarray:
    """Aggregate the known values of the fittings of ``kind`` per project (NaN when none)."""
    at = ctx.fitting_rows[ctx.of_kind(kind)]
    keep = (at >= 0) & ~np.isnan(value)
    at, value = at[keep], value[keep]
    n = len(ctx)
    count = np.bincount(at, minlength=n).astype("float64")
    if how in ("sum", "mean"):
        total = np.bincount(at, weights=value, minlength=n)
        total = total if how == "sum" else total / _positive(count)
        return np.where(count > 0, total, np.nan)
    out = np.full(n, np.nan)
    (np.fmax if how == "max" else np.fmin).at(out, at, value)
    return out


def _unknown(ctx: RuleContext, kind: str, value: np.ndarray) -> np.ndarray:
    """Per project: whether any of its fittings of ``kind`` lacks the value (never a zero)."""
    at = ctx.fitting_rows[ctx.of_kind(kind)]
    at = at[(at >= 0) & np.isnan(value)]
    return np.bincount(at, minlength=len(ctx)) > 0


@register(
    "fitting_attribute",
    params=ParamSchema(
        required=("fitting", "attribute", "op", "threshold"),
        optional=("agg", "divide_by", "per_project", "unit", "missing", "absent"),
        numeric=("threshold",),
        choices={
            "op": (">=", ">", "<=", "<"),
            "agg": ("min", "max", "sum", "mean"),
            "missing": ("fail", "skip"),
            "absent": ("warn", "skip"),
        },
    ),
    threshold="threshold",
    subject="subject_attr",
)
def fitting_attribute(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Aggregate one attribute of a project's fittings and compare it with a threshold.

    ``agg`` picks the value that must meet the threshold: ``max`` (the best room must be large
    enough), ``min`` (every duct must), ``sum`` (total fibres). ``divide_by`` divides by another
    attribute of the same fitting first (spare holes / holes); ``per_project`` divides the
    aggregate by a project attribute (fibres per household). A project without any such
    fitting fails, or is skipped when ``missing: skip`` (a separate rule asks for the fitting).

    A missing value is never read as zero: when any fitting lacks the attribute the rule
    cannot be checked (``UNMEASURED``, the note names the attribute). With ``absent: skip``
    a fitting without the attribute has no such part (a roof feeder hole "where one is set"):
    the others are measured, and a project none of whose fittings has it is skipped.
    """
    p = rule.params
    kind = p["fitting"]
    value = ctx.fitting_attribute(kind, p["attribute"])
    if p.get("divide_by"):
        value = value / _positive(ctx.fitting_attribute(kind, p["divide_by"]))
    agg = _aggregate(ctx, kind, value, p.get("agg", "max"))[rows]
    if p.get("per_project"):
        agg = agg / _positive(ctx.attribute(p["per_project"])[rows])
    no_fit = ctx.count(kind)[rows] == 0
    absent = Outcome.SKIPPED if p.get("missing", "fail") == "skip" else Outcome.NONE
    if p.get("absent", "warn") == "skip":
        unknown = np.zeros(len(rows), bool)
        nothing = np.isnan(_aggregate(ctx, kind, value, "max")[rows])
        skipped = no_fit | nothing
    else:
        unknown = _unknown(ctx, kind, value)[rows] | np.isnan(agg)
        skipped = np.zeros(len(rows), bool)
    outcome = np.select(
        [no_fit, skipped, unknown],
        [absent, Outcome.ABSENT, Outcome.UNMEASURED],
        Outcome.MEASURED,
    )
    agg = np.where(outcome == Outcome.UNMEASURED, np.nan, agg)
    return Measured.of(agg, outcome, _missing_note(p))


def _missing_note(p: Mapping[str, Any]) -> str:
    """The note of a rule whose attributes are missing (an i18n key with its fields)."""
    names = [p["attribute"], *(p[k] for k in ("divide_by", "per_project") if p.get(k))]
    return note("note_missing_attr", attribute=", ".join(map(str, names)))


@register(
    "project_ratio",
    params=ParamSchema(
        required=("attribute", "per_fitting", "op", "threshold"),
        optional=("unit", "missing"),
        numeric=("threshold",),
        choices={"op": ("<=", "<", ">=", ">"), "missing": ("fail", "skip")},
    ),
    threshold="threshold",
    subject="subject_ratio",
)
def project_ratio(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Divide a project attribute by the count of its fittings (households per room).

    A project without the fitting fails, or is skipped with ``missing: skip`` (households per
    cabinet apply only where cabinets form the zones).
    """
    p = rule.params
    count = ctx.count(p["per_fitting"])[rows]
    ratio = ctx.attribute(p["attribute"])[rows] / _positive(count)
    none = count == 0
    absent = Outcome.SKIPPED if p.get("missing", "fail") == "skip" else Outcome.NONE
    return Measured.of(np.where(none, np.inf, ratio), np.where(none, absent, 0))


@register(
    "within_distance",
    params=ParamSchema(
        required=("fitting", "distance_m"), optional=("existing",), numeric=("distance_m",)
    ),
    threshold="distance_m",
    op="<=",
    unit=fixed_unit("m"),
    subject="subject_distance",
)
def within_distance(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Distance to the nearest planned fitting or existing asset; pass within ``distance_m``.

    Planned fittings of any project count (a neighbour's planned site serves too), and so do
    existing assets whose ``asset_type`` is listed in ``existing``. The threshold is inclusive.
    """
    p = rule.params
    geoms = ctx.geometry[rows]
    dist = nearest_distance(geoms, ctx.fitting_geometry(p["fitting"]))
    kinds = list(p.get("existing", []))
    if kinds and ctx.assets is not None and len(ctx.assets):
        dist = np.minimum(dist, ctx.assets.nearest(geoms, kinds))
    return Measured.of(dist, np.where(np.isinf(dist), Outcome.NONE, Outcome.MEASURED))


@register(
    "coverage_min",
    params=ParamSchema(required=("tech", "threshold"), numeric=("threshold",)),
    threshold="threshold",
    op=">=",
    unit=fixed_unit("share"),
    subject=Templates("subject_coverage", unmet="msg_coverage_unmet"),
)
def coverage_min(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Share of the project's footprint covered by modelled coverage of ``tech``."""
    if ctx.coverage is None:
        nothing = np.full(len(rows), np.nan)
        return Measured.of(nothing, Outcome.UNMEASURED, note("note_no_coverage"))
    return Measured.of(ctx.coverage(ctx.geometry[rows], rule.params["tech"]))


@register(
    "spacing_max",
    params=ParamSchema(
        required=("fitting", "threshold_m"),
        optional=("corridor_m",),
        numeric=("threshold_m", "corridor_m"),
    ),
    threshold="threshold_m",
    op="<=",
    unit=fixed_unit("m"),
    subject="subject_spacing",
)
def spacing_max(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Average spacing along a line: its length divided by the number of its fittings.

    The fittings counted are the project's own (tied by id or by lying within ``corridor_m``
    of the line when the plan was read). Only line projects are measured.
    """
    count = ctx.count(rule.params["fitting"])[rows]
    line = ctx.is_line(rows)
    spacing = shapely.length(ctx.geometry[rows]) / _positive(count)
    spacing = np.where(line, np.where(count == 0, np.inf, spacing), np.nan)
    outcome = np.select([~line, count == 0], [Outcome.UNMEASURED, Outcome.NONE], 0)
    return Measured.of(spacing, outcome, note("note_needs_centreline"))


def _extent(rows: np.ndarray, ctx: RuleContext, per: str, corridor_m: float) -> np.ndarray:
    """Length in km for lines, area in ha or km² for polygons (lines use a corridor)."""
    geoms = ctx.geometry[rows]
    line = ctx.is_line(rows)
    if per == "km":
        return np.where(line, shapely.length(geoms), np.sqrt(shapely.area(geoms))) / 1e3
    area = shapely.area(geoms)
    if line.any():
        corridor = shapely.buffer(geoms[line], corridor_m, cap_style="flat")
        area[line] = shapely.area(corridor)
    return area / (1e4 if per == "ha" else 1e6)


@register(
    "density_min",
    params=ParamSchema(
        required=("fitting", "per", "threshold"),
        optional=("corridor_m",),
        numeric=("threshold", "corridor_m"),
        choices={"per": ("km", "ha", "km2")},
    ),
    threshold="threshold",
    op=">=",
    unit=lambda params: f"/{params['per']}",
    subject="subject_density",
)
def density_min(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Count of fittings per km of line, or per ha / km² of area, at least ``threshold``."""
    p = rule.params
    count = ctx.count(p["fitting"])[rows]
    extent = _extent(rows, ctx, p["per"], p.get("corridor_m", 30))
    return Measured.of(count / _positive(extent))
