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

COST_KEYS = ("trench_cost_cny_per_m", "new_site_cost_cny", "pole_mount_saving_cny")
"""The co-build unit costs: each CNY figure is shown with the source and confidence of these."""
CONFIDENCES = ("H", "M", "L")
PROTECTED_KINDS = ("new", "major_repair")
"""Road kinds whose completion starts a protection (城市道路管理条例 第三十三条)."""
DEFAULT_UTILITIES = ("telecom", "power", "water", "gas", "heat", "drainage", "road")


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
class Source:
    """Where a catalogue number comes from: its source text and confidence (H, M or L)."""

    source: str
    confidence: str

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Source:
        """Build from a validated ``{source, confidence}`` entry."""
        return cls(source=str(raw["source"]), confidence=str(raw["confidence"]))


UNSOURCED = Source("not given in the catalogue", "L")


@dataclass(frozen=True)
class Compatibility:
    """Whether two utilities may lie in one trench, and the horizontal clearance between them.

    Attributes
    ----------
    utilities : tuple of (str, str)
        The two utilities, sorted (the same utility twice for a pair of one kind).
    shared_trench : bool
        False: the pair never shares a trench (only traffic management or reinstatement).
    clearance_m : float, optional
        Minimum horizontal clearance between the two in a shared trench.
    source : Source
    """

    utilities: tuple[str, str]
    shared_trench: bool
    clearance_m: float | None
    source: Source

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Compatibility:
        """Build from a validated ``cobuild.compatibility`` entry."""
        a, b = sorted(str(u) for u in raw["utilities"])
        clearance = raw.get("clearance_m")
        return cls(
            utilities=(a, b),
            shared_trench=bool(raw.get("shared_trench", True)),
            clearance_m=None if clearance is None else float(clearance),
            source=Source.from_mapping(raw),
        )


@dataclass(frozen=True)
class LeadTime:
    """Notice a works size class needs between registration and start (GIPOD-like).

    Attributes
    ----------
    name : str
        The class, such as ``large``.
    min_area_m2 : float
        Works zones larger than this (and not larger than the next class's) are of the class.
    months, weeks, working_days : int
        The notice, added up.
    source : Source
    """

    name: str
    min_area_m2: float
    months: int
    weeks: int
    working_days: int
    source: Source

    @classmethod
    def from_mapping(cls, name: str, raw: Mapping[str, Any]) -> LeadTime:
        """Build from a validated ``cobuild.lead_times`` entry."""
        return cls(
            name=name,
            min_area_m2=float(raw["min_area_m2"]),
            months=int(raw.get("months", 0)),
            weeks=int(raw.get("weeks", 0)),
            working_days=int(raw.get("working_days", 0)),
            source=Source.from_mapping(raw),
        )


