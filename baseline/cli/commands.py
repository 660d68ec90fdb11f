"""The ``baseline`` command line: it parses options, calls the funnels, writes and prints.

A CRS option describes the file it belongs to: ``--crs`` the command's main input,
``--assets-crs`` the ``--assets`` of ``check``, ``--sites-crs`` and ``--area-crs`` those
inputs of ``gaps``. It applies only when the file does not say its own CRS; a file or a
partitioned folder that says another one is refused. Errors in the input end the command
with exit status 2 and one message on stderr naming the file, the problem and the fix;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import pyproj

from baseline import __version__, settings
from baseline.check.run import check
from baseline.cli.works import kpi, opportunities, sites, works
from baseline.cobuild import (
    CobuildOptions,
    WorksColumns,
    find_opportunities,
    read_owner_buffers,
    read_previous,
    read_protected,
    summary_line,
)
from baseline.coverage import CoverageResult, gaps_run, read_area_classes
from baseline.coverage.calibrate import calibrate as fit_calibration
from baseline.coverage.operators import OperatorViews, operator_views
from baseline.coverage.predict import predict as predict_points
from baseline.coverage.sample import coverage_figure
from baseline.demo import run_demo
from baseline.engine import Engine
from baseline.errors import BaselineError, CRSError, DataWarning, OutputError
from baseline.io.bundled import load, load_assets
from baseline.io.crs import from_wgs84, parse_crs
from baseline.io.formats import read_layer
from baseline.io.partitioned import PartitionedLayer, is_partitioned, open_partitioned
from baseline.io.partitioned import ingest as write_parts
from baseline.io.preflight import preflight
from baseline.io.siteplan import read_siteplan
from baseline.io.validate import asset_types, validate_works
from baseline.io.writers import LAYER_FORMATS, TABLE_FORMATS, write_layer, write_table
from baseline.reports.check_report import write_check
from baseline.reports.cobuild_report import write_recommendations
from baseline.standard.catalogue import Standard, load_standard

LANG = click.Choice(["zh", "en"])
SPATIAL_FINDINGS = (".gpkg", ".geojson", ".zip")
CRS_METAVAR = "wgs84|gcj02|bd09|EPSG:NNNN"
CRS_OPTION = click.option(
    "--crs",
    "crs",
    default=None,
    metavar=CRS_METAVAR,
    help="CRS of the main input when the file does not say its own (GeoJSON is WGS84 by its "
    "spec; GCJ-02/BD-09 may be declared over it). Never overrides a CRS the file declares.",
)
STANDARD_OPTION = click.option(
    "--standard",
    "standards",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Catalogue file(s) overriding the bundled one, in order (repeatable).",
)
FORCE_OPTION = click.option("--force", is_flag=True, help="Replace an existing output file.")


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.ensure_object(dict)
    ctx.obj[str(param.name)] = value
    return value


def input_options(func: Callable[..., None]) -> Callable[..., None]:
    """Add ``--encoding`` and ``--date-format``, kept in the context for the readers."""
    func = click.option(
        "--date-format",
        "date_format",
        default=None,
        metavar="dmy|mdy|PATTERN",
        expose_value=False,
        callback=_remember,
        help="Order of dates such as 01/03/2027 (dmy: 1 March; mdy: 3 January) or a pattern "
        "such as %d/%m/%Y. ISO, 2027/4/1, 20270420, 2027年3月1日 and Excel dates need none.",
    )(func)
    return click.option(
        "--encoding",
        default=None,
        metavar="ENCODING",
        expose_value=False,
        callback=_remember,
        help="Text encoding of the main input (utf-8, gbk, gb18030) when it is detected "
        "wrong; overrides a Shapefile's .cpg.",
    )(func)


def _reading(key: str) -> Any:
    """The value of an input option (``encoding``, ``date_format``) of the running command."""
    ctx = click.get_current_context(silent=True)
    return (ctx.obj or {}).get(key) if ctx is not None else None


LAYERS_OUT = (".geojson", ".gpkg", ".parquet")
FORMATS = {
    "DST": LAYER_FORMATS,
    "--out": (),
    "--summary": (".csv", ".json"),
    "--grid": LAYERS_OUT,
}


def _check_outputs(
    outputs: dict[str, Path | None],
    inputs: list[Path | None],
    force: bool,
    out_formats: tuple[str, ...] = (),
) -> None:
    """Every command's first step: its outputs, all together, before any computing."""
    preflight(outputs, inputs=inputs, force=force, formats={**FORMATS, "--out": out_formats})


