"""The compliance check: every applicable rule for every project, one finding per pair.

:func:`check` loops over the catalogue's rules (tens), never over projects: each rule kind
measures all the projects it applies to at once with numpy and shapely (spatial ones through
an STRtree), and the findings are joined from integer codes and Arrow strings
(:mod:`baseline.check.findings`). Findings follow ``shared/reference/site-plan-format.md``:
``project_id, category, rule_id, clause, confidence, status, measured, required, unit,
message``, plus ``obligation``.

Status: ``pass`` when the rule is met; ``fail`` when a *shall* rule is not, ``warn`` when a
*should* rule is not; ``warn`` also when an attribute the rule needs is missing or the
category is unknown; ``not_applicable`` when the rule's conditions do not hold, with the
reason, so the report also shows what was checked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from baseline._memory import without_gc
from baseline.check.applicability import Conditions
from baseline.check.evaluate import STATUSES, WARN, Part, evaluate, wording
from baseline.check.findings import (
    FINDING_COLUMNS,
    RuleRow,
    Table,
    failing,
    findings_frame,
    join,
    status_table,
)
from baseline.check.messages import compose, texts
from baseline.check.units import SEP, building_units
from baseline.check.where import findings_layer
from baseline.coverage.areas import read_area_classes
from baseline.coverage.sitemodel import SiteModel
from baseline.engine import CombinedAssets, Engine, asset_index
from baseline.errors import BaselineError
from baseline.i18n import t, unit_label
from baseline.io.crs import metric_crs
from baseline.io.partitioned import PartitionedLayer
from baseline.io.siteplan import SitePlan
from baseline.standard.catalogue import Rule, Standard
from baseline.standard.context import RuleContext
from baseline.standard.params import SITE_COLUMNS
from baseline.standard.registry import RULE_KINDS
from baseline.standard.rule import STAGES

__all__ = ["FINDING_COLUMNS", "STATUSES", "CheckResult", "check", "evaluate_rule", "status_counts"]


@dataclass
class CheckResult:
    """Findings of one check run and what they were computed from.

    Attributes
    ----------
    findings : pandas.DataFrame
        One row per (project, building where the rule is per building, rule), columns
        :data:`FINDING_COLUMNS`.
    projects : geopandas.GeoDataFrame
        The plan's projects (WGS84) with counts per status and an overall ``status``.
    fittings : geopandas.GeoDataFrame
        The plan's fittings (WGS84) with ``failing`` set where a failed rule is about them.
    standard : Standard
    source, source_sha256 : str
        The checked file and its hash.
    created : str
        ISO time of the run (UTC).
    lang : str
    """

    findings: pd.DataFrame
    projects: gpd.GeoDataFrame
    fittings: gpd.GeoDataFrame
    standard: Standard
    source: str = ""
    source_sha256: str = ""
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    lang: str = "en"
    buildings: gpd.GeoDataFrame | None = None
    """The plan's buildings (WGS84), when it gives any."""

    @property
    def not_encoded(self) -> pd.DataFrame:
        """What the catalogue does not encode (document, scope, why): a clean run's limits."""
        return self.standard.not_encoded_table(self.lang)

    def findings_layer(self, crs: Any = "EPSG:4326") -> gpd.GeoDataFrame:
        """The findings with the geometry each is about, in ``crs``.

        The geometry is the building for a per-building finding, the project's fittings of
        the kind the rule is about, or the project's boundary (or centreline) when nothing
        smaller exists.
        """
        return findings_layer(
            self.findings, self.projects, self.fittings, self.buildings, self.standard, crs
        )

    def counts(self) -> pd.DataFrame:
        """Return counts per project and status (one column per status)."""
        return status_counts(self.findings)

    def failing_buildings(self) -> pd.Series:
        """For each building, whether a rule about it fails (aligned to ``buildings``)."""
        b, f = self.buildings, self.findings
        if b is None or b.empty:
            return pd.Series(dtype=bool)
        fail = f[(f["status"] == "fail") & (f["building_id"].fillna("") != "")]
        bad = set(zip(fail["project_id"], fail["building_id"], strict=True))
        pairs = zip(b["project_id"], b["building_id"], strict=True)
        return pd.Series([pair in bad for pair in pairs], index=b.index, dtype=bool)