@dataclass(frozen=True)
class CobuildParams:
    """The catalogue's ``cobuild`` section.

    Attributes
    ----------
    buffer_m : float
        Works zones closer than this may work together (GIPOD's "light" conflicts).
    gap_days : int
        Time tolerance between two works' date ranges.
    trench_cost_cny_per_m, new_site_cost_cny, pole_mount_saving_cny : float
        Unit costs and savings (see ``sources`` for where each comes from).
    colocation_distance_m, service_radius_m, pole_mount_distance_m : float
        Distances of co-location, of a new shared site's service and of a pole mount.
    owner_buffers_m : mapping of str to float
        Buffer per owner, overriding ``buffer_m`` for that owner's works.
    demand_rules : tuple of str
        Rule ids whose failing projects need a (shared) base-station site.
    utilities : tuple of str
        The values a works layer's ``utility`` column may take.
    work_width_m : mapping of str to float
        Width of a line work's zone per utility; ``default`` for works without one.
    min_overlap_days : int
        Shortest common period (days, inclusive) in which two works can dig one trench;
        below it a compatible pair is "align dates".
    owner_time_buffers_days : mapping of str to (int, int)
        Days before the start and after the end added to an owner's works (SmarterWX).
    compatibility : tuple of Compatibility
        Who may share a trench with whom, with the clearance between them.
    protected_years : mapping of str to int
        Years a road is protected after its completion, per kind (``new``, ``major_repair``).
    lead_times : tuple of LeadTime
        Notice per works size class, largest class first.
    tunnel_reach_m : float
        A work this close to a utility tunnel with spare capacity may route into it.
    reminder_weeks : int
        The workspace reminds the parties of an opportunity whose window starts within this
        many weeks (SmarterWX reminds about 7 weeks ahead).
    sources : mapping of str to Source
        Source and confidence of each number of the section, by key.
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
    utilities: tuple[str, ...] = DEFAULT_UTILITIES
    work_width_m: dict[str, float] = field(default_factory=lambda: {"default": 3.5})
    min_overlap_days: int = 14
    owner_time_buffers_days: dict[str, tuple[int, int]] = field(default_factory=dict)
    compatibility: tuple[Compatibility, ...] = ()
    protected_years: dict[str, int] = field(default_factory=lambda: {"new": 5, "major_repair": 3})
    lead_times: tuple[LeadTime, ...] = ()
    tunnel_reach_m: float = 50.0
    long_work_m: float = 5_000.0
    reminder_weeks: int = 7
    sources: dict[str, Source] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> CobuildParams:
        """Build from a validated ``cobuild`` section."""
        keys = ("min_overlap_days", "tunnel_reach_m", "long_work_m", "reminder_weeks")
        extra = {k: raw[k] for k in keys if k in raw}
        if "utilities" in raw:
            extra["utilities"] = tuple(str(u) for u in raw["utilities"])
        if "work_width_m" in raw:
            extra["work_width_m"] = {str(k): float(v) for k, v in raw["work_width_m"].items()}
        if "protected_years" in raw:
            extra["protected_years"] = {str(k): int(v) for k, v in raw["protected_years"].items()}
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
            owner_time_buffers_days={
                str(k): (int(v.get("before", 0)), int(v.get("after", 0)))
                for k, v in (raw.get("owner_time_buffers_days") or {}).items()
            },
            compatibility=tuple(
                Compatibility.from_mapping(c) for c in raw.get("compatibility") or ()
            ),
            lead_times=tuple(
                sorted(
                    (
                        LeadTime.from_mapping(str(k), v)
                        for k, v in (raw.get("lead_times") or {}).items()
                    ),
                    key=lambda lt: -lt.min_area_m2,
                )
            ),
            sources={str(k): Source.from_mapping(v) for k, v in (raw.get("sources") or {}).items()},
            **extra,
        )

    def source_of(self, key: str) -> Source:
        """Where the number ``key`` of the section comes from (L when the catalogue is silent)."""
        return self.sources.get(key, UNSOURCED)

    @property
    def costs_illustrative(self) -> bool:
        """True while any unit cost is not read in a source (confidence below H or M)."""
        return any(self.source_of(k).confidence == "L" for k in COST_KEYS)

    def width_of(self, utility: str) -> float:
        """Width of a line work's zone for ``utility`` (the ``default`` width if not listed)."""
        return float(self.work_width_m.get(utility, self.work_width_m.get("default", 0.0)))

    def compatibility_of(self, a: str, b: str) -> Compatibility | None:
        """The table's entry for utilities ``a`` and ``b`` (either order), if any."""
        pair = tuple(sorted((a, b)))
        return next((c for c in self.compatibility if c.utilities == pair), None)


# --------------------------------------------------------------------------------------------
# Validation of the co-build keys beyond the plain numbers (see catalogue._validate_cobuild)


def _number(value: Any, minimum: float = 0) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= minimum


def _whole(value: Any) -> bool:
    return _number(value) and value == int(value)


