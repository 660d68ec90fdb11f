"""Which technology each site is: its own ``tech``, its band, or its kind's default.

Each site carries its own budget. In order, a site's technology is:

1. its ``tech`` column: a catalogue profile id, or a generation (``5G``, ``NR``, ``4G``,
   ``LTE``, ``NB-IoT``), which becomes the generation's default profile, or the small-cell
   profile for a 5G site at ``small_cell_max_height_m`` or lower (a pole, not a rooftop);
2. its ``band_mhz`` column: the macro profile of the nearest frequency (within 15 %);
3. the technology the run asks for (``--tech``);
4. its kind's default (``kind`` of a site plan, ``asset_type`` of an asset file): a smart
   pole's radio is a small cell, a tower a macro;
5. the catalogue's ``default_tech``.

A value the catalogue does not know stops the run with one message naming the rows.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from baseline.errors import BaselineError, Text
from baseline.standard.params import CoverageParams, TechProfile

GENERATION_ALIASES = {
    "5G": "5G",
    "NR": "5G",
    "4G": "4G",
    "LTE": "4G",
    "NB-IOT": "IoT",
    "NBIOT": "IoT",
    "IOT": "IoT",
}
"""Generation names a site may give instead of a profile id (case-insensitive)."""
_BAND_TOLERANCE = 0.15
_SHOWN_ROWS = 10


def generation_default(coverage: CoverageParams, generation: str, height_m: float) -> str:
    """The profile a site given only as ``generation`` gets at ``height_m``."""
    small = coverage.kind_defaults.get("smart_pole")
    is_small = small in coverage.techs and coverage.techs[small].generation == generation
    if is_small and height_m <= coverage.small_cell_max_height_m:
        return str(small)
    return coverage.generation_defaults.get(generation, coverage.default_tech)


def tech_params(
    coverage: CoverageParams, tech: str | None, height_m: float = np.inf
) -> TechProfile:
    """The profile of a tech id or generation alias (``5G``); ``None`` is the default.

    Raises
    ------
    BaselineError
        For a value the catalogue does not know; the message lists the known ones.
    """
    key = str(tech or coverage.default_tech)
    if key in coverage.techs:
        return coverage.techs[key]
    generation = GENERATION_ALIASES.get(key.upper())
    if generation is None:
        known = ", ".join([*coverage.techs, "4G", "5G", "NB-IoT"])
        msg = f"'{tech}' is not a valid technology, must be one of {known}"
        raise BaselineError(msg, zh=f"“{tech}”不是有效的制式，须为以下之一：{known}")
    return coverage.techs[generation_default(coverage, generation, height_m)]


def _text(values: pd.Series) -> pd.Series:
    """Strings with empty and missing values as None."""
    out = values.astype("string").str.strip()
    return out.where(out.notna() & (out != ""), None).astype(object)


def _from_band(sites: gpd.GeoDataFrame, coverage: CoverageParams) -> pd.Series:
    """The macro profile of each site's ``band_mhz`` (None where there is none near)."""
    out = pd.Series(None, index=sites.index, dtype=object)
    if "band_mhz" not in sites:
        return out
    band = pd.to_numeric(sites["band_mhz"], errors="coerce")
    macros = [p for p in coverage.techs.values() if p.model != "umi_38901" and p.mcl_db is None]
    freqs = np.array([p.frequency_mhz for p in macros])
    values = out.to_numpy(object).copy()
    for i in np.flatnonzero(band.notna().to_numpy()):
        f = float(band.iloc[int(i)])
        k = int(np.argmin(np.abs(freqs - f)))
        if abs(freqs[k] - f) <= _BAND_TOLERANCE * f:
            values[i] = macros[k].id
    return pd.Series(values, index=sites.index, dtype=object)


def _kind_default(sites: gpd.GeoDataFrame, coverage: CoverageParams) -> pd.Series:
    """Each site's kind default (None where its kind has none)."""
    kinds = pd.Series(None, index=sites.index, dtype=object)
    for column in ("asset_type", "kind"):
        if column in sites:
            kinds = kinds.fillna(_text(sites[column]))
    return kinds.map(lambda k: coverage.kind_defaults.get(k) if isinstance(k, str) else None)


def heights(sites: gpd.GeoDataFrame) -> pd.Series:
    """The sites' ``height_m`` as floats (NaN where absent)."""
    if "height_m" not in sites:
        return pd.Series(np.nan, index=sites.index)
    return pd.to_numeric(sites["height_m"], errors="coerce")


def site_techs(
    sites: gpd.GeoDataFrame,
    coverage: CoverageParams,
    *,
    tech: str | None = None,
    source: str = "sites",
) -> np.ndarray:
    """The catalogue profile id of every site (see the module's order).

    Raises
    ------
    BaselineError
        Naming ``source``, the rows (counted from 1) and their unknown values.
    """
    own = (
        _text(sites["tech"])
        if "tech" in sites
        else pd.Series(None, index=sites.index, dtype=object)
    )
    chosen = own.fillna(_from_band(sites, coverage))
    if tech is not None:
        chosen = chosen.fillna(tech)
    chosen = chosen.fillna(_kind_default(sites, coverage)).fillna(coverage.default_tech)
    h = heights(sites).fillna(np.inf).to_numpy()
    out = np.empty(len(sites), dtype=object)
    bad = []
    for i, value in enumerate(chosen.to_numpy()):
        try:
            out[i] = tech_params(coverage, str(value), float(h[i])).id
        except BaselineError:
            bad.append(i)
    if bad:
        raise BaselineError.of(_unknown_message(source, bad, chosen.to_numpy(), coverage))
    return out


def _unknown_message(
    source: str, bad: list[int], values: np.ndarray, coverage: CoverageParams
) -> Text:
    rows = ", ".join(str(i + 1) for i in bad[:_SHOWN_ROWS])
    more = f" and {len(bad) - _SHOWN_ROWS} more" if len(bad) > _SHOWN_ROWS else ""
    more_zh = f"等（另有 {len(bad) - _SHOWN_ROWS} 行）" if len(bad) > _SHOWN_ROWS else ""
    unknown = ", ".join(sorted({repr(str(values[i])) for i in bad}))
    known = ", ".join([*coverage.techs, "4G", "5G", "NB-IoT"])
    return Text(
        f"{source}: row(s) {rows}{more} (counted from 1) give tech {unknown}, which the "
        f"catalogue does not know; use one of {known}, or leave tech empty for the kind's default",
        f"{source}：第 {rows} 行{more_zh}（从 1 计）的制式 {unknown} 不在标准目录中；"
        f"请用 {known} 之一，或留空以采用该类型的默认制式",
    )
