"""What a co-build run may be told: works columns, buffers, time tolerance, owner buffers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from baseline.cobuild.core import WorksColumns
from baseline.errors import SchemaError
from baseline.standard.params import CobuildParams


@dataclass(frozen=True)
class MatchParams:
    """The keyword arguments of :func:`baseline.cobuild.core.match_works`, typed.

    Attributes
    ----------
    buffer_m : float
        Default buffer distance in metres (inclusive).
    gap_days : int
        Time tolerance in days.
    owner_buffers : mapping of str to float
        Buffer per owner, overriding ``buffer_m`` for that owner's works.
    trench_cost_cny_per_m : float
        Unit cost for the saving.
    """

    buffer_m: float
    gap_days: int = 0
    owner_buffers: dict[str, float] = field(default_factory=dict)
    trench_cost_cny_per_m: float = 0.0

    @property
    def reach_m(self) -> float:
        """The largest buffer any work can have."""
        return max([self.buffer_m, *self.owner_buffers.values()])


@dataclass(frozen=True)
class CobuildOptions:
    """The command line's co-build options; ``None`` means the catalogue's value.

    Attributes
    ----------
    columns : WorksColumns
        Names of the id, date and owner columns of the works (or of the site plan).
    buffer_m : float, optional
    gap_days : int, optional
    owner_buffers : mapping of str to float, optional
        Per-owner buffers, added to (and overriding) the catalogue's ``owner_buffers_m``.
    """

    columns: WorksColumns = field(default_factory=WorksColumns)
    buffer_m: float | None = None
    gap_days: int | None = None
    owner_buffers: Mapping[str, float] | None = None

    def match_params(self, cob: CobuildParams) -> MatchParams:
        """The matching parameters: the catalogue's, overridden where given."""
        return MatchParams(
            buffer_m=float(cob.buffer_m if self.buffer_m is None else self.buffer_m),
            gap_days=int(cob.gap_days if self.gap_days is None else self.gap_days),
            owner_buffers={**cob.owner_buffers_m, **(self.owner_buffers or {})},
            trench_cost_cny_per_m=float(cob.trench_cost_cny_per_m),
        )

    def plan_columns(self) -> dict[str, str]:
        """Renames that bring a site plan's mapped columns to the interchange names."""
        default = WorksColumns()
        pairs = zip(
            (self.columns.id, self.columns.start, self.columns.end, self.columns.owner),
            (default.id, default.start, default.end, default.owner),
            strict=True,
        )
        return {mine: theirs for mine, theirs in pairs if mine != theirs}


def read_owner_buffers(path: Path) -> dict[str, float]:
    """Read a CSV with columns ``owner,buffer_m`` into a mapping."""
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        msg = f"{path.name}: could not be read as CSV ({exc})"
        raise SchemaError(msg) from None
    if not {"owner", "buffer_m"} <= set(table.columns):
        msg = f"{path.name}: owner buffers need columns owner and buffer_m"
        raise SchemaError(msg)
    values = pd.to_numeric(table["buffer_m"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        msg = f"{path.name}: buffer_m must be numbers >= 0"
        raise SchemaError(msg)
    return dict(zip(table["owner"].astype(str), values.astype(float), strict=True))
