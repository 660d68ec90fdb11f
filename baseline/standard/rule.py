"""One rule of the catalogue and its applicability conditions, as plain data.

Kept apart from :mod:`baseline.standard.catalogue` (which reads and validates the YAML) so
the registry of rule kinds can speak of a :class:`Rule` without importing the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Condition:
    """An applicability condition on one project attribute (``floors >= 7``)."""

    attribute: str
    op: str
    value: Any

    def text(self) -> str:
        """Return the condition as a short formula, e.g. ``gfa_m2 >= 10000``."""
        return f"{self.attribute} {self.op} {self.value}"


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue; ``params`` are checked against its kind's schema."""

    id: str
    kind: str
    clause: str
    confidence: str
    obligation: str
    title: Mapping[str, str]
    params: Mapping[str, Any]
    when: tuple[Condition, ...] = ()

    def label(self, lang: str = "en") -> str:
        """Return the rule's title in ``lang``."""
        return self.title.get(lang) or self.title.get("en") or self.id

    def fitting(self) -> str:
        """Return the fitting kind the rule is about (``fitting`` or ``per_fitting``), or ''."""
        return str(self.params.get("fitting") or self.params.get("per_fitting") or "")