def engine_options(func: Callable[..., None]) -> Callable[..., None]:
    """Add ``--engine local|dask`` and ``--scheduler ADDRESS`` to a command."""
    func = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="dask.distributed scheduler (tcp://host:8786) for --engine dask; "
        "default the threads of this process.",
    )(func)
    return click.option(
        "--engine",
        "engine_name",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Run the joins here (local) or as dask tasks over partitioned layers "
        "(see `baseline ingest`).",
    )(func)


def _same_crs(a: Any, b: Any) -> bool:
    return pyproj.CRS.from_user_input(a).equals(
        pyproj.CRS.from_user_input(b), ignore_axis_order=True
    )


def _open(
    path: Path, crs: str | None, option: str = "--crs"
) -> gpd.GeoDataFrame | PartitionedLayer:
    """A partitioned layer folder (from `baseline ingest`) or any file the readers take.

    ``crs`` describes this file only; a folder records its CRS, and one that contradicts
    ``crs`` is refused.
    """
    if not is_partitioned(path):
        return read_layer(path, crs=crs, encoding=_reading("encoding"))
    layer = open_partitioned(path)
    spec = parse_crs(crs) if crs else None
    if spec and (spec.is_offset or not _same_crs(spec.pyproj_crs, layer.crs)):
        msg = (
            f"{path}: the partitioned folder records its CRS as {layer.crs}, but {option} says "
            f"{crs}; a folder from `baseline ingest` is already in its recorded CRS: drop "
            f"{option}, or ingest the source again with the right --crs"
        )
        zh = (
            f"{path}：分块文件夹记录的坐标参考系为 {layer.crs}，但 {option} 给出的是 {crs}；"
            f"由 `baseline ingest` 生成的文件夹已处于其记录的坐标参考系：请去掉 {option}，"
            "或用正确的 --crs 重新导入源数据"
        )
        raise CRSError(msg, zh=zh)
    return layer


def _works(
    layer: gpd.GeoDataFrame | PartitionedLayer, columns: tuple[str, str, str], path: Path
) -> gpd.GeoDataFrame | PartitionedLayer:
    """A works file with its ids and dates checked and read (a partitioned folder as it is)."""
    if isinstance(layer, PartitionedLayer):
        return layer
    return validate_works(layer, columns, where=path.name, date_format=_reading("date_format"))


