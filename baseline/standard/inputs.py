"""What the readers accept: plausible ranges of attributes and the names of asset types.

Built once at load by :func:`baseline.standard.catalogue.load_standard` from the YAML
sections ``plausible_values`` (an attribute outside its range is a typo or a unit mistake)
and ``asset_types`` (the names institutes give existing towers, poles, sensors and ducts,
matched in any case). Both sections are optional in a file; those given are checked here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from baseline.standard.params import Source, source_problems

NO_BOUND = (-math.inf, math.inf)
"""The range of an attribute the catalogue does not bound."""


@dataclass(frozen=True)
class Bound:
    """The plausible range of one numeric attribute (``plausible_values.<attribute>``).

    Attributes
    ----------
    min, max : float
        Values below ``min`` or above ``max`` are refused, naming their rows.
    source : Source
        Why the range is what it is, and with what confidence.
    """

    min: float
    max: float
    source: Source

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Bound:
        """Build from a validated ``plausible_values`` entry."""
        return cls(min=float(raw["min"]), max=float(raw["max"]), source=Source.from_mapping(raw))


def plausible_values(raw: Mapping[str, Any] | None) -> dict[str, Bound]:
    """The validated ``plausible_values`` section as bounds by attribute."""
    return {str(k): Bound.from_mapping(v) for k, v in (raw or {}).items()}


def asset_types(raw: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """The validated ``asset_types`` section: each type with its names, in catalogue order."""
    return {str(k): tuple(str(n) for n in v) for k, v in (raw or {}).items()}


def asset_lookup(types: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Each name of ``types``, case-folded, mapped to its type."""
    return {name.strip().casefold(): kind for kind, names in types.items() for name in names}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def plausible_problems(raw: Any) -> list[tuple[str, str]]:
    """Problems of the ``plausible_values`` section as (where, message) pairs."""
    where = "plausible_values"
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(where, "must map an attribute to {min, max, source, confidence}")]
    out: list[tuple[str, str]] = []
    for name, entry in raw.items():
        here = f"{where}.{name}"
        if not isinstance(entry, Mapping):
            out.append((here, "must be {min, max, source, confidence}"))
            continue
        bad = [k for k in ("min", "max") if not _is_number(entry.get(k))]
        out += [(f"{here}.{k}", f"bad value {entry.get(k)!r}: a number") for k in bad]
        if not bad and entry["min"] > entry["max"]:
            out.append((here, f"min {entry['min']} is above max {entry['max']}"))
        out += source_problems(entry, here)
    return out


def asset_type_problems(raw: Any) -> list[tuple[str, str]]:
    """Problems of the ``asset_types`` section: lists of names, no name given two types."""
    where = "asset_types"
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        return [(where, "must map a type to the list of its names")]
    out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for kind, names in raw.items():
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            out.append((f"{where}.{kind}", "must be a list of names (text)"))
            continue
        for name in names:
            other = seen.setdefault(name.strip().casefold(), str(kind))
            if other != str(kind):
                out.append((f"{where}.{kind}", f"name '{name}' is also a name of {other}"))
    return out
