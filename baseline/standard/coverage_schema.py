"""Validation of the catalogue's ``coverage`` section: every problem, with its path.

Called by :func:`baseline.standard.catalogue.load_standard` with a function that records a
problem (``add(path, message)``); the loader raises once with all of them. Every number a
profile gives must be a number; losses and margins must not be negative; the uplink is given
whole or not at all; every parameter a profile uses must have a source in ``coverage.sources``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from baseline.standard.params import (
    ENVIRONMENTS,
    GENERATIONS,
    PATH_LOSS_MODELS,
    PROBABILITY_OVER,
    TECH_LOSSES,
    TECH_NUMBERS,
    TECH_OPTIONAL,
    TECH_POSITIVE,
    UPLINK_NUMBERS,
)

Add = Callable[[str, str], None]
"""``add(path, message)``: record one problem."""
_CALIBRATION = ("offset_db", "slope_db_per_decade", "reference_distance_m")
_SECTION_SOURCED = (
    "location_probability",
    "probability_over",
    "area_classes",
    "placements",
    "kind_defaults",
    "generation_defaults",
    "small_cell_max_height_m",
    "expected_sites_per_km2",
)


def is_number(value: Any, minimum: float | None = None, *, strict: bool = False) -> bool:
    """Whether ``value`` is a real number (not a bool), above ``minimum`` if given."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if minimum is None:
        return True
    return value > minimum if strict else value >= minimum


def validate_coverage(cov: Mapping[str, Any], add: Add) -> None:
    """Record every problem of a ``coverage`` section."""
    techs = cov.get("techs")
    if not isinstance(techs, Mapping) or not techs:
        add("coverage.techs", "needs a mapping of technology profiles")
        techs = {}
    for tid, tech in techs.items():
        validate_tech(str(tid), tech, add)
    _known_tech(cov.get("default_tech"), techs, "coverage.default_tech", add)
    for section in ("kind_defaults", "generation_defaults"):
        for key, tid in (cov.get(section) or {}).items():
            _known_tech(tid, techs, f"coverage.{section}.{key}", add)
    if not is_number(cov.get("grid_cell_m"), 0, strict=True):
        add("coverage.grid_cell_m", f"bad value {cov.get('grid_cell_m')!r}: a number > 0")
    _validate_probability(cov, add)
    _validate_classes(cov, add)
    _validate_placements(cov.get("placements") or {}, add)
    _validate_sources(cov, techs, add)


def _known_tech(tid: Any, techs: Mapping[str, Any], where: str, add: Add) -> None:
    if tid is not None and tid not in techs:
        add(where, f"unknown tech '{tid}'; known: {', '.join(map(str, techs))}")


def _validate_probability(cov: Mapping[str, Any], add: Add) -> None:
    p = cov.get("location_probability")
    if not is_number(p, 0.5) or p >= 1:  # type: ignore[operator]
        add("coverage.location_probability", f"bad value {p!r}: a share from 0.5 to below 1")
    over = cov.get("probability_over", "area")
    if over not in PROBABILITY_OVER:
        add("coverage.probability_over", f"must be one of {', '.join(PROBABILITY_OVER)}")


def _validate_classes(cov: Mapping[str, Any], add: Add) -> None:
    classes = cov.get("area_classes")
    if not isinstance(classes, Mapping) or not classes:
        add("coverage.area_classes", "needs classes with rsrp_dbm, e.g. urban: {rsrp_dbm: -90}")
        return
    for cid, c in classes.items():
        value = c.get("rsrp_dbm") if isinstance(c, Mapping) else None
        if not is_number(value) or not -150 <= value <= -20:  # type: ignore[operator]
            add(f"coverage.area_classes.{cid}.rsrp_dbm", f"bad value {value!r}: -150..-20 dBm")
    default = cov.get("default_area_class")
    if default is not None and default not in classes:
        add("coverage.default_area_class", f"unknown class '{default}'")


def _validate_placements(placements: Any, add: Add) -> None:
    if not isinstance(placements, Mapping):
        add("coverage.placements", "must map a placement to its extra loss in dB")
        return
    for name, value in placements.items():
        if not is_number(value, 0):
            add(f"coverage.placements.{name}", f"bad value {value!r}: a number >= 0 (dB)")


def _validate_sources(cov: Mapping[str, Any], techs: Mapping[str, Any], add: Add) -> None:
    """Every parameter used must name its source and confidence ([H], [M] or [L])."""
    sources = cov.get("sources") or {}
    used = {k for t in techs.values() if isinstance(t, Mapping) for k in t} - set(_CALIBRATION)
    used |= {k for k in _SECTION_SOURCED if k in cov}
    for key in sorted(used - {"calibration"}):
        text = sources.get(key)
        if not isinstance(text, str) or not any(f"[{c}" in text for c in "HML"):
            add(f"coverage.sources.{key}", "needs its source and confidence, e.g. '... [M]'")


def validate_tech(tid: str, tech: Any, add: Add) -> None:
    """Record the problems of one technology profile."""
    where = f"coverage.techs.{tid}"
    if not isinstance(tech, Mapping):
        add(where, "must be a mapping of link-budget parameters")
        return
    if tech.get("model") not in PATH_LOSS_MODELS:
        add(f"{where}.model", f"needs a model, one of {', '.join(PATH_LOSS_MODELS)}")
    if tech.get("generation", "5G") not in GENERATIONS:
        add(f"{where}.generation", f"must be one of {', '.join(GENERATIONS)}")
    if tech.get("environment", "urban") not in ENVIRONMENTS:
        add(f"{where}.environment", f"must be one of {', '.join(ENVIRONMENTS)}")
    if "rsrp_threshold_dbm" in tech:
        add(f"{where}.rsrp_threshold_dbm", "replaced by coverage.area_classes.<class>.rsrp_dbm")
    _validate_numbers(where, tech, add)
    given = [k for k in UPLINK_NUMBERS if k in tech]
    if given and len(given) < len(UPLINK_NUMBERS):
        missing = ", ".join(k for k in UPLINK_NUMBERS if k not in tech)
        add(where, f"an uplink needs all of {', '.join(UPLINK_NUMBERS)}; missing {missing}")


def _validate_numbers(where: str, tech: Mapping[str, Any], add: Add) -> None:
    for key in TECH_NUMBERS:
        positive = key in TECH_POSITIVE
        if key not in tech:
            add(where, f"missing '{key}'")
        elif not is_number(tech[key], 0 if positive else None, strict=True):
            add(f"{where}.{key}", f"bad value {tech[key]!r}: a number{' > 0' if positive else ''}")
    for key in TECH_LOSSES:
        if key in tech and not is_number(tech[key], 0):
            add(f"{where}.{key}", f"bad value {tech[key]!r}: a number >= 0")
    for key in TECH_OPTIONAL:
        if key in tech and not is_number(tech[key]):
            add(f"{where}.{key}", f"bad value {tech[key]!r}: a number")
    for key in ("ul_bandwidth_khz", "reference_distance_m"):
        if key in tech and not is_number(tech[key], 0, strict=True):
            add(f"{where}.{key}", f"bad value {tech[key]!r}: a number > 0")