def _standard(paths: tuple[Path, ...]) -> Standard:
    return load_standard(*paths)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="baseline")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option(
    "--on-invalid",
    type=click.Choice(settings.ON_INVALID_CHOICES),
    default=None,
    help="Invalid geometry: refuse the file (raise), keep it (warn) or repair it (fix).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, on_invalid: str | None) -> None:
    """ICT Baseline: informatization facilities as a standard fitting of urban construction.

    Check site plans against the standard, find coverage gaps and co-build opportunities.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if on_invalid:
        settings.on_invalid = on_invalid
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")


@cli.command()
@STANDARD_OPTION
@click.option("--lang", type=LANG, default="en", show_default=True, help="Label language.")
@click.option("--category", default=None, help="Only this category.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a text table.")
@click.option(
    "--sources",
    is_flag=True,
    help="List every rule's thresholds with document, clause, confidence and where the text "
    "was read, then what the catalogue does not encode.",
)
def standards(
    standards: tuple[Path, ...], lang: str, category: str | None, as_csv: bool, sources: bool
) -> None:
    """List the catalogue's categories and rules with clause and confidence."""
    std = _standard(standards)
    if sources:
        _print_sources(std, lang, as_csv)
        return
    table = std.rule_table(lang)
    if category:
        if category not in std.categories:
            msg = f"'{category}' is not a category, must be one of {', '.join(std.categories)}"
            zh = f"“{category}”不是类别，须为以下之一：{', '.join(std.categories)}"
            raise BaselineError(msg, zh=zh)
        table = table[table["category"] == category]
    click.echo(
        f"{std.title.get(lang, std.id)}  ({std.id} {std.version}, sha256 {std.short_hash()})"
    )
    if as_csv:
        click.echo(table.to_csv(index=False), nl=False)
        return
    for cat_id, rows in table.groupby("category", sort=False):
        click.echo(f"\n{std.category_label(str(cat_id), lang)} [{cat_id}]")
        for r in rows.itertuples():
            click.echo(f"  {r.rule_id:<28} {r.confidence}  {r.obligation:<6} {r.clause}  {r.title}")
            if r.applies_when != "always":
                click.echo(f"  {'':<28}    when {r.applies_when}")


def _print_sources(std: Standard, lang: str, as_csv: bool) -> None:
    """Every rule's sources, then what the catalogue does not encode."""
    table, missing = std.sources_table(lang), std.not_encoded_table(lang)
    if as_csv:
        click.echo(table.to_csv(index=False), nl=False)
        return
    for r in table.itertuples():
        click.echo(f"{r.rule_id:<26} {r.confidence} {r.obligation:<6} {r.clause}  [{r.thresholds}]")
        click.echo(f"{'':<26}   {r.source_document} {r.source_clause}; read: {r.source_read}")
    click.echo("\nnot encoded:" if lang == "en" else "\n未编码：")
    for m in missing.itertuples():
        click.echo(f"  {m.document}: {m.scope} ({m.why})")


@cli.command()
@click.argument("src", type=click.Path(path_type=Path))
@click.argument("dst", type=click.Path(path_type=Path))
@click.option(
    "--from", "src_crs", default=None, metavar="CRS", help="CRS of SRC (default: its own)."
)
@click.option(
    "--to", "dst_crs", default="wgs84", show_default=True, metavar="CRS", help="CRS of DST."
)
@click.option("--layer", default=None, help="Layer of a multi-layer SRC.")
@FORCE_OPTION
@input_options
def convert(
    src: Path, dst: Path, src_crs: str | None, dst_crs: str, layer: str | None, force: bool
) -> None:
    """Convert a layer between WGS84, GCJ-02, BD-09 and EPSG systems.

    DST is written in the --to CRS in every format (CSV, XLSX and GeoJSON name it in a crs
    column). SRC is never replaced: write to another file.

    Example: baseline convert amap.geojson out.gpkg --from gcj02 --to wgs84
    """
    _check_outputs({"DST": dst}, [src], force)
    target = parse_crs(dst_crs)
    gdf = read_layer(src, crs=src_crs, layer=layer, encoding=_reading("encoding"))
    out = from_wgs84(gdf, target)
    write_layer(out, dst, force=force, crs_name=target.name)
    click.echo(f"wrote {len(out):,} features to {dst} ({dst_crs})")


def _assets(
    files: tuple[Path, ...], crs: str | None, bundled: bool, std: Standard
) -> list[gpd.GeoDataFrame | PartitionedLayer]:
    """The asset sources in order: the bundled layer, then each --assets file or folder.

    The types of a file are mapped through ``std``'s ``asset_types`` (铁塔, Tower -> tower).
    """
    sources: list[gpd.GeoDataFrame | PartitionedLayer] = [load_assets()] if bundled else []
    for f in files:
        layer = _open(f, crs, "--assets-crs")
        if "asset_type" not in layer.columns:
            kinds = ", ".join(std.asset_types)
            msg = f"{f.name}: an assets layer needs a column 'asset_type' ({kinds})"
            raise BaselineError(msg, zh=f"{f.name}：设施图层需要“asset_type”列（{kinds}）")
        if isinstance(layer, gpd.GeoDataFrame):
            layer = asset_types(layer, std, where=f.name)
        sources.append(layer)
    return sources


@cli.command("check")
@click.argument("plan", type=click.Path(path_type=Path))
@STANDARD_OPTION
@click.option(
    "--assets",
    "asset_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Existing assets (towers, poles, sensors) with column asset_type: a file or a "
    "folder from `baseline ingest` (repeatable).",
)
@click.option("--no-bundled-assets", is_flag=True, help="Do not count the bundled Pudong assets.")
@click.option("--lang", type=LANG, default="en", show_default=True, help="Message language.")
@click.option(
    "--id-col", default=None, help="Column holding the project id (mapped to project_id)."
)
@click.option("--category-col", default=None, help="Column holding the category.")
@CRS_OPTION
@click.option(
    "--assets-crs",
    default=None,
    metavar=CRS_METAVAR,
    help="CRS of the --assets files when they do not say their own (never overrides one).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Findings file: .csv, .json, .xlsx or .html (the audit report); or a map layer of "
    "the findings with the geometry each is about: .gpkg, .geojson or .zip (Shapefile).",
)
@click.option(
    "--out-crs",
    default=None,
    metavar="EPSG:NNNN",
    help="CRS of a .gpkg, .geojson or .zip findings layer (default WGS84); EPSG:4490 "
    "(CGCS2000) for the planning one map.",
)
@click.option(
    "--shp-encoding",
    type=click.Choice(["UTF-8", "GBK"], case_sensitive=False),
    default="UTF-8",
    show_default=True,
    help="Text encoding of a zipped Shapefile (GBK for older Chinese GIS).",
)
@FORCE_OPTION
@engine_options
@input_options
def check_cmd(
    plan: Path,
    standards: tuple[Path, ...],
    asset_files: tuple[Path, ...],
    no_bundled_assets: bool,
    lang: str,
    id_col: str | None,
    category_col: str | None,
    crs: str | None,
    assets_crs: str | None,
    out: Path,
    out_crs: str | None,
    shp_encoding: str,
    force: bool,
    engine_name: str,
    scheduler: str | None,
) -> None:
    """Check a site plan against the standard and write the findings.

    Exit status 0 when the check ran, whatever it found; 2 when it could not run.
    """
    _check_outputs({"--out": out}, [plan, *asset_files], force, (*TABLE_FORMATS, *SPATIAL_FINDINGS))
    std = _standard(standards)
    columns = {k: v for k, v in ((id_col, "project_id"), (category_col, "category")) if k}
    site = read_siteplan(
        plan,
        std,
        crs=crs,
        columns=columns,
        encoding=_reading("encoding"),
        date_format=_reading("date_format"),
    )
    for note in site.notes:
        click.echo(f"note: {note}", err=True)
    assets = _assets(asset_files, assets_crs, not no_bundled_assets, std)
    with Engine(engine_name, scheduler).session() as engine:
        result = check(site, std, assets=assets, lang=lang, engine=engine)
    if out.suffix.lower() in SPATIAL_FINDINGS:
        layer = result.findings_layer(parse_crs(out_crs).pyproj_crs if out_crs else "EPSG:4326")
        write_layer(layer, out, force=force, layer="findings", encoding=shp_encoding)
    else:
        write_check(result, out, force=force)
    counts = result.findings["status"].value_counts().to_dict()
    click.echo(
        f"checked {len(result.projects)} project(s) against {std.id} {std.version}: "
        + ", ".join(f"{k} {counts.get(k, 0)}" for k in ("pass", "fail", "warn", "not_applicable"))
        + f" -> {out}"
    )


@cli.command()
@click.option(
    "--sites",
    type=click.Path(path_type=Path),
    default=None,
    help="Base-station sites (points): a file or a folder from `baseline ingest`. "
    "Default: the bundled Shanghai towers.",
)
@click.option(
    "--sites-crs",
    default=None,
    metavar=CRS_METAVAR,
    help="CRS of the --sites file when it does not say its own (never overrides one).",
)
@click.option(
    "--area",
    type=click.Path(path_type=Path),
    default=None,
    help="Area polygon(s). Default: the bundled Pudong boundary.",
)
@click.option(
    "--area-crs",
    default=None,
    metavar=CRS_METAVAR,
    help="CRS of the --area file when it does not say its own (never overrides one).",
)
@click.option(
    "--tech",
    default=None,
    help="Technology of sites that do not give their own (4G, 5G or a catalogue tech id); "
    "a site's own tech column, or band_mhz, wins.",
)
@click.option(
    "--area-classes",
    type=click.Path(path_type=Path),
    default=None,
    help="Area-class polygons (column area_class: urban -90 dBm, suburban -95 dBm). Default: "
    "the bundled ILLUSTRATIVE split of Pudong.",
)
@click.option(
    "--no-area-classes", is_flag=True, help="Hold the whole area to the default class's target."
)
@click.option(
    "--operators",
    "operators_out",
    type=click.Path(path_type=Path),
    default=None,
    help="Per-operator covered share (sites need an operator column), plus 'any': .csv or "
    ".json; with --grid the cells also get covered_<operator> and operators (how many cover "
    "at least half of the cell).",
)
@click.option(
    "--radius-m",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Fixed coverage radius in metres instead of the link budget.",
)
@click.option(
    "--projects",
    type=click.Path(path_type=Path),
    default=None,
    help="Site plan whose projects get a covered share and rank the gaps.",
)
@STANDARD_OPTION
@click.option(
    "--crs",
    "crs",
    default=None,
    metavar=CRS_METAVAR,
    help="CRS of the --projects site plan when the file does not say its own (never "
    "overrides one). --sites and --area have their own options.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Gap polygons: .geojson, .gpkg or .parquet.",
)
@click.option(
    "--summary",
    "summary_out",
    type=click.Path(path_type=Path),
    default=None,
    help="Summary per area and per project: .csv or .json.",
)
@click.option(
    "--grid",
    "grid_out",
    type=click.Path(path_type=Path),
    default=None,
    help="Overview grid (the map's): square cells of the catalogue's coverage.grid_cell_m "
    "cut to the area, with covered_fraction per cell: .geojson, .gpkg or .parquet.",
)
@FORCE_OPTION
@engine_options
@input_options
def gaps(
    sites: Path | None,
    sites_crs: str | None,
    area: Path | None,
    area_crs: str | None,
    tech: str | None,
    area_classes: Path | None,
    no_area_classes: bool,
    operators_out: Path | None,
    radius_m: float | None,
    projects: Path | None,
    standards: tuple[Path, ...],
    crs: str | None,
    out: Path,
    summary_out: Path | None,
    grid_out: Path | None,
    force: bool,
    engine_name: str,
    scheduler: str | None,
) -> None:
    """Model coverage from base-station sites and write the gaps over an area.

    Each site has its own budget (its tech or band, else its kind's default); each place is
    held to its area class's RSRP target. The printed figure names its denominator and what
    the sites are (the bundled towers are a partial 2014 single-operator sample).
    """
    outputs = {"--out": out, "--summary": summary_out, "--grid": grid_out}
    _check_outputs(outputs, [sites, area, projects], force, LAYERS_OUT)
    std = _standard(standards)
    site_layer = _open(sites, sites_crs, "--sites-crs") if sites else load("towers")
    area_gdf = read_layer(area, crs=area_crs) if area else load("pudong_boundary")
    classes = None if no_area_classes else read_area_classes(area_classes, std.coverage)
    plan = (
        read_siteplan(projects, std, crs=crs, date_format=_reading("date_format"))
        if projects
        else None
    )
    with Engine(engine_name, scheduler).session() as engine:
        run = gaps_run(
            site_layer, area_gdf, std.coverage, plan=plan, tech=tech, radius_m=radius_m,
            engine=engine, area_classes=classes,
        )  # fmt: skip
    views = _operator_views(operators_out, site_layer, area_gdf, std, tech, classes)
    grid = views.sharing_grid(area_gdf, std.coverage.grid_cell_m) if views and grid_out else None
    figure = None
    if isinstance(site_layer, gpd.GeoDataFrame):
        bundled = {"bundled_sites": sites is None, "bundled_area": area is None}
        figure = coverage_figure(run.result, site_layer, area_gdf, std.coverage, **bundled)
        run.summary["note"] = ""
        run.summary.loc[run.summary["level"] == "area", "note"] = figure.caption("en")
    write_layer(run.gaps, out, force=force)
    if summary_out:
        write_table(run.summary, summary_out, force=force)
    if grid_out:
        write_layer(grid if grid is not None else run.grid, grid_out, force=force)
    if views is not None and operators_out:
        write_table(views.summary, operators_out, force=force)
    _print_gaps(run.result, len(run.gaps), out, grid_out, len(run.grid) if grid_out else 0)
    if figure is not None:
        click.echo(figure.caption("en"))


def _operator_views(
    out: Path | None,
    sites: gpd.GeoDataFrame | PartitionedLayer,
    area: gpd.GeoDataFrame,
    std: Standard,
    tech: str | None,
    classes: gpd.GeoDataFrame | None,
) -> OperatorViews | None:
    """Per-operator coverage when asked for (sites in memory only)."""
    if out is None:
        return None
    if not isinstance(sites, gpd.GeoDataFrame):
        msg = "--operators reads the sites in memory: pass a file, not a folder"
        raise BaselineError(msg, zh="--operators 在内存中读取站点：请传入文件，而不是文件夹")
    return operator_views(sites, area, std.coverage, tech=tech, area_classes=classes)


def _radius_text(r: Any) -> str:
    """One row of the radii table in words: tech, class, radius and any street reach."""
    text = f"{r.tech} {getattr(r, 'area_class', '')} {r.radius_m:.0f} m".replace("  ", " ")
    reach = getattr(r, "street_reach_m", float("nan"))
    return text if math.isnan(reach) else f"{text}, {reach:.0f} m along its own street"


def _print_gaps(
    result: CoverageResult, n_gaps: int, out: Path, grid_out: Path | None, n_cells: int
) -> None:
    if result.sites_skipped:
        click.echo(f"skipped {result.sites_skipped} site(s) with invalid coordinates", err=True)
    radii = ", ".join(_radius_text(r) for r in result.radii.itertuples())
    for r in result.radii.drop_duplicates(["tech", "bs_height_m"]).itertuples():
        if getattr(r, "assumed", ""):
            click.echo(
                f"assumed: {r.assumed} ({r.tech}, {r.bs_height_m:g} m from the catalogue)", err=True
            )
    click.echo(
        f"covered fraction: {result.covered_fraction:.4f} of {result.area_m2 / 1e6:,.1f} km2 "
        f"by {result.sites_used:,} sites ({radii}); {n_gaps:,} gap polygons -> {out}"
    )
    if grid_out:
        click.echo(f"grid: {n_cells:,} cells -> {grid_out}")


SITES_OPTION = click.option(
    "--sites",
    type=click.Path(path_type=Path),
    required=True,
    help="Sites (points): site_id, and tech, band_mhz, height_m where known.",
)


@cli.command()
@SITES_OPTION
@click.option(
    "--points",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to predict (points; CSV with lon, lat or any layer); their columns are kept.",
)
@click.option("--tech", default=None, help="Technology of sites that do not give their own.")
@STANDARD_OPTION
@CRS_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The points with rsrp_dbm, serving_site and distance_m: .csv, .geojson, .gpkg, .parquet.",
)
@FORCE_OPTION
def predict(
    sites: Path,
    points: Path,
    tech: str | None,
    standards: tuple[Path, ...],
    crs: str | None,
    out: Path,
    force: bool,
) -> None:
    """Predict the median RSRP of the best server at every point, in input order.

    The median carries no margin (margins belong to coverage decisions): it is what a drive
    test measures and `baseline calibrate` fits.
    """
    std = _standard(standards)
    result = predict_points(read_layer(sites), read_layer(points, crs=crs), std.coverage,
                            tech=tech, source=points.name)  # fmt: skip
    write_layer(result, out, force=force)
    click.echo(
        f"predicted {len(result):,} point(s): median RSRP {result['rsrp_dbm'].median():.1f} dBm "
        f"(from {result['rsrp_dbm'].min():.1f} to {result['rsrp_dbm'].max():.1f}) -> {out}"
    )


