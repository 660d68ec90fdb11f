"""Time that means something: the days two works have in common and what must move.

A shared trench needs the catalogue's ``min_overlap_days`` in common (or the whole of the
shorter work, when it is shorter than that). When a pair has fewer, the earlier work must move
later, or the later one earlier, by the missing days: the overlap of two periods grows by one
day per day of shift until the shorter is inside the longer, so the missing days are exactly
the shift needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from baseline.i18n import t


def _days(start: pd.Series, end: pd.Series) -> np.ndarray:
    return (pd.to_datetime(end) - pd.to_datetime(start)).dt.days.to_numpy().astype(int) + 1


def needed_days(pairs: pd.DataFrame, min_overlap_days: int) -> np.ndarray:
    """Days in common a shared trench needs: the minimum, or the shorter work's length."""
    shorter = np.minimum(
        _days(pairs["start_a"], pairs["end_a"]), _days(pairs["start_b"], pairs["end_b"])
    )
    return np.minimum(int(min_overlap_days), shorter)


def move_days(pairs: pd.DataFrame, need: np.ndarray) -> np.ndarray:
    """Days either member must move for the pair to have ``need`` days in common (0: none)."""
    return np.maximum(need - pairs["overlap_days"].to_numpy(), 0)


def _earlier_first(r: Any) -> tuple[str, str]:
    a_first = (r.start_a, r.end_a) <= (
        r.start_b,
        r.end_b,
    )
    return (r.a, r.b) if a_first else (r.b, r.a)


def move_text(r: Any, need: int, days: int, lang: str) -> str:
    """What must move for the pair ``r`` (a row of matched pairs) to dig together."""
    if days <= 0:
        return t("cobuild_move_none", lang, need=need)
    early, late = _earlier_first(r)
    return t("cobuild_move", lang, need=need, early=early, late=late, days=days)


def window_text(r: Any, lang: str) -> str:
    """The overlap window of the pair ``r``, or how far apart its periods are."""
    overlap = int(r.overlap_days)
    if overlap > 0:
        return t(
            "cobuild_overlap",
            lang,
            start=r.overlap_start,
            end=r.overlap_end,
            days=overlap,
        )
    return t("cobuild_apart", lang, days=1 - overlap)