def status_counts(findings: pd.DataFrame) -> pd.DataFrame:
    """Count findings per project and status; every status is a column."""
    table = findings.groupby(["project_id", "status"], sort=True).size().unstack(fill_value=0)
    table.columns.name = "status"
    return table.reindex(columns=list(STATUSES), fill_value=0)


# --------------------------------------------------------------------------------------------
# The run


def _coverage_function(std: Standard, sites: Callable[[], gpd.GeoDataFrame], crs: Any) -> SiteModel:
    """Covered share per geometry and technology, each site with its own budget.

    The sites are gathered on first use; the bundled (illustrative) area-class layer sets the
    RSRP target (urban -90 dBm, suburban -95 dBm) of each project where it lies.
    """
    classes = read_area_classes(None, std.coverage)
    return SiteModel(sites, std.coverage, crs, classes)


def _sites_for_coverage(
    fittings: gpd.GeoDataFrame, assets: CombinedAssets, crs: Any
) -> gpd.GeoDataFrame:
    """Planned base-station sites, then existing towers (in source order), in ``crs``.

    Each keeps what it says of itself (``tech``, ``band_mhz``, ``height_m``, ``operator`` ...)
    and its kind (``kind`` of the plan, ``asset_type`` of the assets), which picks the
    technology of a site that gives none (a pole's radio is a small cell).
    """
    planned = fittings[fittings["kind"] == "base_station_site"].to_crs(crs)
    parts = [planned[[c for c in (*SITE_COLUMNS, "kind") if c in planned] + ["geometry"]]]
    towers = assets.of_types(["tower"]) if len(assets) else None
    if towers is not None and len(towers):
        keep = [c for c in (*SITE_COLUMNS, "asset_type") if c in towers]
        parts.append(towers[[*keep, "geometry"]])
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=crs)


def _rule_columns(std: Standard, projects: pd.DataFrame) -> list[str]:
    """The project columns any rule reads (the rest is not copied rule after rule)."""
    wanted = {"project_id", "category", "site_area_ha"}
    for rule in std.rules.values():
        wanted.update(c.attribute for c in rule.when)
        wanted.update(str(rule.params[k]) for k in ("attribute", "per_project") if k in rule.params)
    return [str(c) for c in projects.columns if c in wanted] + [str(projects.geometry.name)]


def _asset_types(std: Standard) -> set[str]:
    """Asset types any rule of the catalogue counts, plus towers for the coverage model."""
    used = {r for c in std.categories.values() for r in c.rules}
    return {"tower"}.union(*(std.rules[r].params.get("existing", []) for r in used))


def _metric_projects(plan: SitePlan, std: Standard, crs: Any) -> gpd.GeoDataFrame:
    """The plan's projects in ``crs`` with ``site_area_ha`` and the columns rules read."""
    projects = plan.projects.to_crs(crs)
    projects["site_area_ha"] = np.where(
        projects.geom_type.isin(["Polygon", "MultiPolygon"]), projects.area / 1e4, np.nan
    )
    return projects[_rule_columns(std, projects)].reset_index(drop=True)


def _rule_row(rule: Rule, rank: int, lang: str = "en") -> RuleRow:
    kind = RULE_KINDS[rule.kind]
    required = f"{kind.comparator(rule)} {kind.threshold_of(rule):g}"
    return RuleRow(rule.id, rule.clause_label(lang), rule.confidence, required,
                   unit_label(kind.unit_of(rule), lang), rule.obligation, rank,
                   rule.params.get("fitting"))  # fmt: skip


