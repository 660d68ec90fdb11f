"""A throwaway PostgreSQL/PostGIS cluster for the store tests (a pytest plugin).

The session fixture ``pg_cluster`` runs ``initdb`` into a temporary folder, starts the server on
a free port with its unix socket in that folder (no TCP), makes a ``template_postgis`` database
with the extension, and stops and removes everything at the end. ``initdb`` and ``postgres``
refuse to run as root, so as root (CI) they run as the ``postgres`` user through ``runuser``.
``pg_url`` gives each test a fresh database cloned from the template.

When PostgreSQL cannot be started the PostGIS tests skip with the reason, except under
``CI=true`` where they fail: CI must run both stores (``make test`` installs the packages).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TEMPLATE = "template_postgis"
_numbers = itertools.count(1)


def pg_bin() -> Path | None:
    """``BASELINE_PG_BIN``, else the newest PostgreSQL bin folder (Debian layout), or None."""
    given = os.environ.get("BASELINE_PG_BIN")
    if given is not None:
        return Path(given) if (Path(given) / "initdb").exists() else None
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def postgis_installed(bin_dir: Path) -> bool:
    version = bin_dir.parent.name
    return (Path(f"/usr/share/postgresql/{version}/extension") / "postgis.control").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"{' '.join(cmd[:2])} failed: {done.stderr.strip() or done.stdout.strip()}"
        raise RuntimeError(msg)


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary folder; yield the URL of its template db."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    if not postgis_installed(bin_dir):
        raise RuntimeError(f"PostGIS is not installed for PostgreSQL {bin_dir.parent.name}")
    root = Path(tempfile.mkdtemp(prefix="baseline-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "--no-sync", "-E", "UTF8", "--locale=C"])  # fmt: skip
        opts = f"-p {port} -k {root} -c listen_addresses='' -c fsync=off -c max_connections=100"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
              str(root / "log"), "-w", "start"])  # fmt: skip
        try:
            url = f"postgresql://postgres@/{{db}}?host={root}&port={port}"
            _make_template(url)
            yield url
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _make_template(url: str) -> None:
    import psycopg

    with psycopg.connect(url.format(db="postgres"),
                         autocommit=True) as con:  # fmt: skip
        con.execute(f"CREATE DATABASE {TEMPLATE}")
    with psycopg.connect(url.format(db=TEMPLATE), autocommit=True) as con:
        con.execute("CREATE EXTENSION postgis")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[str]:
    """The URL pattern (``{db}`` for the database name) of the session's cluster."""
    try:
        with throwaway_cluster() as url:
            yield url
    except RuntimeError as exc:
        reason = f"PostGIS tests need a PostgreSQL cluster: {exc}; run make test (installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def pg_url(pg_cluster: str) -> str:
    """A fresh database with PostGIS, cloned from the template, for one test."""
    import psycopg

    name = f"t{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_cluster.format(db="postgres"), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return pg_cluster.format(db=name)


@pytest.fixture(params=["sqlite", "postgis"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store in turn: a SQLite file in ``tmp_path``, then a fresh PostGIS database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    return str(request.getfixturevalue("pg_url"))
