"""``baseline works``, ``baseline opportunities`` and ``baseline kpi``: the workspace's co-build.

Every command signs in (``--db``, ``--user``, password from ``BASELINE_PASSWORD`` or a prompt);
a wrong password or a role that may not act ends it with exit status 2 and one message.
"""

from __future__ import annotations

from pathlib import Path

import click
import geopandas as gpd
import pandas as pd

from baseline.cli.session import sign_in, user_options
from baseline.errors import BaselineError
from baseline.io.preflight import preflight
from baseline.io.writers import write_layer
from baseline.standard.catalogue import Standard, load_standard
from baseline.workspace.access import require
from baseline.workspace.kpi import assessment, write_assessment
from baseline.workspace.opportunities import answer, mark_built, opportunities_table
from baseline.workspace.schema import OPPORTUNITY_STATES
from baseline.workspace.sites import add_sites
from baseline.workspace.works import add_works

__all__ = ["kpi", "opportunities", "sites", "works"]

STANDARD_OPTION = click.option(
    "--standard",
    "standards",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Catalogue file(s) overriding the bundled one, in order (repeatable).",
)
OPPORTUNITY_FORMATS = (".csv", ".xlsx", ".geojson", ".gpkg")
KPI_FORMATS = (".csv", ".xlsx", ".json")


def _standard(paths: tuple[Path, ...]) -> Standard:
    return load_standard(*paths)


def _outputs(out: Path, force: bool, formats: tuple[str, ...]) -> None:
    preflight({"--out": out}, inputs=[], force=force, formats={"--out": formats})


@click.group()
def works() -> None:
    """Works registered in the workspace (the co-build works format)."""


@works.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--date-format", default=None, metavar="dmy|mdy|PATTERN", help="Ambiguous dates.")
@STANDARD_OPTION
@user_options
def works_add(
    file: Path, date_format: str | None, standards: tuple[Path, ...], db: str | None, user: str
) -> None:
    """Register or change your organisation's works in FILE and match them at once.

    FILE has project_id, start_date, end_date and a geometry (and optionally utility,
    width_m, name, road_name, and version: the version read of each work you change).
    """
    engine, actor = sign_in(db, user)
    std = _standard(standards)
    result = add_works(engine, actor, file, std=std, date_format=date_format)
    click.echo(
        f"{len(result.saved):,} work(s) saved, {len(result.unchanged):,} unchanged; "
        f"opportunities: {result.created:,} identified, {result.updated:,} updated, "
        f"{result.expired:,} expired"
    )


@click.group()
def sites() -> None:
    """Base-station and tower sites registered by operators and the tower company."""


@sites.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@user_options
def sites_add(file: Path, db: str | None, user: str) -> None:
    """Register or change your organisation's sites in FILE.

    FILE has points with site_id and open_to_all (true/false, 是/否: the site takes every
    operator's equipment), and optionally kind and project_id (the project it serves). The
    assessment counts the share of new sites open to all operators.
    """
    engine, actor = sign_in(db, user)
    added, changed = add_sites(engine, actor, file)
    click.echo(f"{added:,} site(s) added, {changed:,} changed")


def _as_text(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dates and times as ISO text, so every format writes them alike."""
    out = table.copy()
    for col in ("window_start", "window_end", "updated_at"):
        out[col] = [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in out[col]]
    out["window_start"] = out["window_start"].str.slice(0, 10)
    out["window_end"] = out["window_end"].str.slice(0, 10)
    return out


@click.group(invoke_without_command=True)
@click.option("--state", type=click.Choice(OPPORTUNITY_STATES), default=None, help="Only these.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The opportunities with both works: .csv, .xlsx, .geojson or .gpkg.",
)
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("--db", envvar="BASELINE_DB", default=None, metavar="URL", help="As for works add.")
@click.option("--user", envvar="BASELINE_USER", default=None, metavar="NAME", help="Who reads.")
@STANDARD_OPTION
@click.pass_context
def opportunities(
    ctx: click.Context,
    state: str | None,
    out: Path | None,
    force: bool,
    db: str | None,
    user: str | None,
    standards: tuple[Path, ...],
) -> None:
    """Write the opportunities (or answer one, mark one built: see the commands below).

    The identified saving is the co-build's estimate: its saving_note says 示意估算 |
    illustrative estimate while the catalogue's unit costs are illustrative.
    """
    if ctx.invoked_subcommand is not None:
        return
    if out is None or user is None:
        msg = "give --out FILE and --user NAME to write the opportunities"
        raise BaselineError(msg, zh="请给出 --out FILE 和 --user NAME 以写出共建机会")
    _outputs(out, force, OPPORTUNITY_FORMATS)
    engine, actor = sign_in(db, user)
    require(engine, actor, "read", "opportunity")
    table = opportunities_table(engine, state=state, std=_standard(standards))
    write_layer(_as_text(table), out, force=force)
    counts = table["state"].value_counts().to_dict()
    click.echo(f"{len(table):,} opportunit(ies) {counts} -> {out}")


@opportunities.command("answer")
@click.argument("opportunity_id", type=int)
@click.option("--accept/--decline", required=True, help="Your organisation's answer.")
@click.option("--reason", default="", help="Why (required to decline).")
@click.option("--version", type=int, default=None, help="The version you read (conflict check).")
@user_options
def answer_cmd(
    opportunity_id: int,
    accept: bool,
    reason: str,
    version: int | None,
    db: str | None,
    user: str,
) -> None:
    """Accept or decline OPPORTUNITY_ID for your organisation."""
    engine, actor = sign_in(db, user)
    state = answer(engine, actor, opportunity_id, accept=accept, reason=reason, version=version)
    said = "accept" if accept else "decline"
    click.echo(f"opportunity {opportunity_id}: your organisation's answer {said}; now {state}")


@opportunities.command("mark-built")
@click.argument("opportunity_id", type=int)
@click.option("--saving", type=float, required=True, help="The realised saving (CNY).")
@click.option("--version", type=int, default=None, help="The version you read (conflict check).")
@user_options
def mark_built_cmd(
    opportunity_id: int, saving: float, version: int | None, db: str | None, user: str
) -> None:
    """Record that accepted OPPORTUNITY_ID was built, with the saving it realised."""
    engine, actor = sign_in(db, user)
    mark_built(engine, actor, opportunity_id, realised_saving_cny=saving, version=version)
    click.echo(f"opportunity {opportunity_id}: built, realised saving {saving:,.0f} CNY")


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The assessment figures: .csv, .xlsx or .json.",
)
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@STANDARD_OPTION
@user_options
def kpi(out: Path, force: bool, standards: tuple[Path, ...], db: str | None, user: str) -> None:
    """Write the assessment figures (考核) per organisation, category and month."""
    _outputs(out, force, KPI_FORMATS)
    engine, actor = sign_in(db, user)
    require(engine, actor, "kpi")
    table = assessment(engine, std=_standard(standards))
    write_assessment(table, out, force=force)
    click.echo(f"{len(table):,} row(s) of assessment figures -> {out}")
