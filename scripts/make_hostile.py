"""Generate the hostile-input corpus in tests/hostile/ and its manifest cases.json.

Run from the repository root:  python scripts/make_hostile.py [--out tests/hostile]

Each case is a file and what must happen when it is read as a site plan (or loaded as a
catalogue): the error class expected, or ``ok`` where the tool must cope (3D geometry, GBK
text without .cpg, HTML in names, an unknown category giving a warn row).

:func:`cli_cases` adds real-world inputs run through a command (issue 19): encodings, dates,
numbers and ids as institutes write them, CRS mistakes, outputs that cannot be written and
text that would become a spreadsheet formula. Each gives the command line, the exit status
(0 or 2) and, where the input is valid, the name of the answer the tests check.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon, box

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
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        tmp = Path(folder)
        gdf.to_file(tmp / "plan.shp", engine="pyogrio", encoding=encoding)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for f in sorted(tmp.iterdir()):
                if f.suffix not in drop:
                    zf.write(f, f.name)
        return buf.getvalue()


def gpkg_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    # a folder of its own: two test processes may build the corpus at the same time
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        tmp = Path(folder) / "plan.gpkg"
        gdf.to_file(tmp, engine="pyogrio", layer="plan")
        return tmp.read_bytes()


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


# --------------------------------------------------------------------------------------------
# Real-world inputs run through a command (issue 19)


def work(wid, start, end, x=0.0, owner="Telecom", length=200.0, **attrs) -> dict:
    return {
        "project_id": wid,
        "owner": owner,
        "utility": "telecom",
        "start_date": start,
        "end_date": end,
        "geometry": LineString([(X0 + x, Y0), (X0 + x + length, Y0)]),
        **attrs,
    }


def works_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return frame(rows)


def csv_of(gdf: gpd.GeoDataFrame, encoding: str = "utf-8") -> bytes:
    table = gdf.assign(wkt=gdf.geometry.to_wkt()).drop(columns="geometry")
    return table.to_csv(index=False).encode(encoding)


def xlsx_of(gdf: gpd.GeoDataFrame) -> bytes:
    buf = io.BytesIO()
    gdf.assign(wkt=gdf.geometry.to_wkt()).drop(columns="geometry").to_excel(buf, index=False)
    return buf.getvalue()


def gbk_json(gdf: gpd.GeoDataFrame) -> bytes:
    return gdf.to_json(ensure_ascii=False).encode("gbk")


def cut_names_zip() -> bytes:
    """A UTF-8 Shapefile whose Chinese field names were cut mid-character (10 bytes kept)."""
    plan = frame([project()]).rename(columns={"gfa_m2": "GFA_CUT", "name": "NAME_CUT"})
    cuts = {b"GFA_CUT": "建筑面积", b"NAME_CUT": "项目名称"}
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(shp_zip(plan))) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".dbf"):
                for ascii_name, chinese in cuts.items():
                    cut = chinese.encode("utf-8")[:10]
                    data = data.replace(ascii_name.ljust(11, b"\x00"), cut.ljust(11, b"\x00"))
            dst.writestr(info.filename, data)
    return buf.getvalue()


def cpg_lies_zip() -> bytes:
    """A GBK .dbf with a .cpg saying UTF-8."""
    gbk = frame([project(name="浦东新区张江路")]).iloc[[0]]
    data = shp_zip(gbk, encoding="GBK", drop=(".cpg",))
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("plan.cpg", "UTF-8")
    return buf.getvalue()


def escaped_dxf() -> bytes:
    """A drawing whose layer names CAD wrote as \\U+ escapes (用地红线, 通信机房)."""
    from baseline.io.dxf import write_dxf

    plan = gpd.GeoDataFrame(
        [
            {**project(), "Layer": "用地红线", "kind": None},
            {**room(), "Layer": "通信机房", "kind": None},
        ],
        geometry="geometry",
        crs=UTM,
    ).drop(columns="kind")
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        tmp = Path(folder) / "plan.dxf"
        write_dxf(plan, tmp)
        text = tmp.read_text("utf-8")
    for name in ("用地红线", "通信机房"):
        text = text.replace(name, "".join(f"\\U+{ord(c):04X}" for c in name))
    return text.encode("utf-8")


def crs_csv(x: float, y: float) -> bytes:
    rows = [
        {"kind": "boundary", "project_id": "P1", "category": "office", "gfa_m2": 12000,
         "wkt": box(x, y, x + 100, y + 100).wkt},
    ]  # fmt: skip
    return pd.DataFrame(rows).to_csv(index=False).encode()


def nested_geojson() -> bytes:
    feature = {
        "type": "Feature",
        "properties": {"project_id": "P1", "tags": ["a", "b"], "meta": {"k": 1}},
        "geometry": {"type": "Point", "coordinates": [121.5, 31.2]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def _case(file, data, command, args, exit_code, what, answer=None, **extra) -> dict:
    return {
        "file": file, "data": data, "command": command, "args": args, "exit": exit_code,
        "what": what, "answer": answer, **extra,
    }  # fmt: skip


def _encoding_cases() -> list[dict]:
    plan = frame([project(name="浦东新区张江路"), room()])
    bom = b"\xef\xbb\xbf" + geojson(plan)
    return [
        _case("bom.geojson", bom, "check", [], 0, "GeoJSON with a UTF-8 BOM", "name_zh"),
        _case("gbk.geojson", gbk_json(plan), "check", [], 0, "GeoJSON in GBK", "name_zh"),
        _case("gbk.csv", csv_of(plan, "gbk"), "check", ["--crs", "wgs84"], 0, "CSV in GBK",
              "name_zh"),
        _case("gbk_as_utf8.csv", csv_of(plan, "gbk"), "check",
              ["--crs", "wgs84", "--encoding", "utf-8"], 2,
              "GBK CSV declared UTF-8 (named with its line)", message="line 2"),
        _case("cpg_lies.zip", cpg_lies_zip(), "check", [], 0, ".cpg says UTF-8 over GBK",
              "name_zh"),
        _case("cut_names.zip", cut_names_zip(), "check", [], 0,
              "UTF-8 Chinese field names cut mid-character"),
        _case("escaped_layers.dxf", escaped_dxf(), "check", ["--crs", UTM], 0,
              "DXF layer names written as \\U+ escapes", "one_project"),
        _case("empty_collection.geojson", b'{"type":"FeatureCollection","features":[]}',
              "check", [], 2, "empty FeatureCollection", message="empty"),
        _case("header_only.csv", b"kind,project_id,lon,lat\n", "check", ["--crs", "wgs84"], 2,
              "CSV with a header and no rows", message="empty"),
        _case("blank.geojson", b"  \n\n ", "check", [], 2, "file of spaces", message="empty"),
    ]  # fmt: skip


def _date_cases() -> list[dict]:
    serial = works_frame([work("W1", 46023, 46053), work("W2", "2027-01-01", "2027-02-01", 5)])
    ambiguous = works_frame(
        [work("W1", "01/03/2027", "02/04/2027"), work("W2", "03/03/2027", "04/04/2027", 5)]
    )
    mixed = works_frame(
        [work("W1", "13/03/2027", "20/04/2027"), work("W2", "03/13/2027", "04/20/2027", 5)]
    )
    chinese = works_frame(
        [work("W1", "2027年3月1日", "2027.4.15"), work("W2", "20270320", "2027/5/1", 5)]
    )
    tz = works_frame([work("W1", "2027-03-01T23:30:00-05:00", "2027-04-01T00:00:00Z")])
    return [
        _case("excel_serials.xlsx", xlsx_of(serial), "cobuild", ["--crs", "wgs84"], 0,
              "Excel serial dates a year apart (no shared trench)", "no_trench"),
        _case("ambiguous_dates.csv", csv_of(ambiguous), "cobuild", ["--crs", "wgs84"], 2,
              "day/month order not said", message="--date-format"),
        _case("ambiguous_dates_dmy.csv", csv_of(ambiguous), "cobuild",
              ["--crs", "wgs84", "--date-format", "dmy"], 0, "day-first dates, said",
              "one_trench"),
        _case("mixed_order_dates.csv", csv_of(mixed), "cobuild", ["--crs", "wgs84"], 2,
              "day-first and month-first in one column", message="day-first"),
        _case("chinese_dates.geojson", geojson(chinese), "cobuild", [], 0,
              "2027年3月1日, 2027.4.15, 20270320, 2027/5/1", "one_trench"),
        _case("junk_dates.geojson", geojson(works_frame([work("W1", "soon", "later")])),
              "cobuild", [], 2, "dates that are not dates (not called missing)",
              message="not a date"),
        _case("tz_dates.geojson", geojson(tz), "convert", [], 0,
              "tz-aware dates to XLSX", out="tz.xlsx"),
        _case("dates_to_geojson.geojson", geojson(chinese), "convert", [], 0,
              "a layer with dates to GeoJSON", out="dates.geojson"),
    ]  # fmt: skip


def _id_cases() -> list[dict]:
    zero = frame([project("00123"), project(1001, geometry=box(X0 + 500, Y0, X0 + 600, Y0 + 100))])
    return [
        _case("leading_zero_ids.csv", csv_of(zero), "check", ["--crs", "wgs84"], 0,
              "ids 00123 and 1001 come out as written", "ids_as_written"),
        _case("duplicate_work_ids.geojson",
              geojson(works_frame([work("W1", "2027-01-01", "2027-02-01"),
                                   work("W1", "2027-01-01", "2027-02-01", 5)])),
              "cobuild", [], 2, "one id on two works", message="W1"),
        _case("work_without_id.geojson",
              geojson(works_frame([work(None, "2027-01-01", "2027-02-01"),
                                   work("W2", "2027-01-01", "2027-02-01", 5)])),
              "cobuild", [], 2, "a work without an id", message="row 1"),
        _case("two_category_columns.geojson",
              geojson(frame([project(类别="office"), room()]).rename(
                  columns={"category": "项目类别"})),
              "check", [], 2, "项目类别 and 类别 both map to category", message="类别"),
        _case("id_option_contradicts.geojson",
              geojson(frame([project(objectid="X1"), room()]).rename(
                  columns={"project_id": "项目编号"})),
              "check", ["--id-col", "objectid"], 2, "项目编号 together with --id-col",
              message="project_id"),
        _case("category_option_contradicts.geojson",
              geojson(frame([project(类型="hotel"), room()])),
              "check", ["--category-col", "类型"], 2,
              "--category-col when a category column exists", message="category"),
    ]  # fmt: skip


def _number_cases() -> list[dict]:
    units = frame([project(gfa_m2="1.5万"), {**room(), "area_m2": "２４㎡"}])
    return [
        _case("negative_gfa.geojson", geojson(frame([project(gfa_m2=-5000), room()])), "check",
              [], 2, "gfa −5,000 m²", message="gfa_m2"),
        _case("huge_gfa.geojson", geojson(frame([project(gfa_m2=1e12), room()])), "check", [],
              2, "gfa 10¹² m²", message="plausible"),
        _case("negative_households.geojson",
              geojson(frame([project(category="residential", households=-10), room()])),
              "check", [], 2, "−10 households", message="households"),
        _case("units_and_wan.geojson", geojson(units), "check", [], 0,
              "1.5万, full-width ２４㎡", "units_read"),
        _case("fitting_in_two_boundaries.geojson",
              geojson(frame([project("P1"), project("P2"),
                             {**room(), "project_id": None}])),
              "check", [], 2, "a fitting inside two overlapping boundaries",
              message="P1 and P2"),
        _case("asset_types_chinese.geojson",
              geojson(frame([{"asset_type": t, "geometry": Point(X0 + 30 * k, Y0)}
                             for k, t in enumerate(["铁塔", "Tower", "灯杆", "SENSOR"])])),
              "check", ["--assets", "{file}", "--no-bundled-assets"], 0,
              "asset types in Chinese and any case", plan="sample"),
        _case("asset_types_unknown.geojson",
              geojson(frame([{"asset_type": "teleporter", "geometry": Point(X0, Y0)}])),
              "check", ["--assets", "{file}", "--no-bundled-assets"], 2,
              "an unknown asset type is listed, never dropped", plan="sample",
              message="teleporter"),
    ]  # fmt: skip


def district(gfa_max: int) -> bytes:
    """A district override of the catalogue changing one plausible bound."""
    return (
        f'standard: {{version: "district-gfa"}}\nplausible_values:\n  gfa_m2: {{max: {gfa_max}}}\n'
    ).encode()


def _catalogue_cases() -> list[dict]:
    """Bounds come from the catalogue; the dask engine without dask is refused in one line."""
    without_dask = "--engine dask without dask installed"
    fix = "pip install 'ict-baseline[dask]'"
    return [
        _case("district_gfa_strict.geojson", geojson(frame([project(gfa_m2=20_000), room()])),
              "check", ["--standard", "{district_gfa_10000.yaml}"], 2,
              "a district lowers the gfa bound below the plan's", message="range 0 to 10,000",
              files={"district_gfa_10000.yaml": district(10_000)}),
        _case("district_gfa_lenient.geojson",
              geojson(frame([project(gfa_m2=6_000_000), room()])),
              "check", ["--standard", "{district_gfa_10m.yaml}"], 0,
              "a district raises the gfa bound above the plan's", "one_project",
              files={"district_gfa_10m.yaml": district(10_000_000)}),
        _case("no_dask_check.geojson", geojson(good_plan()), "check", ["--engine", "dask"], 2,
              f"check {without_dask}", message=fix, without=["dask"]),
        _case("no_dask_gaps.geojson", geojson(good_plan()), "gaps",
              ["--engine", "dask", "--radius-m", "500"], 2, f"gaps {without_dask}",
              message=fix, without=["dask"]),
        _case("no_dask_cobuild.geojson", geojson(good_plan()), "cobuild", ["--engine", "dask"],
              2, f"cobuild {without_dask}", message=fix, without=["dask"]),
    ]  # fmt: skip


def _crs_cases() -> list[dict]:
    return [
        _case("wrong_zone.csv", crs_csv(40_355_000, 3_450_000), "check",
              ["--crs", "EPSG:4549"], 2, "zone-prefixed eastings declared without the zone",
              message="zone"),
        _case("swapped_axes.csv", crs_csv(3_450_000, 355_000), "check",
              ["--crs", "EPSG:32651"], 2, "x and y swapped", message="swapped"),
        _case("degrees_as_metres.csv", crs_csv(121.5, 31.2), "check", ["--crs", "EPSG:4549"],
              2, "degrees declared as Gauss-Krüger metres", message="degrees"),
        _case("gpkg_says_utm.gpkg", gpkg_bytes(good_plan().to_crs(UTM)), "check",
              ["--crs", "EPSG:4549"], 2, "--crs contradicting a file's own CRS",
              message="never overrides"),
        _case("to_cgcs2000.geojson", geojson(good_plan()), "convert", ["--to", "EPSG:4549"], 0,
              "convert --to EPSG:4549 writes EPSG:4549 to CSV", "crs_4549", out="cgcs.csv"),
    ]  # fmt: skip


def _writer_cases() -> list[dict]:
    formula = works_frame(
        [
            work("W1", "2027-01-01", "2027-03-01", owner='=HYPERLINK("http://x","x")'),
            work("=1+1", "2027-01-01", "2027-03-01", 5, owner="+cmd"),
        ]
    )
    case_names = good_plan().assign(Name="upper")
    text_fid = good_plan().assign(fid=["a", "b"])
    return [
        _case("formula_owner.geojson", geojson(formula), "cobuild", [], 0,
              "owner and id that are formulas, to XLSX", "xlsx_inert", out="recs.xlsx"),
        _case("formula_members.geojson", geojson(formula), "cobuild", [], 0,
              "members that are formulas, to CSV", "csv_inert", out="recs.csv"),
        _case("name_and_Name.geojson", geojson(case_names), "convert", [], 0,
              "Name and name written to GPKG", out="names.gpkg"),
        _case("text_fid.geojson", geojson(text_fid), "convert", [], 0,
              "a text fid written to GPKG", out="fid.gpkg"),
        _case("nested_values.geojson", nested_geojson(), "convert", [], 0,
              "lists and objects in properties, to XLSX", out="nested.xlsx"),
        _case("in_place.gpkg", gpkg_bytes(good_plan()), "convert", ["--force"], 2,
              "convert a GeoPackage onto itself with --force", out="{file}",
              message="input"),
        _case("summary_exists.geojson", geojson(good_plan()), "gaps",
              ["--summary", "{existing}"], 2,
              "gaps with an existing --summary writes nothing", message="already exists"),
        _case("folder_is_file.geojson", geojson(good_plan()), "check", [], 2,
              "output folder is a file", out="{existing}/out.csv", message="not a folder"),
        _case("no_recommendation.geojson",
              geojson(works_frame([work("W1", "2027-01-01", "2027-02-01")])), "cobuild", [],
              0, "co-build with nothing to recommend, to XLSX", out="none.xlsx"),
    ]  # fmt: skip


def cli_cases() -> list[dict]:
    """Real-world inputs run through the CLI: the file, its bytes, the command and outcome."""
    return [
        *_encoding_cases(), *_date_cases(), *_id_cases(), *_number_cases(), *_crs_cases(),
        *_writer_cases(), *_catalogue_cases(),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("tests/hostile"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, data, expected, crs, what in cases():
        (args.out / name).write_bytes(data)
        manifest.append({"file": name, "expected": expected, "crs": crs, "what": what})
    for case in cli_cases():
        (args.out / case["file"]).write_bytes(case["data"])
        for name, data in case.get("files", {}).items():
            (args.out / name).write_bytes(data)
        manifest.append(
            {k: v for k, v in case.items() if k != "data"}
            | {"files": sorted(case.get("files", {}))}
        )
    (args.out / "cases.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(manifest)} cases to {args.out}")


if __name__ == "__main__":
    main()
