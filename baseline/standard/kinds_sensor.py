"""Rule kinds for sensors: the types a category needs, and whether each sensor can report.

``sensor_types``
    The sensor types (``sensor_type``) a project's category needs: the measure is how many of
    them the project lacks (at most ``max_missing``, default 0); the sentence names them.
``sensor_reach``
    Whether each planned sensor can reach a network where it stands: the distance to the
    nearest serving site against the reach of an IoT profile (``tech``, NB-IoT: a maximum
    coupling loss of 164 dB) less the extra loss of the sensor's placement (``placement``:
    pole, wall, manhole, underground; default from ``placements`` by ``sensor_type``, else
    ``default_placement``). The measure is how many sensors cannot report (at most
    ``max_unreachable``, default 0); the sentence names each with its distance to the nearest
    serving site and its reach. The coverage model of the check provides the distances and
    reaches (:class:`SensorReach`); without one the rule cannot be measured.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from baseline.standard.context import Measured, Outcome, RuleContext
from baseline.standard.registry import ParamSchema, Templates, fixed_unit, register
from baseline.standard.rule import Rule

_SHOWN = 3


@runtime_checkable
class SensorReach(Protocol):
    """What the sensor rule needs of the check's coverage model."""

    placement_loss: dict[str, float]

    def reach(
        self, points: np.ndarray, tech: str, extra_loss_db: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(distance to the nearest serving site, reach) of each point."""
        ...


def _sensor_column(ctx: RuleContext, name: str) -> np.ndarray:
    """A text column of the planned sensors ('' where absent)."""
    rows = ctx.of_kind("sensor")
    if name not in ctx.fittings:
        return np.full(len(rows), "", dtype=object)
    values = ctx.fittings[name].iloc[rows]
    return values.where(values.notna(), "").astype(str).str.strip().to_numpy(object)


@register(
    "sensor_types",
    params=ParamSchema(
        required=("types",), optional=("max_missing", "fitting"), numeric=("max_missing",)
    ),
    threshold="max_missing",
    op="<=",
    unit=fixed_unit("types"),
    subject=Templates("subject_sensor_types", unmet="msg_sensor_types_unmet"),
    default_threshold=0.0,
)
def sensor_types(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Count the needed sensor types a project lacks, and name them."""
    needed = [str(t) for t in rule.params["types"]]
    at = ctx.fitting_rows[ctx.of_kind("sensor")]
    types = _sensor_column(ctx, "sensor_type")
    n = len(ctx.count("sensor"))
    # one column per needed type: does the project have a sensor of it (counted in C)
    lacks = np.column_stack(
        [np.bincount(at[types == k], minlength=n)[rows] == 0 for k in needed]
    ) if needed else np.zeros((len(rows), 0), bool)  # fmt: skip
    pattern = lacks @ (1 << np.arange(len(needed)))  # the missing types as one integer
    words = {
        int(p): ", ".join(k for b, k in enumerate(needed) if int(p) >> b & 1)
        for p in np.unique(pattern)
    }
    detail = np.array([words[int(p)] for p in pattern], dtype=object)
    return Measured.of(lacks.sum(axis=1), detail=detail)


def _placements(ctx: RuleContext, rule: Rule, losses: dict[str, float]) -> np.ndarray:
    """Each sensor's placement: its own, else its type's default, else the rule's default."""
    own = _sensor_column(ctx, "placement")
    by_type = rule.params.get("placements", {})
    types = _sensor_column(ctx, "sensor_type")
    default = str(rule.params.get("default_placement", "pole"))
    out = np.array(
        [o or str(by_type.get(t, default)) for o, t in zip(own, types, strict=True)], dtype=object
    )
    return np.where(np.isin(out, list(losses)), out, default)


def _reach_details(
    ids: np.ndarray, placement: np.ndarray, dist: np.ndarray, reach: np.ndarray
) -> str:
    """The sentence's detail: the sensors that cannot report, with distance and reach."""
    out = [f"{i} ({p}) {d:,.0f} m > {r:,.0f} m" if np.isfinite(d) else f"{i} ({p}) no site"
           for i, p, d, r in zip(ids, placement, dist, reach, strict=True)]  # fmt: skip
    more = f" +{len(out) - _SHOWN}" if len(out) > _SHOWN else ""
    return "; ".join(out[:_SHOWN]) + more


@register(
    "sensor_reach",
    params=ParamSchema(
        required=("tech",),
        optional=("max_unreachable", "default_placement", "placements", "fitting"),
        numeric=("max_unreachable",),
    ),
    threshold="max_unreachable",
    op="<=",
    unit=fixed_unit("sensors"),
    subject=Templates("subject_sensor_reach", unmet="msg_sensor_reach_unmet"),
    default_threshold=0.0,
)
def sensor_reach(rule: Rule, rows: np.ndarray, ctx: RuleContext) -> Measured:
    """Count the project's sensors that cannot reach a network where they stand."""
    model = ctx.coverage
    if not isinstance(model, SensorReach):
        return Measured.of(np.full(len(rows), np.nan), Outcome.UNMEASURED, "no coverage model")
    placement = _placements(ctx, rule, model.placement_loss)
    points = ctx.fitting_geometry("sensor")
    loss = np.array([model.placement_loss[p] for p in placement], dtype=float)
    dist, reach = model.reach(points, str(rule.params["tech"]), loss)
    cannot = ~(dist <= reach)
    at = ctx.fitting_rows[ctx.of_kind("sensor")]
    ids = _sensor_column(ctx, "feature_id")
    ids = np.where(ids == "", [f"sensor {k + 1}" for k in range(len(ids))], ids)
    counts = np.bincount(at[cannot], minlength=len(ctx.count("sensor")))[rows]
    texts: dict[int, str] = {}
    bad = np.array(
        sorted(np.flatnonzero(cannot).tolist(), key=lambda k: (at[k], ids[k])), dtype=int
    )  # by project, then named in id order
    projects, starts = np.unique(at[bad], return_index=True)
    groups = np.split(bad, starts[1:]) if len(bad) else []
    for project, mine in zip(projects.tolist(), groups, strict=True):
        texts[project] = _reach_details(ids[mine], placement[mine], dist[mine], reach[mine])
    details = [texts.get(int(r), "") for r in rows]
    none = ctx.count("sensor")[rows] == 0
    outcome = np.where(none, Outcome.SKIPPED, Outcome.MEASURED)
    return Measured.of(counts, outcome, detail=np.array(details, dtype=object))