def _unknown_categories(std: Standard, categories: np.ndarray, lang: str) -> tuple[RuleRow, Part]:
    """The warning of every project whose category is not in the catalogue."""
    rows = np.flatnonzero(~np.isin(categories, list(std.categories)))
    known = ", ".join(std.categories)
    row = RuleRow("catalogue-category", f"{std.id} {std.version}", "H",
                  t("req_category", lang), "", "shall", -2, None)  # fmt: skip
    shown = texts([str(c) for c in categories[rows].tolist()])
    text = compose("msg_unknown_category", lang, len(rows), {"known": known}, {"category": shown})
    status = np.full(len(rows), WARN, np.int8)
    return row, Part(0, rows, status, np.full(len(rows), np.nan), [(np.arange(len(rows)), text)])


def _per_building_rules(std: Standard, category: str) -> list[Rule]:
    return [r for r in std.rules_for(category) if r.per_building]


def _judged_whole(std: Standard, s: Subjects, lang: str, code: int) -> tuple[RuleRow, Part]:
    """The warning of every project judged as one building by a per-building rule."""
    categories = s.project_category
    parts: list[np.ndarray] = []
    messages: list[tuple[np.ndarray, pa.Array]] = []
    clauses_all = sorted({r.clause_label(lang) for r in std.rules.values() if r.per_building})
    for cat in pd.unique(categories[s.whole]).tolist():
        rules = _per_building_rules(std, str(cat))
        if not rules:
            continue
        rows = np.flatnonzero(s.whole & (categories == cat))
        clauses = dict.fromkeys(r.clause_label(lang) for r in rules)
        sep = "、" if lang == "zh" else ", "
        text = compose("msg_per_building", lang, len(rows), {"clauses": sep.join(clauses)}, {})
        start = int(sum(len(p) for p in parts))
        messages.append((np.arange(len(rows)) + start, text))
        parts.append(rows)
    rows = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    row = RuleRow("per-building", ", ".join(clauses_all), "H", t("req_buildings", lang), "",
                  "should", -1, None)  # fmt: skip
    status = np.full(len(rows), WARN, np.int8)
    return row, Part(code, rows, status, np.full(len(rows), np.nan), messages)


