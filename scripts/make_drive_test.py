"""Write the SYNTHETIC drive test bundled for the README's calibration example.

Not a measurement: samples drawn around five bundled towers in Lujiazui from the catalogue's
5G_3500 median prediction, plus a known truth (+6 dB offset, -4 dB per decade, shadowing
sigma 6 dB), so that `baseline calibrate` can be shown recovering it. Run from the repository
root: ``python scripts/make_drive_test.py``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from baseline.coverage.budget import median_rsrp
from baseline.io.bundled import load
from baseline.standard.catalogue import load_standard

TOWERS = ["SHT0014", "SHT0018", "SHT0033", "SHT0054", "SHT0056"]
UTM = "EPSG:32651"


def main() -> None:
    """Draw 400 samples per tower and write layers/drive_test_synthetic.csv."""
    rng = np.random.default_rng(2026)
    p = load_standard().coverage.techs["5G_3500"]
    towers = load("towers")
    towers = towers[towers["asset_id"].isin(TOWERS)].to_crs(UTM)
    rows = []
    for tower in towers.itertuples():
        d = 10 ** rng.uniform(np.log10(30), np.log10(1500), 400)
        az = rng.uniform(0, 2 * np.pi, 400)
        x, y = tower.geometry.x + d * np.cos(az), tower.geometry.y + d * np.sin(az)
        truth = median_rsrp(p, d) + 6 - 4 * np.log10(d / 300) + rng.normal(0, 6, 400)
        rows.append(pd.DataFrame({"x": x, "y": y, "rsrp_dbm": np.round(truth, 1),
                                  "site_id": tower.asset_id}))  # fmt: skip
    frame = pd.concat(rows, ignore_index=True)
    pts = shapely.points(frame[["x", "y"]].to_numpy())
    wgs = shapely.get_coordinates(gpd.GeoSeries(pts, crs=UTM).to_crs(4326).to_numpy())
    out = pd.DataFrame({"lon": wgs[:, 0].round(6), "lat": wgs[:, 1].round(6),
                        "rsrp_dbm": frame["rsrp_dbm"], "site_id": frame["site_id"],
                        "note": "SYNTHETIC drive test (not a measurement)"})  # fmt: skip
    out.to_csv("layers/drive_test_synthetic.csv", index=False)


if __name__ == "__main__":
    main()
