"""What a rule kind is given (:class:`RuleContext`) and what it gives back (:class:`Measured`).

A rule kind evaluates one rule for many projects at once. It receives ``rows``, positions
into the context's project table, and reads everything else from the context: geometries,
project attributes as floats, its fittings by project, the existing assets and the coverage
model. All of it is numpy arrays computed once per check and shared by the rules, so a rule
costs a few array operations, not a pandas frame of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.i18n import attribute_label, t
from baseline.standard.values import to_number

_LINE_TYPES = (1, 5)  # shapely type ids of LineString and MultiLineString


class Outcome(IntEnum):
    """How a project fared under a rule kind, beside the number measured."""

    MEASURED = 0
    """Measured; the rule's comparator says whether it is met."""
    NONE = 1
    """Nothing to measure: the fitting is absent (the rule is not met)."""
    SKIPPED = 2
    """Nothing to measure, and another rule asks for the fitting (not applicable)."""
    UNMEASURED = 3
    """Could not be measured; the note says why (a warning)."""
    ABSENT = 4
    """The part the rule is about is not in the plan (a roof feeder hole "where one is set"):
    not applicable."""


@dataclass(frozen=True)
class Measured:
    """A rule kind's answer for its ``rows``, aligned to them.

    Attributes
    ----------
    value : numpy.ndarray
        The measured value (float; ``inf`` when nothing was found, NaN when not measured).
    outcome : numpy.ndarray
        :class:`Outcome` codes (int8).
    note : str or numpy.ndarray
        Why the ``UNMEASURED`` rows could not be measured (one text, or one per row).
    detail : str or numpy.ndarray
        What a measured row's sentence may add (``{detail}`` in a kind's own templates),
        such as which sensor cannot report and how far it is from a serving site.
    """

    value: np.ndarray
    outcome: np.ndarray
    note: str | np.ndarray = ""
    detail: str | np.ndarray = ""

    @classmethod
    def of(
        cls, value: Any, outcome: Any = Outcome.MEASURED, note: str = "", detail: Any = ""
    ) -> Measured:
        """Build from a value (or array) and outcome codes; the outcome may be a scalar."""
        value = np.atleast_1d(np.asarray(value, dtype="float64"))
        codes = np.broadcast_to(np.asarray(outcome, dtype=np.int8), value.shape).copy()
        return cls(value, codes, note, detail)

    def details(self) -> np.ndarray:
        """The detail of every row ('' where there is none)."""
        return np.broadcast_to(np.asarray(self.detail, dtype=object), self.value.shape).copy()

    def notes(self) -> np.ndarray:
        """The note of every row ('' where the row was measured)."""
        note = np.broadcast_to(np.asarray(self.note, dtype=object), self.value.shape)
        return np.where(self.outcome == Outcome.UNMEASURED, note, "").astype(object)


_NOTE_SEP = "\x1f"


def note(key: str, **fields: str) -> str:
    """A note given as an i18n key and its fields, translated when the sentence is written.

    Examples
    --------
    >>> note_text(note("note_missing_attr", attribute="fibres"), "zh")
    '缺少属性 光纤芯数 (fibres)'
    """
    return _NOTE_SEP.join([key, json.dumps(fields, ensure_ascii=False, sort_keys=True)])


def note_text(text: str, lang: str) -> str:
    """The note ``text`` in ``lang``: a :func:`note` is translated, plain text stays as it is.

    An ``attribute`` field names attributes (comma-separated codes): each is shown with its
    label and code, so the reader knows both what is missing and the column to add.
    """
    if _NOTE_SEP not in text:
        return text
    key, raw = text.split(_NOTE_SEP, 1)
    fields = json.loads(raw)
    if "attribute" in fields:
        names = [n.strip() for n in str(fields["attribute"]).split(",")]
        sep = "、" if lang == "zh" else ", "
        fields["attribute"] = sep.join(f"{attribute_label(n, lang)} ({n})" for n in names)
    return t(key, lang, **fields)


class AssetIndex(Protocol):
    """Existing assets as the rule kinds see them (``baseline.engine`` provides them)."""

    def __len__(self) -> int:
        """Number of assets."""
        ...

    def nearest(self, geoms: np.ndarray, types: Sequence[str]) -> np.ndarray:
        """Distance from each geometry to the nearest asset of the given types."""
        ...