@dataclass(frozen=True)
class Subjects:
    """What findings are about: the projects, then the units of the per-building rules."""

    projects: RuleContext
    units: RuleContext
    unit_project: np.ndarray
    whole: np.ndarray

    @property
    def project_category(self) -> np.ndarray:
        """The category of every project."""
        return self.projects.projects["category"].to_numpy(object)

    def project_of(self, rows: np.ndarray) -> np.ndarray:
        """The project position of each subject row."""
        n = len(self.projects)
        unit = np.clip(rows - n, 0, None)
        return np.where(rows < n, rows, self.unit_project[unit] if len(self.unit_project) else 0)

    @functools.cached_property
    def _ids(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Project id, building id and category of every subject (object arrays of text)."""
        p, u = self.projects.projects, self.units.projects
        pid = np.concatenate([p["project_id"].to_numpy(object), u["project_id"].to_numpy(object)])
        bid = np.concatenate([np.full(len(p), "", object), u["building_id"].to_numpy(object)])
        cat = pd.concat([p["category"], u["category"]], ignore_index=True).astype(str)
        return pid.astype(str).astype(object), bid.astype(str).astype(object), cat.to_numpy(object)

    def columns(self) -> dict[str, pa.Array]:
        """``project_id``, ``building_id`` and ``category`` of every subject."""
        pid, bid, cat = self._ids
        return {"project_id": texts(pid), "building_id": texts(bid), "category": texts(cat)}

    def order(self) -> np.ndarray:
        """The rank of every subject in findings order: project id, then building id."""
        pid, bid, _ = self._ids
        keys = (pd.factorize(bid, sort=True)[0], pd.factorize(pid, sort=True)[0])
        return np.lexsort(keys).argsort(kind="stable")


def _categories(ctx: RuleContext) -> tuple[np.ndarray, np.ndarray]:
    """The category codes of a context's rows and the categories they stand for (once)."""
    codes, names = pd.factorize(ctx.projects["category"].to_numpy(object))
    return codes, np.asarray(names, dtype=object)


def _rows_of(rule_id: str, std: Standard, categories: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Positions of the rows whose category lists the rule."""
    cats = [c.id for c in std.categories.values() if rule_id in c.rules]
    codes, names = categories  # -1 (no category) picks the False appended
    return np.flatnonzero(np.append(np.isin(names, cats), False)[codes])


def _join_rules(std: Standard, s: Subjects, lang: str) -> tuple[Table, list[RuleRow]]:
    """Every used rule over the projects (or units) of its categories, in findings order."""
    unknown_row, unknown = _unknown_categories(std, s.project_category, lang)
    whole_row, whole = _judged_whole(std, s, lang, 1)
    table, parts = [unknown_row, whole_row], [unknown, whole]
    offset = len(s.projects)
    conditions = {False: Conditions(s.projects.projects), True: Conditions(s.units.projects)}
    rank = {rid: i for c in std.categories.values() for i, rid in enumerate(c.rules)}
    categories = {False: _categories(s.projects), True: _categories(s.units)}
    for rid in sorted(rank):
        rule = std.rules[rid]
        ctx = s.units if rule.per_building else s.projects
        rows = _rows_of(rid, std, categories[rule.per_building])
        if len(rows):
            table.append(_rule_row(rule, rank[rid], lang))
            w = wording(rule, lang, std.fitting_label)
            part = evaluate(rule, len(table) - 1, rows, ctx, conditions[rule.per_building], w)
            if rule.per_building:
                part.rows = part.rows + offset
            parts.append(part)
    return join(parts, s.order(), table), table


def _failing_fittings(
    found: Table, s: Subjects, kinds: np.ndarray, table: list[RuleRow]
) -> np.ndarray:
    """Whether each fitting is of a kind a failed rule of its own subject is about.

    A project's failed rule marks the project's fittings of that kind; a building's marks
    only the fittings in that building (a rule failing for tower T2 does not mark T1's).
    """
    n = len(s.projects)
    unit = s.units.fitting_rows
    in_unit = np.where(unit >= 0, unit + n, -1)  # subject rows count the units after projects
    whole = failing(found, s.projects.fitting_rows, kinds, table)
    return whole | failing(found, in_unit, kinds, table)


def _frames(
    found: Table, table: list[RuleRow], s: Subjects, plan: SitePlan
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The findings, the projects with their counts and the fittings marked failing."""
    ids = s.projects.projects["project_id"].to_numpy(object)
    findings = findings_frame(found, s.columns(), table)
    per_project = replace(found, rows=s.project_of(found.rows))
    counts = status_table(per_project, ids)
    projects = plan.projects.merge(counts, left_on="project_id", right_index=True, how="left")
    projects[list(STATUSES)] = projects[list(STATUSES)].fillna(0).astype(int)
    projects["status"] = np.select(
        [projects["fail"] > 0, projects["warn"] > 0], ["fail", "warn"], default="pass"
    )
    fittings = plan.fittings.copy()
    kinds = plan.fittings["kind"].to_numpy(object)
    fittings["failing"] = _failing_fittings(found, s, kinds, table)
    return findings, projects, fittings


def evaluate_rule(rule: Rule, ctx: RuleContext, std: Standard, lang: str = "en") -> pd.DataFrame:
    """Findings of one rule for every project of ``ctx`` (whatever their category).

    The rule is evaluated on the rows of ``ctx`` as they are (projects, or units when the
    context holds them); ``building_id`` is taken from the context when it has one.

    Parameters
    ----------
    rule : Rule
    ctx : RuleContext
    std : Standard
        For the fittings' labels.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDING_COLUMNS`, in project order.
    """
    rows = np.arange(len(ctx))
    w = wording(rule, lang, std.fitting_label)
    part = evaluate(rule, 0, rows, ctx, Conditions(ctx.projects), w)
    p = ctx.projects
    ids = p["project_id"].to_numpy(object)
    bid = p["building_id"] if "building_id" in p else pd.Series("", index=p.index)
    found = join([part], (ids + SEP + bid.astype(str).to_numpy(object)).astype(object),
                 [_rule_row(rule, 0, lang)])  # fmt: skip
    subjects = {
        "project_id": texts(ids.astype(str)),
        "building_id": texts(bid.astype(str).to_numpy(object)),
        "category": texts(p["category"].astype(str).to_numpy(object)),
    }
    return findings_frame(found, subjects, [_rule_row(rule, 0, lang)])


@without_gc
def at_stage(std: Standard, stage: str | None) -> Standard:
    """The catalogue with only the rules judged at ``stage`` in its categories (all for None)."""
    if stage is None:
        return std
    if stage not in STAGES:
        msg = f"unknown stage {stage!r}; give one of {', '.join(STAGES)}"
        raise BaselineError(msg, zh=f"未知阶段 {stage!r}；请从 {', '.join(STAGES)} 中选择")
    categories = {
        cid: replace(cat, rules=tuple(r for r in cat.rules if std.rules[r].applies_at(stage)))
        for cid, cat in std.categories.items()
    }
    return replace(std, categories=categories)


def check(
    plan: SitePlan,
    std: Standard,
    *,
    assets: gpd.GeoDataFrame | PartitionedLayer | Sequence | None = None,
    lang: str = "en",
    engine: Engine | None = None,
    stage: str | None = None,
) -> CheckResult:
    """Check every project of a site plan against the catalogue.

    Parameters
    ----------
    plan : SitePlan
        Projects and fittings (WGS84), from :func:`baseline.io.siteplan.read_siteplan`.
    std : Standard
        The loaded catalogue.
    assets : GeoDataFrame, PartitionedLayer or a list of them, optional
        Existing city assets with an ``asset_type`` column (``tower``, ``pole``, ``sensor``,
        ``duct``); they count where a rule allows an existing asset and towers feed the
        coverage model. Partitioned layers come from :func:`baseline.io.partitioned.ingest`.
        Default: none.
    lang : {"zh", "en"}
        Language of the messages.
    engine : baseline.engine.Engine, optional
        Where the asset joins run (default local; dask reads partitioned layers part by part).
    stage : {"planning", "design", "construction", "acceptance"}, optional
        Judge only the rules the catalogue names for this stage (a rule's ``stages``); the
        others are skipped and give no finding. None (default) judges every rule.

    Returns
    -------
    CheckResult
    """
    std = at_stage(std, stage)
    crs = metric_crs(plan.projects)
    projects = _metric_projects(plan, std, crs)
    index = asset_index(assets, crs, _asset_types(std), engine)
    sites = functools.partial(_sites_for_coverage, plan.fittings, index, crs)
    coverage = _coverage_function(std, sites, crs)
    ctx = RuleContext(projects, plan.fittings, index, coverage)
    units = building_units(plan, projects, crs)
    unit_ctx = RuleContext(units.frame, units.fittings, index, coverage, key="unit_id")
    subjects = Subjects(ctx, unit_ctx, units.project, units.whole)
    found, table = _join_rules(std, subjects, lang)
    findings, projects_out, fittings = _frames(found, table, subjects, plan)
    return CheckResult(
        findings=findings,
        projects=projects_out,
        fittings=fittings,
        standard=std,
        source=plan.source,
        source_sha256=plan.sha256,
        lang=lang,
        buildings=plan.buildings,
    )
