"""One rule of the catalogue and its applicability conditions, as plain data.

Kept apart from :mod:`baseline.standard.catalogue` (which reads and validates the YAML) so
the registry of rule kinds can speak of a :class:`Rule` without importing the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from baseline.i18n import OP_WORDS, attribute_label, value_label

STAGES = ("planning", "design", "construction", "acceptance")
"""The stages a project passes (规划方案, 施工图, 施工, 竣工验收), in order."""


@dataclass(frozen=True)
class Condition:
    """An applicability condition on one project attribute (``floors >= 7``)."""

    attribute: str
    op: str
    value: Any

    def text(self) -> str:
        """Return the condition as a short formula, e.g. ``gfa_m2 >= 10000``."""
        return f"{self.attribute} {self.op} {self.value}"

    def shown(self, lang: str = "en") -> str:
        """Return the condition as a reader sees it, e.g. ``建筑面积（gfa_m2）≥ 10000``."""
        values = self.value if isinstance(self.value, list) else [self.value]
        sep = "、" if lang == "zh" else ", "
        text = sep.join(value_label(self.attribute, v, lang) for v in values)
        name = f"{attribute_label(self.attribute, lang)} ({self.attribute})"
        return f"{name} {OP_WORDS.get(self.op, self.op)} {text}"


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
    per: str = "project"
    """``building`` when the clause speaks of a single building (单体建筑), else ``project``."""
    source: Mapping[str, str] = field(default_factory=dict)
    """Where the threshold comes from: ``document``, ``clause`` and ``read`` (where read)."""
    clause_labels: Mapping[str, str] = field(default_factory=dict)
    """The clause in each language when it is not a standard's code (local policy)."""
    stages: tuple[str, ...] = STAGES
    """The project stages the rule is judged at (catalogue key ``stages``; default all)."""

    def applies_at(self, stage: str | None) -> bool:
        """Whether the rule is judged at ``stage`` (every rule when no stage is given)."""
        return stage is None or stage in self.stages

    @property
    def per_building(self) -> bool:
        """Whether the rule is judged per building."""
        return self.per == "building"

    def clause_label(self, lang: str = "en") -> str:
        """Return the clause as written in ``lang`` (a standard's code reads the same)."""
        return self.clause_labels.get(lang) or self.clause

    def label(self, lang: str = "en") -> str:
        """Return the rule's title in ``lang``."""
        return self.title.get(lang) or self.title.get("en") or self.id

    def fitting(self) -> str:
        """Return the fitting kind the rule is about (``fitting`` or ``per_fitting``), or ''."""
        return str(self.params.get("fitting") or self.params.get("per_fitting") or "")
