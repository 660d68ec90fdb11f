"""What a co-build run may be told: works columns, buffers, time tolerance, owner buffers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
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
    work_width_m : mapping of str to float
        Zone width per utility (``default`` for the rest).
    owner_days : mapping of str to (int, int)
        Days before and after per owner (SmarterWX time buffers).
    """

    buffer_m: float
    gap_days: int = 0
    owner_buffers: dict[str, float] = field(default_factory=dict)
    work_width_m: dict[str, float] = field(default_factory=dict)
    owner_days: dict[str, tuple[int, int]] = field(default_factory=dict)

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
    owner_days : mapping of str to (int, int), optional
        Per-owner days before and after, added to (and overriding) the catalogue's
        ``owner_time_buffers_days``.
    protected : geopandas.GeoDataFrame, optional
        Protected roads (from :func:`baseline.cobuild.protected.read_protected`).
    previous : pandas.DataFrame, optional
        A previous output (from :func:`baseline.cobuild.memory.read_previous`) to compare with.
    tunnels : geopandas.GeoDataFrame, optional
        Assets among which ``utility_tunnel`` rows are tunnels to route into.
    today : pandas.Timestamp, optional
        The date a window is judged passed against (default today).
    """

    columns: WorksColumns = field(default_factory=WorksColumns)
    buffer_m: float | None = None
    gap_days: int | None = None
    owner_buffers: Mapping[str, float] | None = None
    owner_days: Mapping[str, tuple[int, int]] | None = None
    protected: gpd.GeoDataFrame | None = None
    previous: pd.DataFrame | None = None
    tunnels: gpd.GeoDataFrame | None = None
    today: pd.Timestamp | None = None

    def match_params(self, cob: CobuildParams) -> MatchParams:
        """The matching parameters: the catalogue's, overridden where given."""
        return MatchParams(
            buffer_m=float(cob.buffer_m if self.buffer_m is None else self.buffer_m),
            gap_days=int(cob.gap_days if self.gap_days is None else self.gap_days),
            owner_buffers={**cob.owner_buffers_m, **(self.owner_buffers or {})},
            work_width_m=dict(cob.work_width_m),
            owner_days={**cob.owner_time_buffers_days, **(self.owner_days or {})},
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


def _numbers(table: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        rows = ", ".join(str(k + 2) for k in np.flatnonzero(bad.to_numpy())[:8])
        msg = (
            f"{path.name}: {column} must be numbers >= 0 (line(s) {rows}); fix or empty those rows"
        )
        zh = f"{path.name}：{column} 须为 >= 0 的数值（文件第 {rows} 行）；请修正或清空这些行"
        raise SchemaError(msg, zh=zh)
    return values


def read_owner_buffers(path: Path) -> tuple[dict[str, float], dict[str, tuple[int, int]]]:
    """Read a CSV ``owner,buffer_m[,days_before,days_after]`` into per-owner buffers.

    Returns
    -------
    (dict, dict)
        Distance buffer per owner, and ``(days before, days after)`` per owner when the CSV
        has the day columns (SmarterWX's time buffers).
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        msg = f"{path.name}: could not be read as CSV ({exc})"
        raise SchemaError(msg, zh=f"{path.name}：无法按 CSV 读取（{exc}）") from None
    if not {"owner", "buffer_m"} <= set(table.columns):
        msg = (
            f"{path.name}: owner buffers need columns owner and buffer_m "
            "(and optionally days_before, days_after)"
        )
        zh = (
            f"{path.name}：各单位缓冲距离需要 owner 和 buffer_m 两列"
            "（可选 days_before、days_after）"
        )
        raise SchemaError(msg, zh=zh)
    owners = table["owner"].astype(str)
    metres = dict(zip(owners, _numbers(table, "buffer_m", path).astype(float), strict=True))
    if not {"days_before", "days_after"} & set(table.columns):
        return metres, {}
    filled = table.assign(
        days_before=table.get("days_before", 0), days_after=table.get("days_after", 0)
    ).fillna({"days_before": 0, "days_after": 0})
    before = _numbers(filled, "days_before", path)
    after = _numbers(filled, "days_after", path)
    days = {o: (int(b), int(a)) for o, b, a in zip(owners, before, after, strict=True)}
    return metres, days
