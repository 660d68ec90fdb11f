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

SITE_COLUMNS = ("site_id", "tech", "band_mhz", "height_m", "operator", "azimuth", "beamwidth")
"""What a base-station site may say of itself; other values come from its technology."""
PROBABILITY_OVER = ("area", "edge")

PATH_LOSS_MODELS = ("cost231_hata", "uma_38901", "umi_38901")
ENVIRONMENTS = ("urban", "suburban")

TECH_NUMBERS = (
    "frequency_mhz",
    "tx_power_dbm",
    "resource_elements",
    "antenna_gain_dbi",
    "bs_height_m",
    "ue_height_m",
    "shadow_sigma_db",
)
"""Numbers every technology profile must give."""
TECH_POSITIVE = ("frequency_mhz", "resource_elements", "bs_height_m", "ue_height_m")
"""Of those, the ones that must be greater than zero."""
TECH_LOSSES = (
    "cable_loss_db",
    "body_loss_db",
    "interference_margin_dl_db",
    "interference_margin_ul_db",
    "penetration_loss_db",
    "bs_noise_figure_db",
)
"""Optional losses and margins (numbers >= 0, default 0)."""
TECH_OPTIONAL = (
    "ue_power_dbm",
    "ue_antenna_gain_dbi",
    "ul_sinr_db",
    "ul_bandwidth_khz",
    "mcl_db",
    "offset_db",
    "slope_db_per_decade",
    "reference_distance_m",
)
"""Optional numbers of any sign: the uplink (all four or none), an IoT profile's maximum
coupling loss, and a calibration (``offset_db``, ``slope_db_per_decade`` at
``reference_distance_m``)."""
UPLINK_NUMBERS = ("ue_power_dbm", "ul_sinr_db", "ul_bandwidth_khz")
GENERATIONS = ("4G", "5G", "IoT")

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

    Every number's source and confidence is in the catalogue's ``coverage.sources``.

    Attributes
    ----------
    id : str
        The catalogue's id, such as ``NR_3500``.
    model : {"cost231_hata", "uma_38901", "umi_38901"}
        Path-loss model.
    generation : {"4G", "5G", "IoT"}
        What a coverage rule's ``tech`` stands for: a rule on a 5G profile counts every 5G site.
    frequency_mhz, tx_power_dbm, antenna_gain_dbi : float
    resource_elements : int
        Subcarriers sharing the transmit power (the reference signal's share).
    bs_height_m, ue_height_m : float
        Antenna heights; ``bs_height_m`` is assumed for sites that do not give theirs.
    shadow_sigma_db : float
        Standard deviation of the shadow fading of the model (log-normal).
    cable_loss_db, body_loss_db, penetration_loss_db : float
        Feeder, body and (indoor targets only) building penetration losses.
    interference_margin_dl_db, interference_margin_ul_db : float
        Noise rise from other cells' load on each link.
    bs_noise_figure_db, ue_power_dbm, ue_antenna_gain_dbi, ul_sinr_db, ul_bandwidth_khz : float
        The uplink: a radius is the smaller of the downlink's and the uplink's. ``ue_power_dbm``
        None means the profile has no uplink budget (downlink only).
    mcl_db : float or None
        Maximum coupling loss of an IoT profile (NB-IoT 164 dB): its reach is set by it.
    environment : {"urban", "suburban"}
        COST-231 Hata's metropolitan-centre correction (3 dB) or none.
    offset_db, slope_db_per_decade, reference_distance_m : float
        Calibration: measured = predicted + offset + slope x log10(d / reference).
    """

    id: str
    model: str
    frequency_mhz: float
    tx_power_dbm: float
    resource_elements: int
    antenna_gain_dbi: float
    bs_height_m: float
    ue_height_m: float
    shadow_sigma_db: float
    generation: str = "5G"
    cable_loss_db: float = 0.0
    body_loss_db: float = 0.0
    interference_margin_dl_db: float = 0.0
    interference_margin_ul_db: float = 0.0
    penetration_loss_db: float = 0.0
    bs_noise_figure_db: float = 0.0
    ue_power_dbm: float | None = None
    ue_antenna_gain_dbi: float = 0.0
    ul_sinr_db: float = 0.0
    ul_bandwidth_khz: float = 0.0
    mcl_db: float | None = None
    environment: str = "urban"
    offset_db: float = 0.0
    slope_db_per_decade: float = 0.0
    reference_distance_m: float = 1000.0

    @classmethod
    def from_mapping(cls, tech_id: str, raw: Mapping[str, Any]) -> TechProfile:
        """Build from a validated ``coverage.techs`` entry."""
        numbers = {k: raw[k] for k in TECH_NUMBERS}
        optional: dict[str, Any] = {
            k: float(raw[k]) for k in (*TECH_LOSSES, *TECH_OPTIONAL) if k in raw
        }
        return cls(
            id=tech_id,
            model=str(raw["model"]),
            generation=str(raw.get("generation", "5G")),
            environment=str(raw.get("environment", "urban")),
            **numbers,
            **optional,
        )

    @property
    def has_uplink(self) -> bool:
        """Whether the profile gives an uplink budget."""
        return self.ue_power_dbm is not None

    def at_height(self, bs_height_m: float) -> TechProfile:
        """The same profile with the base-station antenna at ``bs_height_m``."""
        return dataclasses.replace(self, bs_height_m=bs_height_m)

    def with_changes(self, **changes: Any) -> TechProfile:
        """The same profile with some parameters changed (a what-if, a test)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class AreaClass:
    """One class of the area-class layer: its coverage target and labels.

    Attributes
    ----------
    id : str
        ``urban`` or ``suburban`` (the catalogue may add more).
    rsrp_dbm : float
        Weakest reference-signal power counted as covered there.
    zh, en : str
        Labels.
    """

    id: str
    rsrp_dbm: float
    zh: str
    en: str


@dataclass(frozen=True)
class CoverageParams:
    """The catalogue's ``coverage`` section.

    Attributes
    ----------
    techs : mapping of str to TechProfile
        Technology profiles by id, in catalogue order.
    default_tech : str
        The id used for a site that has no technology and whose kind has no default.
    kind_defaults : mapping of str to str
        The technology of a site without one, by its kind (``base_station_site``,
        ``smart_pole``) or asset type (``tower``, ``pole``): a pole's radio is a small cell.
    area_classes : mapping of str to AreaClass
        Coverage targets per class of the area-class layer.
    default_area_class : str
        The class of places the area-class layer does not cover.
    location_probability : float
        The share of locations that must reach the target (0..1).
    probability_over : {"area", "edge"}
        Whether that share is over the cell's area (Jakes) or at its edge.
    placements : mapping of str to float
        Extra loss (dB) of a sensor's placement (pole, wall, manhole, underground).
    sources : mapping of str to str
        Source and confidence (H/M/L) of every parameter, by parameter name.
    small_cell_max_height_m : float
        A site given only as a generation (``5G``) this low is a small cell.
    generation_defaults : mapping of str to str
        The profile of a site given only as a generation (``5G``, ``4G``, ``IoT``).
    expected_sites_per_km2 : float
        The macro-site density a full network has (what a site sample is compared with).
    grid_cell_m : float
        Side of the square cells of the overview grid.
    """

    techs: dict[str, TechProfile]
    default_tech: str
    grid_cell_m: float
    kind_defaults: dict[str, str] = field(default_factory=dict)
    area_classes: dict[str, AreaClass] = field(default_factory=dict)
    default_area_class: str = "urban"
    location_probability: float = 0.5
    probability_over: str = "edge"
    placements: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    small_cell_max_height_m: float = 15.0
    generation_defaults: dict[str, str] = field(default_factory=dict)
    expected_sites_per_km2: float = 5.0

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> CoverageParams:
        """Build from a validated ``coverage`` section."""
        techs = {str(k): TechProfile.from_mapping(str(k), v) for k, v in raw["techs"].items()}
        classes = {
            str(k): AreaClass(
                str(k), float(v["rsrp_dbm"]), str(v.get("zh", k)), str(v.get("en", k))
            )
            for k, v in raw["area_classes"].items()
        }
        return cls(
            techs=techs,
            default_tech=str(raw.get("default_tech", next(iter(techs)))),
            grid_cell_m=float(raw["grid_cell_m"]),
            kind_defaults={str(k): str(v) for k, v in (raw.get("kind_defaults") or {}).items()},
            area_classes=classes,
            default_area_class=str(raw.get("default_area_class", next(iter(classes)))),
            location_probability=float(raw["location_probability"]),
            probability_over=str(raw.get("probability_over", "area")),
            placements={str(k): float(v) for k, v in (raw.get("placements") or {}).items()},
            sources={str(k): str(v) for k, v in (raw.get("sources") or {}).items()},
            small_cell_max_height_m=float(raw.get("small_cell_max_height_m", 15.0)),
            expected_sites_per_km2=float(raw.get("expected_sites_per_km2", 5.0)),
            generation_defaults={
                str(k): str(v) for k, v in (raw.get("generation_defaults") or {}).items()
            },
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
