"""Who may share a trench: the catalogue's compatibility table applied to matched pairs.

Each pair of works gets a collaboration kind, after UK Street Manager's collaboration types
(trench sharing, traffic management only, other):

``shared_trench``
    Compatible utilities (or utilities not given), a shared stretch longer than 0 m and at
    least the catalogue's ``min_overlap_days`` in common (fewer when a work is shorter).
``align_dates``
    The same, with fewer days in common: the dates must move first; no saving counted.
``shared_traffic_management``
    Utilities the table keeps apart, or works that meet without digging the same stretch
    (a crossing): one traffic management, no shared trench.
``align_reinstatement``
    A road work with a utility the table keeps apart: the utility digs before the road is
    resurfaced, and the street is reinstated once.

The clearance the table requires is stated in every recommendation that shares a trench; a
works file without a ``utility`` column is matched as before and each recommendation says
compatibility was not known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from baseline.i18n import t
from baseline.standard.params import CobuildParams, Compatibility

PAIR_KINDS = ("shared_trench", "align_dates", "shared_traffic_management", "align_reinstatement")
STREET_MANAGER = {
    "shared_trench": "trench_sharing",
    "align_dates": "other",
    "shared_traffic_management": "sharing_traffic_management_only",
    "align_reinstatement": "other",
}
"""Street Manager's ``CollaborationType`` nearest to each kind (primary/secondary not told)."""


def _text_key(entry: Compatibility | None, ua: str, ub: str) -> str:
    if not ua or not ub:
        return "cobuild_compat_unknown"
    if entry is None:
        return "cobuild_compat_unlisted"
    if not entry.shared_trench:
        return "cobuild_compat_no"
    return "cobuild_compat_same" if entry.clearance_m is None else "cobuild_compat_clearance"


def statement(entry: Compatibility | None, ua: str, ub: str, lang: str) -> str:
    """What the table says of utilities ``ua`` and ``ub``, in ``lang``."""
    fields: dict[str, object] = {"ua": ua, "ub": ub}
    if entry is not None:
        fields |= {
            "clearance": entry.clearance_m,
            "source": entry.source.source,
            "confidence": entry.source.confidence,
        }
    return t(_text_key(entry, ua, ub), lang, **fields)


def _kind(entry: Compatibility | None, ua: str, ub: str, length: float, in_time: bool) -> str:
    if entry is not None and not entry.shared_trench:
        return "align_reinstatement" if "road" in (ua, ub) else "shared_traffic_management"
    if length <= 0:
        return "shared_traffic_management"
    return "shared_trench" if in_time else "align_dates"


def judge(pairs: pd.DataFrame, cob: CobuildParams, enough_time: np.ndarray) -> pd.DataFrame:
    """Kind, Street Manager type, clearance and the table's statement for each pair.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`baseline.cobuild.core.match_works`.
    cob : CobuildParams
    enough_time : numpy.ndarray of bool
        Whether each pair has the days in common a shared trench needs.

    Returns
    -------
    pandas.DataFrame
        ``kind, collaboration_type, utilities, clearance_m, compatibility_zh,
        compatibility_en``, one row per pair, in order.
    """
    rows = []
    for ua, ub, length, ok in zip(
        pairs["utility_a"], pairs["utility_b"], pairs["shared_length_m"], enough_time, strict=True
    ):
        entry = cob.compatibility_of(ua, ub) if ua and ub else None
        kind = _kind(entry, ua, ub, float(length), bool(ok))
        rows.append(
            {
                "kind": kind,
                "collaboration_type": STREET_MANAGER[kind],
                "utilities": ";".join(sorted(u for u in (ua, ub) if u)),
                "clearance_m": np.nan
                if entry is None or entry.clearance_m is None
                else entry.clearance_m,
                "compatibility_zh": statement(entry, ua, ub, "zh"),
                "compatibility_en": statement(entry, ua, ub, "en"),
            }
        )
    return pd.DataFrame(rows, index=pairs.index)
