"""Path-loss models: COST-231 Hata and 3GPP TR 38.901 UMa and UMi (NLOS), and UMi LOS.

Distances in metres, frequencies in MHz, losses in dB. The 38.901 models take the larger of
the LOS and NLOS formulas, as the standard's NLOS definition does. :data:`VALID_DISTANCE_M`
holds the 2D distances each model is published for; calibration refuses samples beyond them.
"""

from __future__ import annotations

import math

import numpy as np

from baseline.errors import BaselineError
from baseline.standard.params import PATH_LOSS_MODELS, TechProfile

SPEED_OF_LIGHT = 299_792_458.0
MODELS = PATH_LOSS_MODELS
VALID_DISTANCE_M = {
    "cost231_hata": (20.0, 20_000.0),
    "uma_38901": (10.0, 5_000.0),
    "umi_38901": (10.0, 5_000.0),
    "umi_38901_los": (10.0, 5_000.0),
}
"""(shortest, longest) 2D distance of each model: TR 38.901 Table 7.4.1-1 gives 10 m-5 km for
UMa and UMi; COST-231 Hata is published for 1-20 km and used here from 20 m as planning tools
do (an extrapolation, which calibration corrects)."""


def cost231_hata(
    d_m: np.ndarray | float, *, f_mhz: float, h_bs: float, h_ue: float, urban: bool = True
) -> np.ndarray:
    """COST-231 Hata path loss (dB).

    ``L = 46.3 + 33.9 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d + Cm`` with
    ``a(hm) = (1.1 log f - 0.7) hm - (1.56 log f - 0.8)``, d in km, Cm = 3 dB in urban
    centres, 0 dB in suburbs. Published for 1,500-2,000 MHz and 1-20 km; shorter distances
    are an extrapolation that planning tools commonly accept.

    Examples
    --------
    >>> round(float(cost231_hata(1000, f_mhz=1800, h_bs=30, h_ue=1.5)), 2)
    139.2
    """
    lf = math.log10(f_mhz)
    a_hm = (1.1 * lf - 0.7) * h_ue - (1.56 * lf - 0.8)
    cm = 3.0 if urban else 0.0
    d_km = np.asarray(d_m, float) / 1000.0
    slope = 44.9 - 6.55 * math.log10(h_bs)
    return 46.3 + 33.9 * lf - 13.82 * math.log10(h_bs) - a_hm + slope * np.log10(d_km) + cm


def _breakpoint(f_mhz: float, h_bs: float, h_ue: float) -> float:
    return 4 * (h_bs - 1.0) * (h_ue - 1.0) * f_mhz * 1e6 / SPEED_OF_LIGHT


def uma_38901(d_m: np.ndarray | float, *, f_mhz: float, h_bs: float, h_ue: float) -> np.ndarray:
    """3GPP TR 38.901 UMa NLOS path loss (dB): max(PL_LOS, PL'_NLOS), d as 2D distance.

    Examples
    --------
    >>> round(float(uma_38901(500, f_mhz=3500, h_bs=25, h_ue=1.5)), 2)
    129.92
    """
    d2 = np.asarray(d_m, float)
    d3 = np.hypot(d2, h_bs - h_ue)
    fc = f_mhz / 1000.0
    dbp = _breakpoint(f_mhz, h_bs, h_ue)
    pl1 = 28.0 + 22 * np.log10(d3) + 20 * math.log10(fc)
    pl2 = 28.0 + 40 * np.log10(d3) + 20 * math.log10(fc) - 9 * np.log10(dbp**2 + (h_bs - h_ue) ** 2)
    los = np.where(d2 <= dbp, pl1, pl2)
    nlos = 13.54 + 39.08 * np.log10(d3) + 20 * math.log10(fc) - 0.6 * (h_ue - 1.5)
    return np.maximum(los, nlos)


def umi_38901_los(d_m: np.ndarray | float, *, f_mhz: float, h_bs: float, h_ue: float) -> np.ndarray:
    """3GPP TR 38.901 UMi street-canyon LOS path loss (dB): PL1 before the breakpoint, PL2 after.

    The loss along the street a pole-mounted small cell stands on, in its line of sight.

    Examples
    --------
    >>> round(float(umi_38901_los(200, f_mhz=3500, h_bs=10, h_ue=1.5)), 2)
    91.61
    """
    d2 = np.asarray(d_m, float)
    d3 = np.hypot(d2, h_bs - h_ue)
    fc = f_mhz / 1000.0
    dbp = _breakpoint(f_mhz, h_bs, h_ue)
    pl1 = 32.4 + 21 * np.log10(d3) + 20 * math.log10(fc)
    pl2 = (
        32.4 + 40 * np.log10(d3) + 20 * math.log10(fc) - 9.5 * np.log10(dbp**2 + (h_bs - h_ue) ** 2)
    )
    return np.where(d2 <= dbp, pl1, pl2)


def umi_38901(d_m: np.ndarray | float, *, f_mhz: float, h_bs: float, h_ue: float) -> np.ndarray:
    """3GPP TR 38.901 UMi street-canyon NLOS path loss (dB): max(PL_LOS, PL'_NLOS).

    Examples
    --------
    >>> round(float(umi_38901(200, f_mhz=3500, h_bs=10, h_ue=1.5)), 2)
    115.23
    """
    d3 = np.hypot(np.asarray(d_m, float), h_bs - h_ue)
    los = umi_38901_los(d_m, f_mhz=f_mhz, h_bs=h_bs, h_ue=h_ue)
    nlos = 35.3 * np.log10(d3) + 22.4 + 21.3 * math.log10(f_mhz / 1000.0) - 0.3 * (h_ue - 1.5)
    return np.maximum(los, nlos)


def path_loss(model: str, d_m: np.ndarray | float, params: TechProfile) -> np.ndarray:
    """Evaluate the named model with a technology's parameters from the catalogue."""
    kw = {"f_mhz": params.frequency_mhz, "h_bs": params.bs_height_m, "h_ue": params.ue_height_m}
    if model == "cost231_hata":
        return cost231_hata(d_m, urban=params.environment == "urban", **kw)
    if model == "uma_38901":
        return uma_38901(d_m, **kw)
    if model == "umi_38901":
        return umi_38901(d_m, **kw)
    if model == "umi_38901_los":
        return umi_38901_los(d_m, **kw)
    msg = f"'{model}' is not a valid path-loss model, must be one of {', '.join(MODELS)}"
    raise BaselineError(
        msg, zh=f"“{model}”不是有效的路径损耗模型，须为以下之一：{', '.join(MODELS)}"
    )
