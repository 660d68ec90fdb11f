"""A small site plan (two sample projects) written in every format the app accepts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from baseline.io.dxf import write_dxf
from tests.conftest import ROOT

CAD = {
    "boundary": "用地红线",
    "centreline": "道路中心线",
    "duct": "通信管道",
    "telecom_room": "通信机房",
    "base_station_site": "基站",
    "indoor_coverage": "室分",
    "smart_pole": "智慧杆",
    "sensor": "感知设备",
}


def small_plan(ids=("PD-B02", "PD-B06")) -> gpd.GeoDataFrame:
    plan = gpd.read_file(ROOT / "layers" / "sample_siteplan.geojson")
    plan = plan[plan["project_id"].isin(ids)].drop(columns=["illustrative", "note"])
    for col in ("start_date", "end_date"):
        plan[col] = plan[col].dt.strftime("%Y-%m-%d")
    return plan.reset_index(drop=True)


def write_all(folder: Path) -> dict[str, tuple[Path, str | None]]:
    """Write the plan as every format; return format -> (path, CRS to declare or None)."""
    plan = small_plan()
    out: dict[str, tuple[Path, str | None]] = {}
    gj = folder / "plan.geojson"
    gj.write_text(plan.to_json(), encoding="utf-8")
    out["geojson"] = (gj, None)
    gpkg = folder / "plan.gpkg"
    for kind, part in plan.groupby("kind"):
        part.drop(columns="kind").dropna(axis=1, how="all").to_file(
            gpkg, layer=kind, engine="pyogrio"
        )
    out["gpkg"] = (gpkg, None)
    shp_dir = folder / "shp"
    shp_dir.mkdir()
    cut = plan.rename(columns={c: c[:10] for c in plan.columns if c != "geometry"})
    for kind, part in cut.groupby("kind"):  # a Shapefile holds one geometry type
        part.dropna(axis=1, how="all").to_file(
            shp_dir / f"{kind}.shp", engine="pyogrio", encoding="UTF-8"
        )
    zpath = folder / "plan.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f.name)
    out["zip"] = (zpath, None)
    dxf = folder / "plan.dxf"
    utm = plan.to_crs(32651)
    write_dxf(utm.assign(Layer=utm["kind"].map(CAD)).drop(columns="kind"), dxf)
    out["dxf"] = (dxf, "EPSG:32651")
    kml = folder / "plan.kml"
    pyogrio.write_dataframe(plan, kml, driver="KML")
    out["kml"] = (kml, None)
    parquet = folder / "plan.parquet"
    plan.to_parquet(parquet)
    out["parquet"] = (parquet, None)
    table = plan.assign(wkt=plan.geometry.to_wkt()).drop(columns="geometry")
    csv = folder / "plan.csv"
    table.to_csv(csv, index=False)
    out["csv"] = (csv, "wgs84")
    xlsx = folder / "plan.xlsx"
    table.to_excel(xlsx, index=False)
    out["xlsx"] = (xlsx, "wgs84")
    return out


def noted_plan(folder: Path, *, broken: bool = True) -> Path:
    """The two-project plan with fittings a reader notes: tied by place, outside, unknown id.

    ``broken`` adds an empty and a self-crossing geometry (rows 18 and 19).
    """
    plan = small_plan()
    site = plan[(plan["project_id"] == "PD-B02") & (plan["kind"] == "boundary")].geometry.iloc[0]
    inside = site.representative_point()
    far = shapely.Point(inside.x + 0.05, inside.y + 0.05)
    x, y, d = inside.x, inside.y, 1e-4
    bowtie = shapely.Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d)])
    rows = [("sensor", None, inside), ("sensor", None, far), ("sensor", "PD-X99", inside)]
    if broken:
        rows += [("sensor", "PD-B02", None), ("indoor_coverage", "PD-B02", bowtie)]
    kinds, ids, geoms = zip(*rows, strict=True)
    extra = gpd.GeoDataFrame({"kind": kinds, "project_id": ids}, geometry=list(geoms), crs=4326)
    path = folder / "noted.geojson"
    path.write_text(pd.concat([plan, extra], ignore_index=True).to_json(), encoding="utf-8")
    return path