Coverage = Callable[[np.ndarray, str], np.ndarray]
"""``coverage(geoms, tech)``: covered share of each geometry by the modelled ``tech``."""


class RuleContext:
    """The projects, their fittings, the existing assets and the coverage model of one check.

    Parameters
    ----------
    projects : geopandas.GeoDataFrame
        Every project of the check in a metric CRS, with ``project_id``; rule kinds address
        them by position (``rows``).
    fittings : geopandas.GeoDataFrame
        Planned fittings with columns ``kind`` and ``project_id`` (in any CRS: their
        geometries are carried into the projects' CRS when a rule needs them).
    assets : AssetIndex, optional
        Existing assets (``tower``, ``pole``, ``sensor``, ``duct``).
    coverage : callable, optional
        ``coverage(geoms, tech) -> covered share`` per geometry.
    key : str, keyword-only
        The column tying fittings to the rows of ``projects`` (``project_id``; a building
        context uses ``unit_id``, the project and building ids together).
    """

    def __init__(
        self,
        projects: gpd.GeoDataFrame,
        fittings: gpd.GeoDataFrame,
        assets: AssetIndex | None = None,
        coverage: Coverage | None = None,
        *,
        key: str = "project_id",
    ) -> None:
        self.projects = projects
        self.fittings = fittings
        self.assets = assets
        self.coverage = coverage
        self.geometry: np.ndarray = np.asarray(projects.geometry.to_numpy())
        ids = pd.Index(projects[key].to_numpy(object))
        at = ids.get_indexer(fittings[key].to_numpy(object))
        self.fitting_rows: np.ndarray = at.astype(np.int64)
        """Position of each fitting's project (-1 when it belongs to none of them)."""
        kinds = fittings["kind"].to_numpy(object)
        self._kind_of = {k: np.flatnonzero(kinds == k) for k in pd.unique(kinds)}
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.projects)

    def _cached(self, key: tuple[str, str], make: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def of_kind(self, kind: str) -> np.ndarray:
        """Positions (in ``fittings``) of the planned fittings of one kind."""
        return self._kind_of.get(kind, np.empty(0, dtype=np.int64))

    def count(self, kind: str) -> np.ndarray:
        """Number of fittings of ``kind`` of every project (float)."""

        def make() -> np.ndarray:
            at = self.fitting_rows[self.of_kind(kind)]
            return np.bincount(at[at >= 0], minlength=len(self)).astype("float64")

        return self._cached(("count", kind), make)

    def attribute(self, name: str) -> np.ndarray:
        """A project attribute as floats for every project (NaN when absent or not a number)."""

        def make() -> np.ndarray:
            if name not in self.projects:
                return np.full(len(self), np.nan)
            return to_number(self.projects[name]).to_numpy("float64")

        return self._cached(("attribute", name), make)

    def fitting_attribute(self, kind: str, name: str) -> np.ndarray:
        """An attribute of the fittings of ``kind`` as floats (NaN when absent)."""

        def make() -> np.ndarray:
            rows = self.of_kind(kind)
            if name not in self.fittings:
                return np.full(len(rows), np.nan)
            return to_number(self.fittings[name].iloc[rows]).to_numpy("float64")

        return self._cached((f"fitting:{kind}", name), make)

    def fitting_geometry(self, kind: str) -> np.ndarray:
        """Geometries of the planned fittings of ``kind`` in the projects' CRS.

        The fittings may be given in another CRS (the plan's): only the kinds a rule
        measures a distance to are carried over, once each.
        """

        def make() -> np.ndarray:
            geoms = self.fittings.geometry.iloc[self.of_kind(kind)]
            if self.projects.crs is not None and geoms.crs != self.projects.crs:
                geoms = geoms.to_crs(self.projects.crs)
            return np.asarray(geoms.to_numpy())

        return self._cached(("fitting geometry", kind), make)

    def is_line(self, rows: np.ndarray) -> np.ndarray:
        """Whether each project of ``rows`` is a (multi)line."""
        types = self._cached(("geometry", "type"), lambda: shapely.get_type_id(self.geometry))
        return np.isin(types[rows], _LINE_TYPES)
