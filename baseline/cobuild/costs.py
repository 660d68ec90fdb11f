"""Costs with their source, everywhere they show.

Every CNY figure of a recommendation carries the source and confidence of the unit cost it
rests on (``cost_source``, ``cost_confidence``); while any catalogue cost is illustrative
(confidence L), every recommendation, export, the CLI summary line and the headline say
"illustrative estimate" / "示意估算" (``cost_note``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from baseline.i18n import t
from baseline.standard.params import CobuildParams

COST_OF_KIND = {
    "shared_trench": "trench_cost_cny_per_m",
    "align_dates": "trench_cost_cny_per_m",
    "route_into_tunnel": "trench_cost_cny_per_m",
    "colocate": "new_site_cost_cny",
    "new_shared_site": "new_site_cost_cny",
    "pole_mount": "pole_mount_saving_cny",
}
"""The unit cost each kind's saving rests on (kinds absent here carry no saving)."""


def caveat(cob: CobuildParams) -> str:
    """The caveat "示意估算 | illustrative estimate" while costs are illustrative, else ""."""
    if not cob.costs_illustrative:
        return ""
    return f"{t('cobuild_illustrative', 'zh')} | {t('cobuild_illustrative', 'en')}"


def _note(cob: CobuildParams, key: str) -> str:
    source = cob.source_of(key)
    if source.confidence != "L":
        return ""
    fields = {"source": source.source, "confidence": source.confidence}
    return f"{t('cobuild_cost_note', 'zh', **fields)} | {t('cobuild_cost_note', 'en', **fields)}"


def with_costs(recs: pd.DataFrame, cob: CobuildParams) -> pd.DataFrame:
    """``recs`` with ``cost_source``, ``cost_confidence`` and ``cost_note`` per row."""
    key = recs["kind"].map(COST_OF_KIND)
    return recs.assign(
        cost_source=[cob.source_of(k).source if isinstance(k, str) else "" for k in key],
        cost_confidence=[cob.source_of(k).confidence if isinstance(k, str) else "" for k in key],
        cost_note=[_note(cob, k) if isinstance(k, str) else "" for k in key],
    )


@dataclass(frozen=True)
class Headline:
    """The co-build saving as a map headline shows it.

    Attributes
    ----------
    label : str
        "共建可节约" / "Co-build saving".
    value_cny : float
        The total saving of the recommendations.
    text : str
        The headline, with its caveat when the costs are illustrative.
    caveat : str
        "示意估算" / "illustrative estimate", or "" when every cost is sourced.
    sources : str
        The unit costs' sources and confidences, for a tooltip.
    """

    label: str
    value_cny: float
    text: str
    caveat: str
    sources: str


def headline(recs: pd.DataFrame, cob: CobuildParams, lang: str = "en") -> Headline:
    """The headline saving of ``recs`` in ``lang``, labelled as the catalogue's costs allow."""
    total = float(recs["saving_cny"].fillna(0).sum()) if len(recs) else 0.0
    note = t("cobuild_illustrative", lang) if cob.costs_illustrative else ""
    key = "cobuild_headline" if note else "cobuild_headline_sourced"
    text = t(key, lang, wan=total / 1e4, millions=total / 1e6, caveat=note)
    sources = "; ".join(
        f"{k}: {cob.source_of(k).source} ({cob.source_of(k).confidence})"
        for k in sorted(set(COST_OF_KIND.values()))
    )
    return Headline(t("cobuild_saving", lang), total, text, note, sources)


def summary_line(recs: pd.DataFrame, cob: CobuildParams) -> str:
    """The saving for a command line's summary, with the caveat in both languages."""
    total = float(recs["saving_cny"].fillna(0).sum()) if len(recs) else 0.0
    note = caveat(cob)
    return f"saving {total:,.0f} CNY" + (f" ({note})" if note else "")
