"""Lead time: works registered too late for their size class (GIPOD-like).

A work with a ``registered_date`` is classed by the area of its zone (the catalogue's
``cobuild.lead_times``: more than 50 m², 3-50 m², under 3 m² in GIPOD's categories) and must
be registered at least the class's notice (months, weeks and working days) before it starts.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from baseline.cobuild import memory
from baseline.cobuild import zones as zones_mod
from baseline.i18n import t
from baseline.standard.params import CobuildParams, LeadTime


def size_class(area_m2: float, lead_times: tuple[LeadTime, ...]) -> LeadTime | None:
    """The class of a works zone of ``area_m2``: the largest whose threshold it exceeds."""
    for lead in lead_times:  # largest first
        if area_m2 > lead.min_area_m2 or lead.min_area_m2 == 0:
            return lead
    return None


def latest_registration(start: pd.Timestamp, lead: LeadTime) -> pd.Timestamp:
    """The last day a work starting on ``start`` may be registered."""
    due = start - pd.DateOffset(months=lead.months, weeks=lead.weeks)
    return pd.Timestamp(due - pd.offsets.BDay(lead.working_days)) if lead.working_days else due


def _notice(lead: LeadTime, lang: str) -> str:
    units = (
        (lead.months, "个月", "month(s)"),
        (lead.weeks, "周", "week(s)"),
        (lead.working_days, "个工作日", "working day(s)"),
    )
    shown = [f"{n} {zh if lang == 'zh' else en}" for n, zh, en in units if n]
    return " ".join(shown) or "0"


def _text(work: Any, lead: LeadTime, area: float, short: int) -> str:
    out = []
    for lang in ("zh", "en"):
        out.append(
            t(
                "cobuild_lead_time",
                lang,
                work=work["work_id"],
                cls=lead.name,
                area=area,
                lead=_notice(lead, lang),
                registered=work["registered"],
                start=work["start"],
                short=short,
                source=lead.source.source,
                confidence=lead.source.confidence,
            )
        )
    return " | ".join(out)


def lead_time_recs(works: gpd.GeoDataFrame, cob: CobuildParams, crs: Any) -> list[gpd.GeoDataFrame]:
    """A ``lead_time`` row for every registered work with less notice than its class needs."""
    w = works[works["registered"].notna()].to_crs(crs).reset_index(drop=True)
    if w.empty or not cob.lead_times:
        return []
    width = zones_mod.widths(
        w["utility"].to_numpy(), w["width_m"].to_numpy(float), dict(cob.work_width_m)
    )
    zone = zones_mod.zones(w.geometry.to_numpy(), width)
    area = np.asarray([g.area for g in zone])
    fp = memory.fingerprints(w)
    rows = []
    for k, work in w.iterrows():
        lead = size_class(float(area[k]), cob.lead_times)
        if lead is None:
            continue
        short = (work["registered"] - latest_registration(work["start"], lead)).days
        if short > 0:
            rows.append(
                {
                    "kind": "lead_time",
                    "members": work["work_id"],
                    "owners": work["owner"],
                    "overlap_start": f"{work['registered']:%Y-%m-%d}",
                    "overlap_end": f"{work['start']:%Y-%m-%d}",
                    "distance_m": np.nan,
                    "shared_length_m": np.nan,
                    "saving_cny": 0.0,
                    "explanation": _text(work, lead, float(area[k]), int(short)),
                    "fingerprint": f"{fp[k]};{work['registered']:%Y-%m-%d}",
                    "_key": work["work_id"],
                    "geometry": work.geometry,
                }
            )
    return [gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)] if rows else []
