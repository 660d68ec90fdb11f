import json
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from baseline.errors import CRSError, GeometryError, ReadError, SchemaError, UnsafeInputError
from baseline.io.formats import read_layer, read_layers
from tests.conftest import shared

NAMES = ["浦东新区张江路", "陆家嘴金融城", "世纪公园"]


def _points(crs="EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": NAMES, "value": [1, 2, 3]},
        geometry=[Point(121.50, 31.24), Point(121.55, 31.22), Point(121.60, 31.20)],
        crs=crs,
    )


def test_geojson_bundled_boundary():
    gdf = read_layer("layers/pudong_boundary.geojson")
    assert gdf.crs.to_epsg() == 4326
    assert gdf.attrs["source_crs"] == "wgs84"
    assert gdf.to_crs(32651).area.sum() / 1e6 == pytest.approx(1696, rel=0.01)


def test_geojson_declared_gcj02_is_shifted(tmp_path):
    src = shared("datav_shanghai_admin", "pudong_boundary_gcj02.geojson")
    raw = read_layer(src)
    conv = read_layer(src, crs="gcj02")
    shift = raw.to_crs(32651).centroid.distance(conv.to_crs(32651).centroid).iloc[0]
    assert 400 < shift < 600


def test_geopackage_all_layers_and_one_layer(tmp_path):
    path = tmp_path / "plan.gpkg"
    pyogrio.write_dataframe(_points(), path, layer="sensor")
    pyogrio.write_dataframe(
        _points().to_crs(32651).buffer(50).to_crs(4326).to_frame("geometry"), path, layer="boundary"
    )
    layers = read_layers(path)
    assert set(layers) == {"sensor", "boundary"}
    assert read_layer(path, layer="sensor")["name"].tolist() == NAMES
    with pytest.raises(ReadError, match="has 2 layers"):
        read_layer(path)
    with pytest.raises(ReadError, match="no layer 'duct'"):
        read_layer(path, layer="duct")


@pytest.mark.parametrize("keep_cpg", [True, False])
def test_gbk_shapefile_text_comes_out_right(tmp_path, keep_cpg):
    path = tmp_path / "gbk.shp"
    _points().to_file(path, encoding="GBK", engine="pyogrio")
    raw = (tmp_path / "gbk.dbf").read_bytes()
    assert "张江路".encode("gbk") in raw
    if not keep_cpg:
        (tmp_path / "gbk.cpg").unlink(missing_ok=True)
    gdf = read_layer(path)
    assert gdf["name"].tolist() == NAMES


def test_zipped_shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _points().to_file(folder / "towers.shp", encoding="GBK", engine="pyogrio")
    zpath = tmp_path / "towers.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"towers/{f.name}")
    gdf = read_layer(zpath)
    assert gdf["name"].tolist() == NAMES
    assert not list(tmp_path.glob("baseline-zip-*"))


def test_shapefile_without_shx_is_explained(tmp_path):
    _points().to_file(tmp_path / "a.shp", engine="pyogrio")
    (tmp_path / "a.shx").unlink()
    with pytest.raises(ReadError, match=r"\.shx index file is missing"):
        read_layer(tmp_path / "a.shp")


def test_geoparquet(tmp_path):
    path = tmp_path / "a.parquet"
    _points().to_crs(32651).to_parquet(path)
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.x.round(6).tolist() == [121.5, 121.55, 121.6]


def test_kml(tmp_path):
    path = tmp_path / "a.kml"
    pyogrio.write_dataframe(_points(), path, driver="KML")
    gdf = read_layer(path)
    assert len(gdf) == 3
    assert gdf.crs.to_epsg() == 4326


def test_csv_lon_lat_needs_a_declared_crs(tmp_path):
    path = tmp_path / "sites.csv"
    pd.DataFrame(
        {"名称": NAMES, "经度": [121.5, 121.55, 121.6], "纬度": [31.24, 31.22, 31.2]}
    ).to_csv(path, index=False, encoding="gb18030")
    with pytest.raises(CRSError, match="--crs wgs84\\|gcj02\\|bd09"):
        read_layer(path)
    gdf = read_layer(path, crs="gcj02")
    assert gdf["名称"].tolist() == NAMES
    assert gdf.geometry.x.iloc[0] == pytest.approx(121.5 - 0.00443, abs=2e-4)


