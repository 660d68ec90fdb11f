"""Versioned migrations of the workspace database, the same steps on SQLite and PostgreSQL.

Each migration has a version and a name and runs once, recorded in ``schema_migrations``.
:func:`migrate` applies the pending ones in one transaction: on SQLite that transaction begins
IMMEDIATE (one writer at a time), on PostgreSQL it first takes a transaction-level advisory
lock, so two clients opening a fresh database at once never both run a migration.

Version 1 creates every table of :data:`baseline.workspace.schema.metadata` and the spatial
side of each store: SQLite's R*Tree ``works_rtree`` (bounding boxes of works, by ``works.id``);
PostGIS's ``works.geom`` geometry column with its GiST index ``works_geom_gist``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.errors import BaselineError
from baseline.workspace.db import dialect_of, open_engine
from baseline.workspace.schema import metadata

ADVISORY_LOCK = 0x1C7B45E
"""The PostgreSQL advisory lock key held while migrating."""

history = sa.Table(
    "schema_migrations",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Migration:
    """One step: ``apply(con, dialect)`` runs inside the migrating transaction."""

    version: int
    name: str
    apply: Callable[[Connection, str], None]


def _v1_tables(con: Connection, dialect: str) -> None:
    metadata.create_all(con)
    if dialect == "sqlite":
        con.exec_driver_sql(
            "CREATE VIRTUAL TABLE works_rtree USING rtree(id, minx, maxx, miny, maxy)"
        )
        return
    con.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    con.exec_driver_sql("ALTER TABLE works ADD COLUMN geom geometry")
    con.exec_driver_sql("CREATE INDEX works_geom_gist ON works USING gist (geom)")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "tables, R*Tree (SQLite) or PostGIS geometry and GiST index", _v1_tables),
)
"""Every migration in order; the last version is what this code expects."""

LATEST = MIGRATIONS[-1].version


def current_version(con: Connection) -> int:
    """The highest version recorded in ``schema_migrations`` (0 for a fresh database)."""
    if not sa.inspect(con).has_table(history.name):
        return 0
    found = con.execute(sa.select(sa.func.max(history.c.version))).scalar()
    return int(found or 0)


def _too_new(version: int, con: Connection) -> BaselineError:
    where = con.engine.url.render_as_string(hide_password=True)
    msg = (
        f"{where}: the workspace database is at schema version {version}, newer than this "
        f"ICT Baseline knows (version {LATEST}); upgrade ICT Baseline (pip install -U "
        "ict-baseline) before opening it"
    )
    return BaselineError(msg)


def _apply_pending(con: Connection, dialect: str) -> int:
    if dialect == "postgresql":
        con.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
    history.create(con, checkfirst=True)
    version = current_version(con)
    if version > LATEST:
        raise _too_new(version, con)
    for step in MIGRATIONS:
        if step.version > version:
            step.apply(con, dialect)
            con.execute(
                history.insert().values(
                    version=step.version, name=step.name, applied_at=datetime.now(UTC)
                )
            )
            version = step.version
    return version


def migrate(engine: Engine) -> int:
    """Bring the database to the latest schema version; safe to call on every open.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        From :func:`baseline.workspace.db.open_engine`.

    Returns
    -------
    int
        The schema version now in the database (:data:`LATEST`).

    Raises
    ------
    BaselineError
        When the database is newer than this code, or cannot be reached.
    """
    try:
        with engine.begin() as con:
            return _apply_pending(con, dialect_of(engine))
    except sa.exc.DBAPIError as exc:
        where = engine.url.render_as_string(hide_password=True)
        problem = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = "check --db"
        if "postgis" in problem.lower() or "extension" in problem.lower():
            hint = (
                "install PostGIS on the server (Debian: postgresql-15-postgis-3) and have an "
                "administrator run CREATE EXTENSION postgis in this database"
            )
        msg = f"{where}: the workspace database cannot be opened or migrated ({problem}); {hint}"
        raise BaselineError(msg) from None


def schema_version(engine: Engine) -> int:
    """The schema version of the database, without migrating (0 when it has none)."""
    with engine.connect() as con:
        return current_version(con)


def open_workspace(db: str | Path | None = None) -> Engine:
    """Open the workspace database at ``db`` and migrate it to the latest version.

    Parameters
    ----------
    db : str or Path or None
        ``sqlite:///PATH``, a file path, ``postgresql://...`` or None for ``BASELINE_DB`` or
        the SQLite file in the data folder.

    Returns
    -------
    sqlalchemy.engine.Engine
        Ready for the workspace's functions.
    """
    engine = open_engine(db)
    migrate(engine)
    return engine
