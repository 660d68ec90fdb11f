"""Generate the hostile-input corpus in tests/hostile/ and its manifest cases.json.

Run from the repository root:  python scripts/make_hostile.py [--out tests/hostile]

Each case is a file and what must happen when it is read as a site plan (or loaded as a
catalogue): the error class expected, or ``ok`` where the tool must cope (3D geometry, GBK
text without .cpg, HTML in names, an unknown category giving a warn row).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, Polygon, box

UTM = "EPSG:32651"
X0, Y0 = 355_000.0, 3_450_000.0  # UTM 51N metres near Zhangjiang, Pudong


def project(pid="P1", category="office", **attrs) -> dict:
    return {
        "kind": "boundary",
        "project_id": pid,
        "category": category,
        "name": f"项目{pid}",
        "gfa_m2": 12000,
        "floors": 10,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "geometry": box(X0, Y0, X0 + 100, Y0 + 100),
        **attrs,
    }


def room(pid="P1") -> dict:
    return {
        "kind": "telecom_room",
        "project_id": pid,
        "area_m2": 24,
        "width_m": 4,
        "geometry": Point(X0 + 10, Y0 + 10),
    }


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=UTM).to_crs(4326)


def geojson(gdf: gpd.GeoDataFrame) -> bytes:
    return gdf.to_json(ensure_ascii=False).encode("utf-8")


def good_plan() -> gpd.GeoDataFrame:
    return frame([project(), room()])


def shp_zip(gdf: gpd.GeoDataFrame, *, drop: tuple[str, ...] = (), encoding: str = "UTF-8") -> bytes:
    tmp = Path(".hostile-tmp")
    tmp.mkdir(exist_ok=True)
    try:
        gdf.to_file(tmp / "plan.shp", engine="pyogrio", encoding=encoding)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for f in sorted(tmp.iterdir()):
                if f.suffix not in drop:
                    zf.write(f, f.name)
        return buf.getvalue()
    finally:
        shutil.rmtree(tmp)


def gpkg_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    tmp = Path(".hostile-tmp.gpkg")
    try:
        gdf.to_file(tmp, engine="pyogrio", layer="plan")
        return tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)


def zip_of(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def dxf_bytes(layers: list[str]) -> bytes:
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    for i, layer in enumerate(layers):
        if layer not in doc.layers:
            doc.layers.add(layer)
        msp.add_lwpolyline([(0, i), (100, i), (100, i + 50)], dxfattribs={"layer": layer})
    stream = io.StringIO()
    doc.write(stream)
    return stream.getvalue().encode("utf-8")


def cases() -> list[tuple[str, bytes, str, str | None, str]]:
    """(file name, bytes, expected, declared CRS, what it is)."""
    plan = good_plan()
    gbk = frame([project(name="浦东新区张江路"), room()])
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    three_d = plan.copy()
    three_d["geometry"] = plan.geometry.apply(
        lambda g: (
            Polygon([(x, y, 5.0) for x, y in g.exterior.coords])
            if g.geom_type == "Polygon"
            else Point(g.x, g.y, 5.0)
        )
    )
    degrees = plan.assign(wkt=plan.geometry.to_wkt()).drop(columns="geometry")
    big = (
        '{"type":"FeatureCollection","features":['
        + ",".join(
            [
                '{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[121.5,31.2]}}'
            ]
            * 40_000
        )
        + "]}"
    )
    out = [
        ("empty.geojson", b"", "ReadError", None, "0-byte file"),
        ("empty.zip", b"", "ReadError", None, "0-byte zip"),
        ("truncated.gpkg", gpkg_bytes(plan)[:3000], "ReadError", None, "truncated GeoPackage"),
        (
            "not_json.geojson",
            b"PK\x03\x04 this is not json",
            "ReadError",
            None,
            "GeoJSON that is not JSON",
        ),
        (
            "not_geojson.geojson",
            b'{"hello": "world", "items": [1, 2, 3]}',
            "ReadError",
            None,
            "valid JSON that is not GeoJSON",
        ),
        (
            "no_shx.zip",
            shp_zip(plan.iloc[[0]], drop=(".shx",)),
            "ReadError",
            None,
            "Shapefile without .shx",
        ),
        (
            "no_prj.zip",
            shp_zip(plan.iloc[[0]], drop=(".prj",)),
            "CRSError",
            None,
            "Shapefile without .prj, degree coordinates",
        ),
        (
            "gbk_no_cpg.zip",
            shp_zip(gbk.iloc[[0]], drop=(".cpg",), encoding="GBK"),
            "ok",
            None,
            "GBK text without .cpg (must decode right)",
        ),
        (
            "no_layers.dxf",
            dxf_bytes(["0", "WALLS", "TEXT"]),
            "ReadError",
            "EPSG:32651",
            "DXF with no recognised layers",
        ),
        (
            "garbage.dxf",
            b"0\nSECTION\n2\nHEADER\nnonsense",
            "ReadError",
            "EPSG:32651",
            "corrupt DXF",
        ),
        (
            "no_crs_degrees.csv",
            degrees.to_csv(index=False).encode(),
            "CRSError",
            None,
            "CSV in degrees without a CRS",
        ),
        (
            "projected_as_wgs84.geojson",
            geojson(frame([project(), room()]).to_crs(UTM).set_crs(4326, allow_override=True)),
            "CRSError",
            "wgs84",
            "projected coordinates declared as WGS84",
        ),
        (
            "paris_as_gcj02.geojson",
            geojson(
                gpd.GeoDataFrame([project()], geometry="geometry", crs=2154)
                .set_geometry([box(650000, 6860000, 650100, 6860100)])
                .to_crs(4326)
            ),
            "CRSError",
            "gcj02",
            "coordinates outside China declared GCJ-02",
        ),
        (
            "self_intersecting.geojson",
            geojson(frame([project(geometry=bowtie), room()])),
            "GeometryError",
            None,
            "self-intersecting polygon",
        ),
        (
            "empty_polygon.geojson",
            geojson(frame([project(geometry=Polygon()), room()])),
            "GeometryError",
            None,
            "empty polygon",
        ),
        ("three_d.geojson", geojson(three_d), "ok", None, "3D geometries (dropped to 2D)"),
        (
            "measured.csv",
            degrees.assign(
                wkt=[
                    "POLYGON M ((121.5 31.2 1, 121.501 31.2 1, 121.501 31.201 1, 121.5 31.2 1))",
                    "POINT M (121.5005 31.2003 7)",
                ]
            )
            .to_csv(index=False)
            .encode(),
            "ok",
            "wgs84",
            "measured (M) geometries",
        ),
        (
            "mixed_types.geojson",
            geojson(frame([project(geometry=Point(X0, Y0)), room()])),
            "SchemaError",
            None,
            "boundary given as a point (mixed geometry types)",
        ),
        (
            "duplicate_ids.geojson",
            geojson(frame([project("P1"), project("P1"), room()])),
            "SchemaError",
            None,
            "duplicate project ids",
        ),
        (
            "missing_ids.geojson",
            geojson(frame([project(None), room()])),
            "SchemaError",
            None,
            "missing project id",
        ),
        (
            "unknown_category.geojson",
            geojson(frame([project(category="spaceport"), room()])),
            "ok",
            None,
            "unknown category (a warn row, not a crash)",
        ),
        (
            "end_before_start.geojson",
            geojson(frame([project(start_date="2027-01-01", end_date="2026-01-01"), room()])),
            "SchemaError",
            None,
            "end date before start",
        ),
        (
            "non_numeric_gfa.geojson",
            geojson(frame([project(gfa_m2="large"), room()])),
            "SchemaError",
            None,
            "non-numeric floor area",
        ),
        (
            "unknown_kind.geojson",
            geojson(frame([project(), {**room(), "kind": "teleporter"}])),
            "SchemaError",
            None,
            "unknown kind value",
        ),
        (
            "no_project.geojson",
            geojson(frame([room()])),
            "SchemaError",
            None,
            "fittings but no project",
        ),
        (
            "zip_slip.zip",
            zip_of({"../../evil.geojson": geojson(plan)}),
            "UnsafeInputError",
            None,
            "zip with ../ paths",
        ),
        (
            "zip_bomb.zip",
            zip_of({"plan.geojson": b" " * 150_000_000}),
            "UnsafeInputError",
            None,
            "zip bomb (150 MB of spaces)",
        ),
        (
            "symlink.zip",
            zip_of({"plan.geojson": geojson(plan)}, symlink="link.geojson"),
            "UnsafeInputError",
            None,
            "symlink inside a zip",
        ),
        (
            "too_big.geojson",
            big.encode(),
            "UnsafeInputError",
            None,
            "over the upload limit (limit 1 MB)",
        ),
        ("truncated.zip", shp_zip(plan.iloc[[0]])[:200], "ReadError", None, "truncated zip"),
        ("garbage.kml", b"<kml><Document><Placemark><Point>", "ReadError", None, "broken KML"),
        ("garbage.parquet", b"PAR1 nothing here", "ReadError", None, "corrupt GeoParquet"),
        ("garbage.xlsx", b"PK\x03\x04 not a workbook", "ReadError", None, "corrupt XLSX"),
        ("wrong_extension.doc", b"hello", "ReadError", None, "unsupported format"),
        (
            "html_in_names.geojson",
            geojson(
                frame(
                    [
                        project(name="<script>alert('x')</script><img src=x onerror=alert(1)>"),
                        room(),
                    ]
                )
            ),
            "ok",
            None,
            "HTML and script text in names (reports must escape it)",
        ),
        (
            "python_tag.yaml",
            b"standard: !!python/object/apply:os.system ['echo pwned']\n",
            "CatalogueError",
            None,
            "catalogue with a !!python tag",
        ),
        (
            "alias_bomb.yaml",
            (
                "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
                + "".join(
                    f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)
                )
            ).encode(),
            "CatalogueError",
            None,
            "catalogue with YAML alias expansion (billion laughs)",
        ),
        (
            "bad_rules.yaml",
            b"rules:\n  room-area:\n    kind: teleport\n    params: {threshold: -1}\n",
            "CatalogueError",
            None,
            "catalogue override with unknown kind and bad threshold",
        ),
        (
            "non_numeric_lon.csv",
            b"kind,project_id,category,lon,lat\nboundary,P1,office,east,31.2\n",
            "SchemaError",
            "wgs84",
            "CSV with a non-numeric longitude",
        ),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("tests/hostile"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, data, expected, crs, what in cases():
        (args.out / name).write_bytes(data)
        manifest.append({"file": name, "expected": expected, "crs": crs, "what": what})
    (args.out / "cases.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(manifest)} cases to {args.out}")


if __name__ == "__main__":
    main()