@cli.command("calibrate")
@click.argument("measurements", type=click.Path(path_type=Path))
@SITES_OPTION
@click.option("--tech", required=True, help="The catalogue profile to fit (e.g. 5G_3500).")
@STANDARD_OPTION
@CRS_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The catalogue override to write (.yaml); pass it later with --standard.",
)
@FORCE_OPTION
def calibrate_cmd(
    measurements: Path,
    sites: Path,
    tech: str,
    standards: tuple[Path, ...],
    crs: str | None,
    out: Path,
    force: bool,
) -> None:
    """Fit a profile's offset and distance slope to measured RSRP (lon, lat, rsrp_dbm).

    Writes a catalogue override holding offset_db (measured = predicted + offset),
    slope_db_per_decade, the sample count and the mean error and RMSE before and after,
    overall and per distance band. Nothing is written when the input is refused.
    """
    if out.exists() and not force:
        msg = f"{out}: exists; pass --force to replace it"
        raise BaselineError(msg, zh=f"{out}：已存在；请加 --force 替换")
    std = _standard(standards)
    samples = read_layer(measurements, crs=crs)
    cal = fit_calibration(samples, read_layer(sites), std.coverage, tech, source=measurements.name)
    out.write_text(cal.to_yaml(), encoding="utf-8")
    click.echo(
        f"calibrated {cal.tech} on {cal.samples:,} samples ({cal.outliers} outliers): "
        f"offset {cal.offset_db:+.2f} dB, slope {cal.slope_db_per_decade:+.2f} dB/decade at "
        f"{cal.reference_distance_m:g} m; RMSE {cal.before['rmse_db']:.2f} -> "
        f"{cal.after['rmse_db']:.2f} dB, mean error {cal.before['mean_error_db']:+.2f} -> "
        f"{cal.after['mean_error_db']:+.2f} dB -> {out}"
    )


