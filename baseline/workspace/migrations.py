"""Versioned migrations of the workspace database, the same steps on SQLite and PostgreSQL.

Each migration has a version and a name and runs once, recorded in ``schema_migrations``.
:func:`migrate` applies the pending ones in one transaction: on SQLite that transaction begins
IMMEDIATE (one writer at a time), on PostgreSQL it first takes a transaction-level advisory
lock, so two clients opening a fresh database at once never both run a migration.

Version 1 creates every table of :data:`baseline.workspace.schema.metadata` and the spatial
side of each store: SQLite's R*Tree ``works_rtree`` (bounding boxes of works, by ``works.id``);
PostGIS's ``works.geom`` geometry column with its GiST index ``works_geom_gist``. Version 2
indexes opportunities by their second work (``ix_opportunities_work_b``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.errors import BaselineError, Text
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


def _v2_pair_index(con: Connection, _dialect: str) -> None:
    # a save looks up the opportunities of a work on either side of the pair; the unique
    # (work_a, work_b) constraint serves work_a, this index serves work_b
    con.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_opportunities_work_b ON opportunities (work_b)"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "tables, R*Tree (SQLite) or PostGIS geometry and GiST index", _v1_tables),
    Migration(2, "index of opportunities by their second work", _v2_pair_index),
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
    zh = (
        f"{where}：工作区数据库的结构版本为 {version}，比本版 ICT Baseline 所知的版本 {LATEST} "
        "更新；请先升级 ICT Baseline（pip install -U ict-baseline）再打开"
    )
    return BaselineError(msg, zh=zh)


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
        return _migrate_retrying(engine)
    except sa.exc.DBAPIError as exc:
        where = engine.url.render_as_string(hide_password=True)
        problem = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = Text("check --db", "请检查 --db")
        if "postgis" in problem.lower() or "extension" in problem.lower():
            hint = Text(
                "install PostGIS on the server (Debian: postgresql-15-postgis-3) and have an "
                "administrator run CREATE EXTENSION postgis in this database",
                "请在服务器上安装 PostGIS（Debian：postgresql-15-postgis-3），并由管理员在该"
                "数据库中执行 CREATE EXTENSION postgis",
            )
        msg = f"{where}: the workspace database cannot be opened or migrated ({problem}); {hint.en}"
        zh = f"{where}：无法打开或迁移工作区数据库（{problem}）；{hint.zh}"
        raise BaselineError(msg, zh=zh) from None


LOCKED_RETRY_S = 30.0
"""How long a first open keeps trying while other processes hold a fresh SQLite file."""


def _migrate_retrying(engine: Engine) -> int:
    """Migrate in one transaction; on SQLite retry while the file is locked.

    Several processes opening a new SQLite file at once race to switch it to WAL, a step
    SQLite may answer with "database is locked" at once rather than through the busy
    timeout; the loser waits and tries again (the winner's migration is then found done).
    """
    deadline = time.monotonic() + LOCKED_RETRY_S
    pause = 0.02
    while True:
        try:
            with engine.begin() as con:
                return _apply_pending(con, dialect_of(engine))
        except sa.exc.OperationalError as exc:
            locked = "locked" in str(exc.orig) and dialect_of(engine) == "sqlite"
            if not locked or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


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