def source_problems(raw: Any, where: str) -> list[tuple[str, str]]:
    """A ``{source, confidence}`` entry's problems as (where, message) pairs."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("source"), str):
        return [(where, "needs a 'source' (text)")]
    if raw.get("confidence") not in CONFIDENCES:
        return [(f"{where}.confidence", "must be H, M or L")]
    return []


def _mapping_problems(raw: Any, where: str, check: Any, rule: str) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(where, f"must be a mapping ({rule})")]
    return [(f"{where}.{k}", f"bad value {v!r}: {rule}") for k, v in raw.items() if not check(v)]


def _compatibility_problems(raw: Any, utilities: tuple[str, ...]) -> list[tuple[str, str]]:
    where = "cobuild.compatibility"
    if raw is None:
        return []
    if not isinstance(raw, list):
        return [(where, "must be a list of {utilities, clearance_m, shared_trench, source}")]
    out: list[tuple[str, str]] = []
    for i, entry in enumerate(raw):
        here = f"{where}[{i}]"
        pair = entry.get("utilities") if isinstance(entry, Mapping) else None
        if not isinstance(pair, list) or len(pair) != 2 or not set(pair) <= set(utilities):
            out.append((f"{here}.utilities", f"needs two of {', '.join(utilities)}"))
            continue
        clearance = entry.get("clearance_m")
        if clearance is not None and not _number(clearance):
            out.append((f"{here}.clearance_m", f"bad value {clearance!r}: a number >= 0"))
        out += source_problems(entry, here)
    return out


def _lead_time_problems(raw: Any) -> list[tuple[str, str]]:
    where = "cobuild.lead_times"
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(where, "must map a size class to {min_area_m2, months|weeks|working_days}")]
    out: list[tuple[str, str]] = []
    for name, entry in raw.items():
        here = f"{where}.{name}"
        if not isinstance(entry, Mapping) or not _number(entry.get("min_area_m2")):
            out.append((f"{here}.min_area_m2", "needs a number >= 0"))
            continue
        for key in ("months", "weeks", "working_days"):
            if key in entry and not _whole(entry[key]):
                out.append((f"{here}.{key}", f"bad value {entry[key]!r}: a whole number >= 0"))
        out += source_problems(entry, here)
    return out


def _time_buffer_problems(raw: Any) -> list[tuple[str, str]]:
    where = "cobuild.owner_time_buffers_days"
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(where, "must map owner to {before, after} days")]
    return [
        (f"{where}.{owner}", f"bad value {v!r}: {{before: days, after: days}}, whole days >= 0")
        for owner, v in raw.items()
        if not isinstance(v, Mapping) or not all(_whole(v.get(k, 0)) for k in ("before", "after"))
    ]


def _sources_problems(raw: Any) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [("cobuild.sources", "must map a key of the section to {source, confidence}")]
    return [p for k, v in raw.items() for p in source_problems(v, f"cobuild.sources.{k}")]


def cobuild_problems(cob: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems of the co-build keys added by issue 16, as (where, message) pairs.

    Every key is optional (a district file may leave them to the bundled catalogue); those
    given are checked here, all at once.
    """
    utilities = cob.get("utilities", DEFAULT_UTILITIES)
    out: list[tuple[str, str]] = []
    if not isinstance(utilities, list | tuple) or not all(isinstance(u, str) for u in utilities):
        out.append(("cobuild.utilities", "must be a list of utility names"))
        utilities = DEFAULT_UTILITIES
    for key in ("min_overlap_days", "reminder_weeks"):
        if key in cob and not _whole(cob[key]):
            out.append((f"cobuild.{key}", f"bad value {cob[key]!r}: a whole number of days >= 0"))
    for key in ("tunnel_reach_m", "long_work_m"):
        if key in cob and not _number(cob[key]):
            out.append((f"cobuild.{key}", f"bad value {cob[key]!r}: a number >= 0"))
    out += _mapping_problems(
        cob.get("work_width_m"), "cobuild.work_width_m", _number, "metres >= 0"
    )
    years = cob.get("protected_years")
    out += _mapping_problems(years, "cobuild.protected_years", _whole, "whole years >= 0")
    if isinstance(years, Mapping) and set(years) - set(PROTECTED_KINDS):
        extra = ", ".join(map(str, sorted(set(years) - set(PROTECTED_KINDS))))
        out.append(
            ("cobuild.protected_years", f"unknown kind(s) {extra}; known: new, major_repair")
        )
    out += _time_buffer_problems(cob.get("owner_time_buffers_days"))
    out += _compatibility_problems(cob.get("compatibility"), tuple(utilities))
    out += _lead_time_problems(cob.get("lead_times"))
    out += _sources_problems(cob.get("sources"))
    return out
