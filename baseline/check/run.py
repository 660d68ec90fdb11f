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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

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
from baseline.coverage.areas import read_area_classes
from baseline.coverage.sitemodel import SiteModel
from baseline.engine import CombinedAssets, Engine, asset_index
from baseline.io.crs import metric_crs
from baseline.io.partitioned import PartitionedLayer
from baseline.io.siteplan import SitePlan
from baseline.standard.catalogue import Rule, Standard
from baseline.standard.context import RuleContext
from baseline.standard.params import SITE_COLUMNS
from baseline.standard.registry import RULE_KINDS

__all__ = ["FINDING_COLUMNS", "STATUSES", "CheckResult", "check", "evaluate_rule", "status_counts"]


@dataclass
class CheckResult:
    """Findings of one check run and what they were computed from.

    Attributes
    ----------
    findings : pandas.DataFrame
        One row per (project, rule), columns :data:`FINDING_COLUMNS`.
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

    def counts(self) -> pd.DataFrame:
        """Return counts per project and status (one column per status)."""
        return status_counts(self.findings)


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


def _rule_row(rule: Rule, rank: int) -> RuleRow:
    kind = RULE_KINDS[rule.kind]
    required = f"{kind.comparator(rule)} {kind.threshold_of(rule):g}"
    return RuleRow(rule.id, rule.clause, rule.confidence, required, kind.unit_of(rule),
                   rule.obligation, rank, rule.params.get("fitting"))  # fmt: skip


def _unknown_categories(std: Standard, categories: np.ndarray, lang: str) -> tuple[RuleRow, Part]:
    """The warning of every project whose category is not in the catalogue."""
    rows = np.flatnonzero(~np.isin(categories, list(std.categories)))
    known = ", ".join(std.categories)
    row = RuleRow("catalogue-category", f"{std.id} {std.version}", "H",
                  "category in catalogue", "", "shall", -1, None)  # fmt: skip
    shown = texts([str(c) for c in categories[rows].tolist()])
    text = compose("msg_unknown_category", lang, len(rows), {"known": known}, {"category": shown})
    status = np.full(len(rows), WARN, np.int8)
    return row, Part(0, rows, status, np.full(len(rows), np.nan), [(np.arange(len(rows)), text)])


def _join_rules(std: Standard, ctx: RuleContext, lang: str) -> tuple[Table, list[RuleRow]]:
    """Every used rule over the projects of its categories, joined in findings order."""
    categories = ctx.projects["category"].to_numpy(object)
    unknown_row, unknown = _unknown_categories(std, categories, lang)
    table, parts = [unknown_row], [unknown]
    conditions = Conditions(ctx.projects)
    rank = {rid: i for c in std.categories.values() for i, rid in enumerate(c.rules)}
    codes, names = pd.factorize(categories)  # -1 (no category) picks the False appended
    for rid in sorted(rank):
        rule = std.rules[rid]
        cats = [c.id for c in std.categories.values() if rid in c.rules]
        rows = np.flatnonzero(np.append(np.isin(names, cats), False)[codes])
        if len(rows):
            table.append(_rule_row(rule, rank[rid]))
            w = wording(rule, lang, std.fitting_label)
            parts.append(evaluate(rule, len(table) - 1, rows, ctx, conditions, w))
    ids = ctx.projects["project_id"].to_numpy(object)
    return join(parts, ids, table), table


def _frames(
    found: Table, table: list[RuleRow], ctx: RuleContext, plan: SitePlan
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The findings, the projects with their counts and the fittings marked failing."""
    ids = ctx.projects["project_id"].to_numpy(object)
    findings = findings_frame(found, texts(ids), texts(ctx.projects["category"].astype(str)), table)
    counts = status_table(found, ids)
    projects = plan.projects.merge(counts, left_on="project_id", right_index=True, how="left")
    projects[list(STATUSES)] = projects[list(STATUSES)].fillna(0).astype(int)
    projects["status"] = np.select(
        [projects["fail"] > 0, projects["warn"] > 0], ["fail", "warn"], default="pass"
    )
    fittings = plan.fittings.copy()
    kinds = plan.fittings["kind"].to_numpy(object)
    fittings["failing"] = failing(found, ctx.fitting_rows, kinds, table)
    return findings, projects, fittings


def evaluate_rule(rule: Rule, ctx: RuleContext, std: Standard, lang: str = "en") -> pd.DataFrame:
    """Findings of one rule for every project of ``ctx`` (whatever their category).

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
    found = join([part], ctx.projects["project_id"].to_numpy(object), [_rule_row(rule, 0)])
    ids = texts(ctx.projects["project_id"].to_numpy(object))
    return findings_frame(found, ids, texts(ctx.projects["category"].astype(str)),
                          [_rule_row(rule, 0)])  # fmt: skip


@without_gc
def check(
    plan: SitePlan,
    std: Standard,
    *,
    assets: gpd.GeoDataFrame | PartitionedLayer | Sequence | None = None,
    lang: str = "en",
    engine: Engine | None = None,
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

    Returns
    -------
    CheckResult
    """
    crs = metric_crs(plan.projects)
    projects = _metric_projects(plan, std, crs)
    index = asset_index(assets, crs, _asset_types(std), engine)
    sites = functools.partial(_sites_for_coverage, plan.fittings, index, crs)
    ctx = RuleContext(projects, plan.fittings, index, _coverage_function(std, sites, crs))
    found, table = _join_rules(std, ctx, lang)
    findings, projects_out, fittings = _frames(found, table, ctx, plan)
    return CheckResult(
        findings=findings,
        projects=projects_out,
        fittings=fittings,
        standard=std,
        source=plan.source,
        source_sha256=plan.sha256,
        lang=lang,
    )