@cli.command()
@click.argument("works", type=click.Path(path_type=Path))
@click.option("--id-col", default="project_id", show_default=True)
@click.option("--start-col", default="start_date", show_default=True)
@click.option("--end-col", default="end_date", show_default=True)
@click.option("--owner-col", default="owner", show_default=True)
@click.option(
    "--buffer-m",
    type=click.FloatRange(min=0),
    default=None,
    help="Buffer distance in metres (default from the catalogue).",
)
@click.option(
    "--gap-days",
    type=click.IntRange(min=0),
    default=None,
    help="Time tolerance in days (default from the catalogue).",
)
@click.option(
    "--owner-buffers",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV with columns owner,buffer_m[,days_before,days_after]: per-owner distance and "
    "time buffers (asymmetric matching).",
)
@click.option(
    "--protected",
    type=click.Path(path_type=Path),
    default=None,
    help="Protected roads (城市道路管理条例 Art. 33): protected_until, or completed_date and "
    "kind (new|major_repair). Works digging them are reported.",
)
@click.option(
    "--tunnels",
    type=click.Path(path_type=Path),
    default=None,
    help="Assets with asset_type utility_tunnel and spare_capacity > 0: works alongside are "
    "told to route into them.",
)
@click.option(
    "--since",
    type=click.Path(path_type=Path),
    default=None,
    help="A previous output of this command: each recommendation is reported as new, "
    "unchanged, changed or expired.",
)
@STANDARD_OPTION
@CRS_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Recommendations: .csv, .xlsx, .geojson, .gpkg, .parquet or .html.",
)
@FORCE_OPTION
@engine_options
@input_options
def cobuild(
    works: Path,
    id_col: str,
    start_col: str,
    end_col: str,
    owner_col: str,
    buffer_m: float | None,
    gap_days: int | None,
    owner_buffers: Path | None,
    protected: Path | None,
    tunnels: Path | None,
    since: Path | None,
    standards: tuple[Path, ...],
    crs: str | None,
    out: Path,
    force: bool,
    engine_name: str,
    scheduler: str | None,
) -> None:
    """Find co-build opportunities among WORKS: zones that meet in space and time.

    WORKS is a file or a folder from `baseline ingest`. Pairs are judged by the catalogue's
    compatibility table and minimum overlap (shared trench, align dates, shared traffic
    management, align reinstatement). When WORKS is a site plan (it has a kind column), the
    plan is checked first and co-location, new shared sites and pole mounts are recommended
    too. The column and buffer options apply to both.
    """
    _check_outputs(
        {"--out": out}, [works, owner_buffers], force, (".csv", ".xlsx", *LAYERS_OUT, ".html")
    )
    std = _standard(standards)
    layer = _works(_open(works, crs), (id_col, start_col, end_col), works)
    metres, days = read_owner_buffers(owner_buffers) if owner_buffers else (None, None)
    options = CobuildOptions(
        columns=WorksColumns(id_col, start_col, end_col, owner_col),
        buffer_m=buffer_m,
        gap_days=gap_days,
        owner_buffers=metres,
        owner_days=days,
        protected=read_protected(read_layer(protected), std.cobuild, protected.name)
        if protected
        else None,
        tunnels=read_layer(tunnels) if tunnels else None,
        previous=read_previous(since) if since else None,
    )
    with Engine(engine_name, scheduler).session() as engine:
        found = find_opportunities(layer, std, options=options, engine=engine)
    for m in found.messages:
        click.echo(f"warning: {m}", err=True)
    recs = found.recs
    write_recommendations(recs, out, force=force)
    kinds = recs["kind"].value_counts().to_dict()
    saving = summary_line(recs, std.cobuild)
    click.echo(f"{len(recs):,} recommendation(s) {kinds}, {saving} -> {out}")
    if since:
        click.echo(f"since {since.name}: {recs['since'].value_counts().to_dict()}")


