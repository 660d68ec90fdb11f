"""Rule kinds: small functions registered by name, each evaluating one rule for many projects.

A rule kind receives the rule, the projects it applies to (a GeoDataFrame in a metric CRS,
indexed by ``project_id``) and a :class:`RuleContext` holding the plan's fittings, the
existing assets and a coverage function. It returns a frame aligned to the projects with

``measured``
    the measured value (float; ``inf`` when nothing was found to measure);
``ok``
    True (meets the threshold), False (does not) or ``pd.NA`` (could not be measured);
``note``
    why it could not be measured or what was missing (empty when measured).

:mod:`baseline.check.run` turns these into findings (status, message, clause). To add a rule
kind, write one function here decorated with :func:`register` and give it a test.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from baseline.spatial import nearest_distance
from baseline.standard.catalogue import Rule

COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}


@dataclass(frozen=True)
class KindSpec:
    """The parameters a rule kind takes, checked by the catalogue loader."""

    func: Callable[..., pd.DataFrame]
    required: tuple[str, ...]
    allowed: frozenset[str]
    numeric: frozenset[str] = frozenset()
    choices: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


RULE_KINDS: dict[str, KindSpec] = {}


def register(
    name: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    numeric: tuple[str, ...] = (),
    choices: Mapping[str, tuple[Any, ...]] | None = None,
) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Register a rule kind under ``name`` with its parameter schema."""

    def decorate(func: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        RULE_KINDS[name] = KindSpec(
            func=func,
            required=required,
            allowed=frozenset(required + optional),
            numeric=frozenset(numeric),
            choices=dict(choices or {}),
        )
        return func

    return decorate


@dataclass
class RuleContext:
    """What rule kinds may look at besides the projects.

    Attributes
    ----------
    fittings : geopandas.GeoDataFrame
        Planned fittings in the metric CRS with columns ``kind`` and ``project_id``.
    assets : baseline.engine.CombinedAssets or None
        Existing assets (``tower``, ``pole``, ``sensor``, ``duct``): ``nearest(geoms, types)``
        gives distances in the metric CRS, ``of_types(types)`` the assets themselves.
    coverage : callable or None
        ``coverage(projects, tech) -> Series`` of covered fraction per project.
    """

    fittings: gpd.GeoDataFrame
    assets: Any
    coverage: Callable[[gpd.GeoDataFrame, str], pd.Series] | None = None

    def of_kind(self, kind: str) -> gpd.GeoDataFrame:
        """Return the planned fittings of one kind (computed once per kind)."""
        if not hasattr(self, "_by_kind"):
            groups = self.fittings.groupby("kind", sort=False)
            # not dict(groups): GroupBy has a `keys` attribute, which dict() would call
            self._by_kind = {kind: frame for kind, frame in groups}  # noqa: C416
        empty = self.fittings.iloc[0:0]
        return self._by_kind.get(kind, empty)


def _result(index: pd.Index, measured: Any, ok: Any, note: Any = "") -> pd.DataFrame:
    n = len(index)
    measured = np.broadcast_to(np.asarray(measured, dtype="float64"), (n,))
    if isinstance(ok, pd.Series | pd.api.extensions.ExtensionArray):
        ok = pd.array(ok, dtype="boolean")
    else:
        ok = pd.array(np.broadcast_to(np.asarray(ok, dtype=object), (n,)), dtype="boolean")
    note = np.broadcast_to(np.asarray(note, dtype=object), (n,)).copy()
    note[pd.isna(note)] = ""
    return pd.DataFrame({"measured": measured, "ok": ok, "note": note}, index=index)


def to_number(values: pd.Series) -> pd.Series:
    """Coerce a column to floats: booleans and yes/no text become 1/0, junk becomes NaN."""
    if values.dtype == bool or pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    text = values.astype("string").str.strip().str.lower()
    out = pd.to_numeric(values.where(~text.isin(_TRUE | _FALSE)), errors="coerce")
    out = out.astype("float64")
    out[text.isin(_TRUE).fillna(False).to_numpy()] = 1.0
    out[text.isin(_FALSE).fillna(False).to_numpy()] = 0.0
    return out


def _compare(values: pd.Series, op: str, threshold: float) -> pd.Series:
    ok = COMPARE[op](values, threshold)
    return ok.astype("boolean").mask(values.isna())


def _count(fittings: gpd.GeoDataFrame, index: pd.Index) -> pd.Series:
    at = index.get_indexer(fittings["project_id"])
    counts = np.bincount(at[at >= 0], minlength=len(index)).astype(float)
    return pd.Series(counts, index=index)


def _extent(projects: gpd.GeoDataFrame, per: str, corridor_m: float) -> pd.Series:
    """Length in km for lines, area in ha or km² for polygons (lines use a corridor)."""
    geom = projects.geometry
    is_line = geom.geom_type.isin(["LineString", "MultiLineString"])
    if per == "km":
        return pd.Series(np.where(is_line, geom.length, np.sqrt(geom.area)), projects.index) / 1e3
    area = np.where(is_line, geom.buffer(corridor_m, cap_style="flat").area, geom.area)
    return pd.Series(area, projects.index) / (1e4 if per == "ha" else 1e6)


@register("fitting_present", required=("fitting",), optional=("min_count",), numeric=("min_count",))
def fitting_present(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Count a project's fittings of one kind; pass when there are at least ``min_count``."""
    count = _count(ctx.of_kind(rule.params["fitting"]), projects.index)
    return _result(projects.index, count, count >= rule.params.get("min_count", 1))


@register(
    "fitting_attribute",
    required=("fitting", "attribute", "op", "threshold"),
    optional=("agg", "divide_by", "per_project", "unit", "missing"),
    numeric=("threshold",),
    choices={
        "op": (">=", ">", "<=", "<"),
        "agg": ("min", "max", "sum", "mean"),
        "missing": ("fail", "skip"),
    },
)
def fitting_attribute(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Aggregate one attribute of a project's fittings and compare it with a threshold.

    ``agg`` picks the value that must meet the threshold: ``max`` (the best room must be large
    enough), ``min`` (every duct must), ``sum`` (total fibres). ``divide_by`` divides by another
    attribute of the same fitting first (spare holes / holes); ``per_project`` divides the
    aggregate by a project attribute (fibres per household). A project without any such
    fitting fails, or is skipped when ``missing: skip`` (a separate rule asks for the fitting).
    """
    p = rule.params
    fits = ctx.of_kind(p["fitting"])
    if p["attribute"] in fits.columns:
        value = to_number(fits[p["attribute"]])
    else:
        value = pd.Series(np.nan, index=fits.index)
    if p.get("divide_by"):
        denom = to_number(fits[p["divide_by"]]) if p["divide_by"] in fits.columns else np.nan
        value = value / pd.Series(denom, index=fits.index).replace(0, np.nan)
    agg = value.groupby(fits["project_id"]).agg(p.get("agg", "max")).reindex(projects.index)
    count = _count(fits, projects.index)
    if p.get("per_project"):
        per = to_number(projects[p["per_project"]]) if p["per_project"] in projects else np.nan
        agg = agg / pd.Series(per, index=projects.index).replace(0, np.nan)
    ok = _compare(agg, p["op"], p["threshold"])
    no_fit = count == 0
    note = pd.Series("", index=projects.index, dtype="object")
    note.loc[no_fit] = f"no {p['fitting']}"
    note.loc[~no_fit & agg.isna()] = f"missing attribute {p['attribute']}"
    if p.get("missing", "fail") == "fail":
        ok = ok.mask(no_fit, False)
    else:
        note.loc[no_fit] = f"skip: no {p['fitting']}"
    return _result(projects.index, agg, ok, note)


@register(
    "project_ratio",
    required=("attribute", "per_fitting", "op", "threshold"),
    optional=("unit",),
    numeric=("threshold",),
    choices={"op": ("<=", "<", ">=", ">")},
)
def project_ratio(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Divide a project attribute by the count of its fittings (households per room)."""
    p = rule.params
    count = _count(ctx.of_kind(p["per_fitting"]), projects.index)
    value = to_number(projects[p["attribute"]]) if p["attribute"] in projects else np.nan
    ratio = pd.Series(value, index=projects.index) / count.replace(0, np.nan)
    ratio = ratio.mask(count == 0, np.inf)
    ok = _compare(ratio, p["op"], p["threshold"])
    note = pd.Series("", index=projects.index, dtype="object")
    note.loc[count == 0] = f"no {p['per_fitting']}"
    return _result(projects.index, ratio, ok, note)


@register(
    "within_distance",
    required=("fitting", "distance_m"),
    optional=("existing",),
    numeric=("distance_m",),
)
def within_distance(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Distance to the nearest planned fitting or existing asset; pass within ``distance_m``.

    Planned fittings of any project count (a neighbour's planned site serves too), and so do
    existing assets whose ``asset_type`` is listed in ``existing``. The threshold is inclusive.
    """
    p = rule.params
    geoms = projects.geometry.to_numpy()
    dist = nearest_distance(geoms, ctx.of_kind(p["fitting"]).geometry.to_numpy())
    kinds = list(p.get("existing", []))
    if kinds and ctx.assets is not None and len(ctx.assets):
        dist = np.minimum(dist, ctx.assets.nearest(geoms, kinds))
    note = np.where(np.isinf(dist), f"no {p['fitting']} planned or existing", "")
    return _result(projects.index, dist, dist <= p["distance_m"], note)


@register("coverage_min", required=("tech", "threshold"), numeric=("threshold",))
def coverage_min(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Share of the project's footprint covered by modelled coverage of ``tech``."""
    if ctx.coverage is None:
        return _result(projects.index, np.nan, pd.NA, "no coverage model in this run")
    frac = ctx.coverage(projects, rule.params["tech"]).reindex(projects.index)
    return _result(projects.index, frac, frac >= rule.params["threshold"])


def _is_line(projects: gpd.GeoDataFrame) -> pd.Series:
    return projects.geometry.geom_type.isin(["LineString", "MultiLineString"])


@register(
    "spacing_max",
    required=("fitting", "threshold_m"),
    optional=("corridor_m",),
    numeric=("threshold_m", "corridor_m"),
)
def spacing_max(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Average spacing along a line: its length divided by the number of its fittings.

    The fittings counted are the project's own (tied by id or by lying within ``corridor_m``
    of the line when the plan was read). Only line projects are measured.
    """
    p = rule.params
    count = _count(ctx.of_kind(p["fitting"]), projects.index)
    spacing = pd.Series(projects.geometry.length, index=projects.index) / count.replace(0, np.nan)
    spacing = spacing.mask(count == 0, np.inf)
    line = _is_line(projects)
    spacing = spacing.where(line)
    ok = _compare(spacing, "<=", p["threshold_m"])
    note = pd.Series("", index=projects.index, dtype="object")
    note.loc[~line] = "needs a centreline"
    note.loc[line & (count == 0)] = f"no {p['fitting']}"
    return _result(projects.index, spacing, ok, note)


@register(
    "density_min",
    required=("fitting", "per", "threshold"),
    optional=("corridor_m",),
    numeric=("threshold", "corridor_m"),
    choices={"per": ("km", "ha", "km2")},
)
def density_min(rule: Rule, projects: gpd.GeoDataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Count of fittings per km of line, or per ha / km² of area, at least ``threshold``."""
    p = rule.params
    count = _count(ctx.of_kind(p["fitting"]), projects.index)
    extent = _extent(projects, p["per"], p.get("corridor_m", 30))
    density = count / extent.replace(0, np.nan)
    return _result(projects.index, density, _compare(density, ">=", p["threshold"]))
