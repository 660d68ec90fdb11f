"""The link budget of one technology: margins, maximum path loss and the radius it allows.

Downlink: the reference-signal power per resource element plus the antenna gain, less cable,
body and interference losses, the shadow-fading margin and (indoor targets) the penetration
loss, must reach the area class's RSRP target. Uplink: the UE's power through the same losses
must reach the base station's sensitivity (thermal noise of the edge allocation, noise figure,
required SINR). The radius is the smaller of the two distances. An IoT profile's reach is set
by its maximum coupling loss instead (coupling loss includes antenna gains and shadowing, as
3GPP TR 36.888 defines it), less the extra loss of the device's placement, and never beyond
the distance its model is published for.

The shadow-fading margin comes from the model's sigma and the catalogue's location probability:
at the cell edge it is ``sigma * Phi^-1(p)``; over the cell's area it is found with Jakes'
formula for the fraction of useful service area, using the model's own slope at the edge.

The median prediction (:func:`median_rsrp`) carries no margin and no body loss: it is the
quantity a drive test measures and calibration fits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from baseline.coverage.pathloss import VALID_DISTANCE_M, path_loss
from baseline.standard.params import CoverageParams, TechProfile

THERMAL_NOISE_DBM_HZ = -174.0
_MIN_M, _MAX_M = 1.0, 50_000.0


@dataclass(frozen=True)
class Budget:
    """The budget of one technology in one area class.

    Attributes
    ----------
    tech, area_class : str
    target_dbm : float
        RSRP target of the class (NaN for an IoT profile).
    margin_db : float
        Shadow-fading margin.
    dl_mapl_db, ul_mapl_db : float
        Maximum allowed path loss of each link (NaN when the profile has no such link).
    radius_dl_m, radius_ul_m, radius_m : float
        Distances they allow; the radius is the smaller.
    limited_by : str
        ``downlink``, ``uplink`` or ``coupling loss``.
    """

    tech: str
    area_class: str
    target_dbm: float
    margin_db: float
    dl_mapl_db: float
    ul_mapl_db: float
    radius_dl_m: float
    radius_ul_m: float
    radius_m: float
    limited_by: str


def calibrated_path_loss(p: TechProfile, d_m: np.ndarray | float) -> np.ndarray:
    """Path loss of the profile's model corrected by its calibration (if any)."""
    d = np.maximum(np.asarray(d_m, float), _MIN_M)
    pl = path_loss(p.model, d, p)
    return pl - p.offset_db - p.slope_db_per_decade * np.log10(d / p.reference_distance_m)


def rs_power_dbm(p: TechProfile) -> float:
    """Transmit power per resource element (the reference signal's share)."""
    return p.tx_power_dbm - 10 * math.log10(p.resource_elements)


def median_rsrp(p: TechProfile, d_m: np.ndarray | float) -> np.ndarray:
    """Median RSRP (dBm) at distance ``d_m``: no margin, no body loss."""
    eirp = rs_power_dbm(p) + p.antenna_gain_dbi - p.cable_loss_db + p.ue_antenna_gain_dbi
    return eirp - calibrated_path_loss(p, d_m)


def distance_at(p: TechProfile, max_pl: float) -> float:
    """Distance (m) at which the calibrated path loss reaches ``max_pl`` (bisection).

    Path loss grows with distance in every model; a budget too small for even 1 m gives 0.
    """
    if float(calibrated_path_loss(p, _MIN_M)) >= max_pl:
        return 0.0
    lo, hi = _MIN_M, _MAX_M
    for _ in range(80):
        mid = (lo + hi) / 2
        if float(calibrated_path_loss(p, mid)) < max_pl:
            lo = mid
        else:
            hi = mid
    return round((lo + hi) / 2, 2)


def slope_db_per_decade(p: TechProfile, d_m: float) -> float:
    """The model's path-loss slope (dB per decade of distance) around ``d_m``."""
    d = max(d_m, 10.0)
    up, down = calibrated_path_loss(p, d * 10**0.05), calibrated_path_loss(p, d * 10**-0.05)
    return float(up - down) / 0.1


def jakes_area_fraction(margin_db: float, sigma_db: float, slope_db: float) -> float:
    """Fraction of a cell's area above the threshold when the edge has ``margin_db`` to spare.

    Jakes' formula with ``a = -M / (sigma sqrt 2)`` and ``b = slope log10(e) / (sigma sqrt 2)``
    (the slope in dB per decade is ``10 n``).

    Examples
    --------
    >>> round(jakes_area_fraction(0.0, 8.0, 35.0), 2)  # 50 % at the edge
    0.75
    """
    s = sigma_db * math.sqrt(2)
    a = -margin_db / s
    b = slope_db * math.log10(math.e) / s
    tail = math.exp(min((1 - 2 * a * b) / b**2, 700.0)) * math.erfc((1 - a * b) / b)
    return 0.5 * (math.erfc(a) + tail)