def test_csv_crs_column_declares_it(tmp_path):
    path = tmp_path / "sites.csv"
    pd.DataFrame({"lon": [121.5], "lat": [31.2], "crs": ["bd09"]}).to_csv(path, index=False)
    assert read_layer(path).attrs["source_crs"] == "bd09"


def test_csv_wkt_and_xlsx(tmp_path):
    path = tmp_path / "w.csv"
    pd.DataFrame({"id": [1], "wkt": ["POLYGON((0 0,100 0,100 100,0 100,0 0))"]}).to_csv(
        path, index=False
    )
    gdf = read_layer(path, crs="EPSG:32651")
    assert gdf.geom_type.iloc[0] == "Polygon"
    xlsx = tmp_path / "s.xlsx"
    pd.DataFrame({"lon": [121.5, 121.6], "lat": [31.2, 31.3]}).to_excel(xlsx, index=False)
    assert len(read_layer(xlsx, crs="wgs84")) == 2


def test_csv_without_coordinates_lists_columns(tmp_path):
    path = tmp_path / "x.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(SchemaError, match="Columns found: a, b"):
        read_layer(path, crs="wgs84")


def test_projected_coordinates_declared_wgs84_are_refused(tmp_path):
    path = tmp_path / "p.parquet"
    _points().to_crs(32651).set_crs(None, allow_override=True).to_parquet(path)
    with pytest.raises(CRSError, match="not degrees"):
        read_layer(path, crs="wgs84")


def test_degree_file_without_crs_is_refused_with_help(tmp_path):
    path = tmp_path / "nocrs.shp"
    _points().to_file(path, engine="pyogrio")
    (tmp_path / "nocrs.prj").unlink()
    with pytest.raises(CRSError) as info:
        read_layer(path)
    assert "nocrs.shp" in str(info.value)
    assert "degree-like" in str(info.value)
    assert "--crs" in str(info.value)
    assert read_layer(path, crs="wgs84").crs.to_epsg() == 4326


def test_dxf_reads_layers_and_attributes(tmp_path):
    from baseline.io.dxf import write_dxf

    gdf = gpd.GeoDataFrame(
        {"Layer": ["用地红线", "通信机房"], "project_id": ["P1", None], "area_m2": [None, 24.5]},
        geometry=[box(0, 0, 100, 100), Point(50, 50)],
    )
    path = tmp_path / "plan.dxf"
    write_dxf(gdf, path)
    back = read_layer(path, crs="EPSG:32651")
    assert back["Layer"].tolist() == ["用地红线", "通信机房"]
    assert back["area_m2"].iloc[1] == 24.5
    assert back.geom_type.tolist() == ["Polygon", "Point"]


def test_invalid_geometry_policy(tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[121.5, 31.2], [121.51, 31.21], [121.51, 31.2], [121.5, 31.21], [121.5, 31.2]]
        ],
    }
    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"id": 1}, "geometry": bowtie}],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(fc))
    with pytest.raises(GeometryError, match="1 with invalid geometry"):
        read_layer(path)
    with pytest.warns(UserWarning, match="repaired with make_valid"):
        fixed = read_layer(path, on_invalid="fix")
    assert fixed.is_valid.all()


def test_bad_files_are_named(tmp_path):
    empty = tmp_path / "e.geojson"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match=r"e\.geojson: the file is empty"):
        read_layer(empty)
    notjson = tmp_path / "n.geojson"
    notjson.write_text("hello, world")
    with pytest.raises(ReadError, match="is not JSON"):
        read_layer(notjson)
    doc = tmp_path / "x.doc"
    doc.write_text("x")
    with pytest.raises(ReadError, match="not a supported format"):
        read_layer(doc, crs="wgs84")


def test_zip_slip_and_links_are_refused(tmp_path):
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("../evil.shp", b"x")
    with pytest.raises(UnsafeInputError, match="zip slip"):
        read_layer(slip)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("a.shp")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeInputError, match="symbolic link"):
        read_layer(link)
    assert not (tmp_path.parent / "evil.shp").exists()


def test_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.geojson", b"0" * 60_000_000)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UnsafeInputError, match="zip bomb"):
        read_layer(bomb)
