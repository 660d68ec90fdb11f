"""The ``baseline`` command line.

Every command that reads a file takes ``--crs wgs84|gcj02|bd09|EPSG:NNNN``. Errors in the
input end the command with exit status 2 and one message on stderr naming the file, the
problem and the fix; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path

import click

from baseline import __version__, settings
from baseline.errors import BaselineError, DataWarning

LANG = click.Choice(["zh", "en"])
CRS_OPTION = click.option(
    "--crs",
    "crs",
    default=None,
    metavar="wgs84|gcj02|bd09|EPSG:NNNN",
    help="CRS of the input when the file does not say (GeoJSON is WGS84 by its spec).",
)
STANDARD_OPTION = click.option(
    "--standard",
    "standards",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Catalogue file(s) overriding the bundled one, in order (repeatable).",
)
FORCE_OPTION = click.option("--force", is_flag=True, help="Replace an existing output file.")


def engine_options(func):
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


def _engine(name: str, scheduler: str | None):
    from baseline.engine import Engine

    return Engine(name, scheduler)


def _open(path: Path, crs: str | None):
    """A partitioned layer folder (from `baseline ingest`) or any file the readers take."""
    from baseline.io.formats import read_layer
    from baseline.io.partitioned import is_partitioned, open_partitioned

    return open_partitioned(path) if is_partitioned(path) else read_layer(path, crs=crs)


def _standard(paths: tuple[Path, ...]):
    from baseline.standard.catalogue import load_standard

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
        click.echo(f"\n{std.category_label(cat_id, lang)} [{cat_id}]")
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
    from baseline.io.crs import from_wgs84
    from baseline.io.formats import read_layer
    from baseline.io.writers import write_layer

    gdf = read_layer(src, crs=src_crs, layer=layer)
    out = from_wgs84(gdf, dst_crs)
    write_layer(out, dst, force=force)
    click.echo(f"wrote {len(out):,} features to {dst} ({dst_crs})")


def _assets(files: tuple[Path, ...], crs: str | None, bundled: bool) -> list:
    """The asset sources in order: the bundled layer, then each --assets file or folder."""
    from baseline.io.bundled import load_assets

    sources = [load_assets()] if bundled else []
    for f in files:
        layer = _open(f, crs)
        columns = layer.columns
        if "asset_type" not in columns:
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
    standards,
    asset_files,
    no_bundled_assets,
    lang,
    id_col,
    category_col,
    crs,
    out,
    force,
    engine_name,
    scheduler,
) -> None:
    """Check a site plan against the standard and write the findings.

    Exit status 0 when the check ran, whatever it found; 2 when it could not run.
    """
    from baseline.check.run import check
    from baseline.io.siteplan import read_siteplan
    from baseline.reports.check_report import write_check

    std = _standard(standards)
    columns = {k: v for k, v in ((id_col, "project_id"), (category_col, "category")) if k}
    site = read_siteplan(plan, std, crs=crs, columns=columns)
    for note in site.notes:
        click.echo(f"note: {note}", err=True)
    assets = _assets(asset_files, crs, not no_bundled_assets)
    with _engine(engine_name, scheduler).session() as engine:
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
    "--area",
    type=click.Path(path_type=Path),
    default=None,
    help="Area polygon(s). Default: the bundled Pudong boundary.",
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
@CRS_OPTION
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
@FORCE_OPTION
@engine_options
def gaps(
    sites,
    area,
    tech,
    radius_m,
    projects,
    standards,
    crs,
    out,
    summary_out,
    force,
    engine_name,
    scheduler,
) -> None:
    """Model coverage from base-station sites and write the gaps over an area."""
    from baseline.coverage.gaps import find_gaps
    from baseline.coverage.report import gap_report
    from baseline.io.bundled import load
    from baseline.io.formats import read_layer
    from baseline.io.writers import write_layer, write_table

    std = _standard(standards)
    site_layer = _open(sites, crs) if sites else load("towers")
    area_gdf = read_layer(area, crs=crs) if area else load("pudong_boundary")
    with _engine(engine_name, scheduler).session() as engine:
        result = find_gaps(
            site_layer, area_gdf, std.coverage, tech=tech, radius_m=radius_m, engine=engine
        )
    plan = None
    if projects:
        from baseline.io.siteplan import read_siteplan

        plan = read_siteplan(projects, std, crs=crs)
    ranked, table = gap_report(result, area_gdf, plan)
    write_layer(ranked, out, force=force)
    if summary_out:
        write_table(table, summary_out, force=force)
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
        f"by {result.sites_used:,} sites ({radii}); {len(ranked):,} gap polygons -> {out}"
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
    works,
    id_col,
    start_col,
    end_col,
    owner_col,
    buffer_m,
    gap_days,
    owner_buffers,
    standards,
    crs,
    out,
    force,
    engine_name,
    scheduler,
) -> None:
    """Find co-build opportunities: shared trenches among WORKS in space and time.

    WORKS is a file or a folder from `baseline ingest`. When it is a site plan (it has a kind
    column), the plan is checked first and co-location, new shared sites and pole mounts are
    recommended too.
    """
    from baseline.cobuild.core import WorksColumns, prepare_works, trench_recommendations
    from baseline.io.partitioned import PartitionedLayer
    from baseline.reports.cobuild_report import read_owner_buffers

    std = _standard(standards)
    gdf = _open(works, crs)
    cols = WorksColumns(id_col, start_col, end_col, owner_col)
    engine = _engine(engine_name, scheduler)
    obuf = read_owner_buffers(owner_buffers) if owner_buffers else None
    if isinstance(gdf, PartitionedLayer) and engine.name == "dask":
        from baseline.cobuild.core import match_params, trench_from_pairs
        from baseline.cobuild.parts import match_parts as match_works

        with engine.session():
            pairs, messages = match_works(
                gdf, cols, match_params(std, buffer_m, gap_days, obuf), engine
            )
        for m in messages:
            click.echo(f"warning: {m}", err=True)
        recs = trench_from_pairs(pairs)
        _report_recs(recs, out, force)
        return
    if engine.name == "dask":
        raise BaselineError(
            f"{works}: the dask engine reads works from a partitioned layer; create one with "
            f"`baseline ingest {works} --out DIR` and run `baseline cobuild DIR --engine dask`"
        )
    if isinstance(gdf, PartitionedLayer):
        gdf = gdf.frame()
    if "kind" in gdf.columns:
        from baseline.check.run import check
        from baseline.cobuild.core import recommend
        from baseline.io.bundled import load_assets
        from baseline.io.siteplan import read_siteplan

        plan = read_siteplan(works, std, crs=crs)
        recs = recommend(
            check(plan, std, assets=load_assets()),
            std,
            assets=load_assets(),
            buffer_m=buffer_m,
            gap_days=gap_days,
        )
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            prepared = prepare_works(gdf, cols)
        for w in caught:
            click.echo(f"warning: {w.message}", err=True)
        recs = trench_recommendations(
            prepared, std, buffer_m=buffer_m, gap_days=gap_days, owner_buffers=obuf
        )
    _report_recs(recs, out, force)


def _report_recs(recs, out: Path, force: bool) -> None:
    from baseline.reports.cobuild_report import write_recommendations

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
    from baseline.io.formats import read_layer
    from baseline.io.partitioned import ingest as write_parts

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
    from baseline.demo import run_demo

    out_dir.mkdir(parents=True, exist_ok=True)
    for line in run_demo(out_dir, lang=lang, force=force):
        click.echo(line)


@cli.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True)
def app(port: int, address: str) -> None:
    """Start the map app (the same as `make run`): serve.py, which warms the map, then app.py."""
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
