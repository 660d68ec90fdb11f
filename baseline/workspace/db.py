"""Where the workspace lives: a database URL resolved and opened the same way everywhere.

The embedded default is a SQLite file in ``settings.data_dir`` (``make run`` needs no server),
opened in WAL mode with a busy timeout so several processes can write. An office points every
client at one PostgreSQL/PostGIS database with ``--db postgresql://...`` or ``BASELINE_DB``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from baseline import settings
from baseline.errors import BaselineError

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another to finish before giving up."""


def default_url() -> str:
    """The URL used when none is given: ``BASELINE_DB``, else ``data_dir/workspace.sqlite``."""
    env = os.environ.get("BASELINE_DB", "").strip()
    if env:
        return env
    return f"sqlite:///{Path(settings.data_dir) / 'workspace.sqlite'}"


def resolve_url(db: str | Path | None = None) -> URL:
    """Turn what a user gives into a SQLAlchemy URL with our drivers.

    Parameters
    ----------
    db : str or Path or None
        ``sqlite:///PATH``, a plain file path, ``postgresql://user@host/name`` (with or without
        a driver), or None for :func:`default_url`.

    Returns
    -------
    sqlalchemy.engine.URL
        ``sqlite+pysqlite`` or ``postgresql+psycopg``.

    Raises
    ------
    BaselineError
        For a scheme the workspace does not serve.
    """
    text = default_url() if db is None or str(db).strip() == "" else str(db).strip()
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        url = make_url(text)
    except sa.exc.ArgumentError:
        msg = f"{text}: not a database URL; give sqlite:///PATH, a file path or postgresql://..."
        zh = f"{text}：不是数据库地址；请给出 sqlite:///PATH、文件路径或 postgresql://..."
        raise BaselineError(msg, zh=zh) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    msg = (
        f"{url.render_as_string(hide_password=True)}: the workspace runs on SQLite or "
        "PostgreSQL/PostGIS only; give sqlite:///PATH or postgresql://..."
    )
    zh = (
        f"{url.render_as_string(hide_password=True)}：工作区只支持 SQLite 或 "
        "PostgreSQL/PostGIS；请给出 sqlite:///PATH 或 postgresql://..."
    )
    raise BaselineError(msg, zh=zh)


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    """WAL, a busy timeout and enforced foreign keys on every SQLite connection."""
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(con: Any) -> None:
    """Take the write lock at BEGIN (IMMEDIATE), so read-then-write never deadlocks."""
    con.exec_driver_sql("BEGIN IMMEDIATE")


def open_engine(db: str | Path | None = None) -> Engine:
    """Open the workspace database (the SQLite folder is created if missing).

    Parameters
    ----------
    db : str or Path or None
        As for :func:`resolve_url`.

    Returns
    -------
    sqlalchemy.engine.Engine
        With SQLite's pragmas set on every connection; transactions begin IMMEDIATE there.
    """
    url = resolve_url(db)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"{path}: the workspace folder cannot be created ({exc}); check --db"
            raise BaselineError(
                msg, zh=f"{path}：无法创建工作区文件夹（{exc}）；请检查 --db"
            ) from None
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling is switched off so ours (IMMEDIATE) is the one used
        sa.event.listen(
            engine,
            "connect",
            lambda con, _rec: setattr(con, "isolation_level", None),
        )
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def dialect_of(engine: Engine) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return str(engine.dialect.name)
