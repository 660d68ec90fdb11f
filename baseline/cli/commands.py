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
from baseline.cobuild import CobuildOptions, WorksColumns, find_opportunities, read_owner_buffers
from baseline.coverage import CoverageResult, gaps_run
from baseline.demo import run_demo
from baseline.engine import Engine
from baseline.errors import BaselineError, CRSError, DataWarning
from baseline.io.bundled import load, load_assets
from baseline.io.crs import from_wgs84, parse_crs
from baseline.io.formats import read_layer
from baseline.io.partitioned import PartitionedLayer, is_partitioned, open_partitioned
from baseline.io.partitioned import ingest as write_parts
from baseline.io.siteplan import read_siteplan
from baseline.io.writers import write_layer, write_table
from baseline.reports.check_report import write_check
from baseline.reports.cobuild_report import write_recommendations
from baseline.standard.catalogue import Standard, load_standard

LANG = click.Choice(["zh", "en"])
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
        return read_layer(path, crs=crs)
    layer = open_partitioned(path)
    spec = parse_crs(crs) if crs else None
    if spec and (spec.is_offset or not _same_crs(spec.pyproj_crs, layer.crs)):
        msg = (
            f"{path}: the partitioned folder records its CRS as {layer.crs}, but {option} says "
            f"{crs}; a folder from `baseline ingest` is already in its recorded CRS: drop "
            f"{option}, or ingest the source again with the right --crs"
        )
        raise CRSError(msg)
    return layer


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
def standards(standards: tuple[Path, ...], lang: str, category: str | None, as_csv: bool) -> None:
    """List the catalogue's categories and rules with clause and confidence."""
    std = _standard(standards)
    table = std.rule_table(lang)
    if category:
        if category not in std.categories:
            msg = f"'{category}' is not a category, must be one of {', '.join(std.categories)}"
            raise BaselineError(msg)
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
def convert(
    src: Path, dst: Path, src_crs: str | None, dst_crs: str, layer: str | None, force: bool
) -> None:
    """Convert a layer between WGS84, GCJ-02, BD-09 and EPSG systems.

    Example: baseline convert amap.geojson out.gpkg --from gcj02 --to wgs84
    """
    gdf = read_layer(src, crs=src_crs, layer=layer)
    out = from_wgs84(gdf, dst_crs)
    write_layer(out, dst, force=force)
    click.echo(f"wrote {len(out):,} features to {dst} ({dst_crs})")


def _assets(
    files: tuple[Path, ...], crs: str | None, bundled: bool
) -> list[gpd.GeoDataFrame | PartitionedLayer]:
    """The asset sources in order: the bundled layer, then each --assets file or folder."""
    sources: list[gpd.GeoDataFrame | PartitionedLayer] = [load_assets()] if bundled else []
    for f in files:
        layer = _open(f, crs, "--assets-crs")
        if "asset_type" not in layer.columns:
            msg = (
                f"{f.name}: an assets layer needs a column 'asset_type' (tower, pole, sensor, duct)"
            )
            raise BaselineError(msg)
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
    help="Findings file: .csv, .json, .xlsx or .html (the audit report).",
)
@FORCE_OPTION
@engine_options
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
    force: bool,
    engine_name: str,
    scheduler: str | None,
) -> None:
    """Check a site plan against the standard and write the findings.

    Exit status 0 when the check ran, whatever it found; 2 when it could not run.
    """
    std = _standard(standards)
    columns = {k: v for k, v in ((id_col, "project_id"), (category_col, "category")) if k}
    site = read_siteplan(plan, std, crs=crs, columns=columns)
    for note in site.notes:
        click.echo(f"note: {note}", err=True)
    assets = _assets(asset_files, assets_crs, not no_bundled_assets)
    with Engine(engine_name, scheduler).session() as engine:
        result = check(site, std, assets=assets, lang=lang, engine=engine)
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
@click.option("--tech", default=None, help="Technology: 4G, 5G or a catalogue tech id.")
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
def gaps(
    sites: Path | None,
    sites_crs: str | None,
    area: Path | None,
    area_crs: str | None,
    tech: str | None,
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
    """Model coverage from base-station sites and write the gaps over an area."""
    std = _standard(standards)
    site_layer = _open(sites, sites_crs, "--sites-crs") if sites else load("towers")
    area_gdf = read_layer(area, crs=area_crs) if area else load("pudong_boundary")
    plan = read_siteplan(projects, std, crs=crs) if projects else None
    with Engine(engine_name, scheduler).session() as engine:
        run = gaps_run(
            site_layer, area_gdf, std.coverage, plan=plan, tech=tech, radius_m=radius_m,
            engine=engine,
        )  # fmt: skip
    write_layer(run.gaps, out, force=force)
    if summary_out:
        write_table(run.summary, summary_out, force=force)
    if grid_out:
        write_layer(run.grid, grid_out, force=force)
    _print_gaps(run.result, len(run.gaps), out, grid_out, len(run.grid) if grid_out else 0)


def _print_gaps(
    result: CoverageResult, n_gaps: int, out: Path, grid_out: Path | None, n_cells: int
) -> None:
    if result.sites_skipped:
        click.echo(f"skipped {result.sites_skipped} site(s) with invalid coordinates", err=True)
    radii = ", ".join(f"{r.tech} {r.radius_m:.0f} m" for r in result.radii.itertuples())
    for r in result.radii.itertuples():
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
    help="CSV with columns owner,buffer_m: per-owner buffers (asymmetric matching).",
)
@STANDARD_OPTION
@CRS_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Recommendations: .csv, .xlsx, .geojson, .gpkg or .html.",
)
@FORCE_OPTION
@engine_options
def cobuild(
    works: Path,
    id_col: str,
    start_col: str,
    end_col: str,
    owner_col: str,
    buffer_m: float | None,
    gap_days: int | None,
    owner_buffers: Path | None,
    standards: tuple[Path, ...],
    crs: str | None,
    out: Path,
    force: bool,
    engine_name: str,
    scheduler: str | None,
) -> None:
    """Find co-build opportunities: shared trenches among WORKS in space and time.

    WORKS is a file or a folder from `baseline ingest`. When it is a site plan (it has a kind
    column), the plan is checked first and co-location, new shared sites and pole mounts are
    recommended too. The column and buffer options apply to both.
    """
    std = _standard(standards)
    layer = _open(works, crs)
    options = CobuildOptions(
        columns=WorksColumns(id_col, start_col, end_col, owner_col),
        buffer_m=buffer_m,
        gap_days=gap_days,
        owner_buffers=read_owner_buffers(owner_buffers) if owner_buffers else None,
    )
    with Engine(engine_name, scheduler).session() as engine:
        found = find_opportunities(layer, std, options=options, engine=engine)
    for m in found.messages:
        click.echo(f"warning: {m}", err=True)
    recs = found.recs
    write_recommendations(recs, out, force=force)
    total = recs["saving_cny"].sum()
    kinds = recs["kind"].value_counts().to_dict()
    click.echo(f"{len(recs):,} recommendation(s) {kinds}, saving {total:,.0f} CNY -> {out}")


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
def ingest(
    src: Path, out: Path, rows_per_part: int, layer: str | None, crs: str | None, force: bool
) -> None:
    """Partition a large layer once for the dask engine (and for fast reading).

    The parts follow a Hilbert curve, so joins read only the parts whose bounding box can
    match. Example: baseline ingest assets.parquet --out assets.parts
    """
    gdf = read_layer(src, crs=crs, layer=layer)
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
    out_dir.mkdir(parents=True, exist_ok=True)
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
    help="An MBTiles tile package the app serves as its basemap (no network needed).",
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