def shadow_margin(p: TechProfile, coverage: CoverageParams, slope_db: float) -> float:
    """The margin (dB) meeting the catalogue's location probability with the model's sigma."""
    prob, sigma = coverage.location_probability, p.shadow_sigma_db
    if sigma <= 0:
        return 0.0
    if coverage.probability_over == "edge":
        return sigma * NormalDist().inv_cdf(prob)
    lo, hi = -3 * sigma, 6 * sigma
    for _ in range(60):
        mid = (lo + hi) / 2
        if jakes_area_fraction(mid, sigma, slope_db) < prob:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _dl_mapl(p: TechProfile, target_dbm: float, indoor: bool) -> float:
    """Downlink maximum path loss before the shadow margin."""
    losses = p.cable_loss_db + p.body_loss_db + p.interference_margin_dl_db
    losses += p.penetration_loss_db if indoor else 0.0
    return rs_power_dbm(p) + p.antenna_gain_dbi + p.ue_antenna_gain_dbi - losses - target_dbm


def ul_sensitivity_dbm(p: TechProfile) -> float:
    """Base-station sensitivity over the edge allocation: kTB + noise figure + SINR."""
    noise = THERMAL_NOISE_DBM_HZ + 10 * math.log10(p.ul_bandwidth_khz * 1e3)
    return noise + p.bs_noise_figure_db + p.ul_sinr_db


def _ul_mapl(p: TechProfile, indoor: bool) -> float:
    """Uplink maximum path loss before the shadow margin (NaN without an uplink)."""
    if p.ue_power_dbm is None:
        return math.nan
    losses = p.cable_loss_db + p.body_loss_db + p.interference_margin_ul_db
    losses += p.penetration_loss_db if indoor else 0.0
    gains = p.ue_power_dbm + p.ue_antenna_gain_dbi + p.antenna_gain_dbi
    return gains - losses - ul_sensitivity_dbm(p)


def _iot_budget(
    p: TechProfile, coverage: CoverageParams, area_class: str, extra_loss_db: float
) -> Budget:
    """The reach of an IoT profile from its maximum coupling loss."""
    mcl = float(p.mcl_db or 0.0)
    raw = mcl + p.antenna_gain_dbi + p.ue_antenna_gain_dbi - p.cable_loss_db - extra_loss_db
    margin = shadow_margin(p, coverage, slope_db_per_decade(p, distance_at(p, raw)))
    r = min(distance_at(p, raw - margin), VALID_DISTANCE_M[p.model][1])
    nan = math.nan
    return Budget(p.id, area_class, nan, margin, raw - margin, nan, r, nan, r, "coupling loss")


def link_budget(
    p: TechProfile,
    coverage: CoverageParams,
    area_class: str | None = None,
    *,
    indoor: bool = False,
    extra_loss_db: float = 0.0,
) -> Budget:
    """The budget of ``p`` in ``area_class`` (default the catalogue's default class).

    Parameters
    ----------
    p : TechProfile
    coverage : CoverageParams
        For the class targets and the location probability.
    area_class : str, optional
    indoor : bool
        Add the profile's penetration loss (an indoor target).
    extra_loss_db : float
        An IoT device's placement loss (pole, wall, manhole, underground).

    Returns
    -------
    Budget
    """
    cls = area_class or coverage.default_area_class
    if p.mcl_db is not None:
        return _iot_budget(p, coverage, cls, extra_loss_db)
    target = coverage.area_classes[cls].rsrp_dbm
    dl, ul = _dl_mapl(p, target, indoor), _ul_mapl(p, indoor)
    median = distance_at(p, dl if math.isnan(ul) else min(dl, ul))
    margin = shadow_margin(p, coverage, slope_db_per_decade(p, median))
    r_dl = distance_at(p, dl - margin)
    r_ul = math.nan if math.isnan(ul) else distance_at(p, ul - margin)
    uplink = not math.isnan(r_ul) and r_ul < r_dl
    radius = r_ul if uplink else r_dl
    return Budget(p.id, cls, target, margin, dl - margin, ul - margin, r_dl, r_ul, radius,
                  "uplink" if uplink else "downlink")  # fmt: skip


STREET_LOS_SIGMA_DB = 4.0
"""Shadow-fading sigma of UMi street-canyon LOS (3GPP TR 38.901 Table 7.4.1-1) [H]."""


def street_reach_m(
    p: TechProfile, coverage: CoverageParams, area_class: str | None = None
) -> float:
    """How far a street-level site reaches along the street it stands on (m); NaN otherwise.

    A small cell on a pole is modelled on the map as a disc of its UMi NLOS radius: the
    area it covers around the corner, where most of a block lies. Along its own street it
    sees the user: the same budget with the UMi LOS loss and LOS shadowing reaches much
    further. This is the reach that small-cell spacing along a road is planned on (practice:
    150-180 m, about one pole in six), so the catalogue's spacing rule can be read against it.

    Parameters
    ----------
    p : TechProfile
        A profile on the UMi model (street level); any other gives NaN.
    coverage : CoverageParams
    area_class : str, optional

    Returns
    -------
    float
    """
    if p.model != "umi_38901":
        return math.nan
    los = replace(p, model="umi_38901_los", shadow_sigma_db=STREET_LOS_SIGMA_DB)
    return link_budget(los, coverage, area_class).radius_m


def coverage_radius(
    p: TechProfile, coverage: CoverageParams, area_class: str | None = None, *, indoor: bool = False
) -> float:
    """The radius (m) of ``p`` in ``area_class``: the smaller of downlink and uplink."""
    return link_budget(p, coverage, area_class, indoor=indoor).radius_m