@cli.command()
@click.argument("src", type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to create: Hilbert-ordered GeoParquet parts and _partitions.json.",
)
@click.option(
    "--rows-per-part",
    type=click.IntRange(min=1),
    default=250_000,
    show_default=True,
    help="Rows per part file.",
)
@click.option("--layer", default=None, help="Layer of a multi-layer SRC.")
@CRS_OPTION
@FORCE_OPTION
@input_options
def ingest(
    src: Path, out: Path, rows_per_part: int, layer: str | None, crs: str | None, force: bool
) -> None:
    """Partition a large layer once for the dask engine (and for fast reading).

    The parts follow a Hilbert curve, so joins read only the parts whose bounding box can
    match. Example: baseline ingest assets.parquet --out assets.parts
    """
    _check_outputs({"--out": out}, [src], force)
    gdf = read_layer(src, crs=crs, layer=layer, encoding=_reading("encoding"))
    with click.progressbar(length=max(1, -(-len(gdf) // rows_per_part)), label="parts") as bar:
        done = write_parts(
            gdf,
            out,
            rows_per_part=rows_per_part,
            source=src,
            force=force,
            progress=lambda k, n: bar.update(1),
        )
    click.echo(f"wrote {done.rows:,} rows in {len(done.parts)} part(s) to {out} ({done.crs})")


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the outputs.",
)
@click.option("--lang", type=LANG, default="en", show_default=True)
@FORCE_OPTION
def demo(out_dir: Path, lang: str, force: bool) -> None:
    """Run everything that exists on the bundled Pudong data and write the outputs."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"--out {out_dir}: cannot create the folder ({exc.strerror}); choose another"
        zh = f"--out {out_dir}：无法创建该文件夹（{exc.strerror}）；请换一个"
        raise OutputError(msg, zh=zh) from None
    names = ("findings.csv", "report.html", "gaps.geojson", "cobuild.geojson", "cobuild.csv")
    _check_outputs({name: out_dir / name for name in names}, [], force)
    for line in run_demo(out_dir, lang=lang, force=force):
        click.echo(line)


@cli.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True)
@click.option(
    "--basemap",
    "basemap_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An MBTiles or PMTiles (raster) tile package the app serves as its basemap "
    "(no network needed).",
)
def app(port: int, address: str, basemap_file: Path | None) -> None:
    """Start the map app (the same as `make run`): serve.py, which warms the map, then app.py."""
    if basemap_file is not None:
        os.environ["BASELINE_BASEMAP"] = str(basemap_file.resolve())
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(settings.ROOT / "serve.py"),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--browser.gatherUsageStats=false",
    ]
    os.chdir(settings.ROOT)
    sys.stdout.flush()
    os.execv(sys.executable, cmd)  # the server replaces this process: signals reach it


cli.add_command(works)
cli.add_command(opportunities)
cli.add_command(kpi)
cli.add_command(sites)


def main() -> None:
    """Entry point: run the CLI, turning input errors into one line on stderr."""
    debug = "--debug" in sys.argv
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore" if not debug else "default", DataWarning)
            cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        raise SystemExit(130) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except BaselineError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
