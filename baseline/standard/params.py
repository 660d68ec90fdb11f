"""Typed parameters of the catalogue beyond its rules: co-build, coverage, technologies.

Built once at load by :func:`baseline.standard.catalogue.load_standard` from the validated
YAML sections ``cobuild`` and ``coverage``; the code reads attributes, never string keys.
Every field listed here is validated at load (see ``TECH_NUMBERS``, ``COBUILD_NUMBERS``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SITE_COLUMNS = ("height_m", "azimuth", "beamwidth")
"""What a base-station site may say of itself; other values come from its technology."""

PATH_LOSS_MODELS = ("cost231_hata", "uma_38901", "umi_38901")
ENVIRONMENTS = ("urban", "suburban")

TECH_NUMBERS = (
    "frequency_mhz",
    "tx_power_dbm",
    "resource_elements",
    "antenna_gain_dbi",
    "bs_height_m",
    "ue_height_m",
    "rsrp_threshold_dbm",
)
"""Numbers every technology profile must give (``cable_loss_db`` is optional, default 0)."""
TECH_POSITIVE = ("frequency_mhz", "resource_elements", "bs_height_m", "ue_height_m")
"""Of those, the ones that must be greater than zero."""

COBUILD_NUMBERS = (
    "buffer_m",
    "gap_days",
    "trench_cost_cny_per_m",
    "new_site_cost_cny",
    "colocation_distance_m",
    "service_radius_m",
    "pole_mount_distance_m",
)
"""Numbers >= 0 the co-build section must give (``pole_mount_saving_cny`` is optional)."""


@dataclass(frozen=True)
class TechProfile:
    """Link-budget parameters of one radio technology (``coverage.techs.<id>``).

    Attributes
    ----------
    id : str
        The catalogue's id, such as ``5G_3500``.
    model : {"cost231_hata", "uma_38901", "umi_38901"}
        Path-loss model.
    frequency_mhz, tx_power_dbm, antenna_gain_dbi, cable_loss_db : float
    resource_elements : int
        Subcarriers sharing the transmit power (the reference signal's share).
    bs_height_m, ue_height_m : float
        Antenna heights; ``bs_height_m`` is assumed for sites that do not give theirs.
    rsrp_threshold_dbm : float
        Weakest reference-signal power counted as covered.
    environment : {"urban", "suburban"}
        COST-231 Hata's metropolitan-centre correction (3 dB) or none.
    """

    id: str
    model: str
    frequency_mhz: float
    tx_power_dbm: float
    resource_elements: int
    antenna_gain_dbi: float
    bs_height_m: float
    ue_height_m: float
    rsrp_threshold_dbm: float
    cable_loss_db: float = 0.0
    environment: str = "urban"

    @classmethod
    def from_mapping(cls, tech_id: str, raw: Mapping[str, Any]) -> TechProfile:
        """Build from a validated ``coverage.techs`` entry."""
        numbers = {k: raw[k] for k in TECH_NUMBERS}
        return cls(
            id=tech_id,
            model=str(raw["model"]),
            cable_loss_db=raw.get("cable_loss_db", 0.0),
            environment=str(raw.get("environment", "urban")),
            **numbers,
        )

    def at_height(self, bs_height_m: float) -> TechProfile:
        """The same profile with the base-station antenna at ``bs_height_m``."""
        return dataclasses.replace(self, bs_height_m=bs_height_m)


@dataclass(frozen=True)
class CoverageParams:
    """The catalogue's ``coverage`` section.

    Attributes
    ----------
    techs : mapping of str to TechProfile
        Technology profiles by id, in catalogue order.
    default_tech : str
        The id used when no technology is asked for (default the first one).
    grid_cell_m : float
        Side of the square cells of the overview grid.
    """

    techs: dict[str, TechProfile]
    default_tech: str
    grid_cell_m: float

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> CoverageParams:
        """Build from a validated ``coverage`` section."""
        techs = {str(k): TechProfile.from_mapping(str(k), v) for k, v in raw["techs"].items()}
        return cls(
            techs=techs,
            default_tech=str(raw.get("default_tech", next(iter(techs)))),
            grid_cell_m=float(raw["grid_cell_m"]),
        )


@dataclass(frozen=True)
class CobuildParams:
    """The catalogue's ``cobuild`` section.

    Attributes
    ----------
    buffer_m : float
        Works closer than this may share one trench.
    gap_days : int
        Time tolerance between two works' date ranges.
    trench_cost_cny_per_m, new_site_cost_cny, pole_mount_saving_cny : float
        Unit costs and savings.
    colocation_distance_m, service_radius_m, pole_mount_distance_m : float
        Distances of co-location, of a new shared site's service and of a pole mount.
    owner_buffers_m : mapping of str to float
        Buffer per owner, overriding ``buffer_m`` for that owner's works.
    demand_rules : tuple of str
        Rule ids whose failing projects need a (shared) base-station site.
    """

    buffer_m: float
    gap_days: int
    trench_cost_cny_per_m: float
    new_site_cost_cny: float
    colocation_distance_m: float
    service_radius_m: float
    pole_mount_distance_m: float
    demand_rules: tuple[str, ...]
    pole_mount_saving_cny: float = 0.0
    owner_buffers_m: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> CobuildParams:
        """Build from a validated ``cobuild`` section."""
        return cls(
            buffer_m=raw["buffer_m"],
            gap_days=int(raw["gap_days"]),
            trench_cost_cny_per_m=raw["trench_cost_cny_per_m"],
            new_site_cost_cny=raw["new_site_cost_cny"],
            colocation_distance_m=raw["colocation_distance_m"],
            service_radius_m=raw["service_radius_m"],
            pole_mount_distance_m=raw["pole_mount_distance_m"],
            demand_rules=tuple(str(r) for r in raw["demand_rules"]),
            pole_mount_saving_cny=raw.get("pole_mount_saving_cny", 0.0),
            owner_buffers_m={
                str(k): float(v) for k, v in (raw.get("owner_buffers_m") or {}).items()
            },
        )
