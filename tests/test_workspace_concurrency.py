"""Many writers at once, and a writer killed mid-submission, on SQLite and PostGIS."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from baseline.workspace import open_workspace, schema_version, trail
from baseline.workspace.migrations import LATEST
from baseline.workspace.projects import register_plan
from baseline.workspace.schema import comments, projects
from tests.conftest import ROOT
from tests.workspace_helpers import FAST_HASH_ENV, STD, count, make_team, plan_b02
from tests.workspace_writer import comments as comments_as

WRITERS, WRITES = 20, 50


def writer(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, **FAST_HASH_ENV, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "tests.workspace_writer", *args]
    pipe = subprocess.PIPE
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=pipe, stderr=pipe, text=True)


@pytest.fixture
def team(db_url):
    built = make_team(db_url)
    register_plan(built.engine, built.owner, plan_b02(), std=STD)
    yield built, db_url
    built.engine.dispose()


def _write(url: str, user_id: int, tag: str, go: Any) -> None:
    go.wait(60)
    comments_as(url, user_id, WRITES, tag)


def test_twenty_concurrent_writers_lose_and_double_nothing(team):
    """20 forked processes (no import cost), started together, 50 transactions each."""
    built, url = team
    built.engine.dispose()  # no connection crosses the fork
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    procs = [ctx.Process(target=_write, args=(url, built.owner.user_id, f"w{k}", go))
             for k in range(WRITERS)]  # fmt: skip
    for proc in procs:
        proc.start()
    started = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0, f"writer {proc.name} ended with {proc.exitcode}"
    elapsed = time.perf_counter() - started
    with built.engine.connect() as con:
        bodies = pd.Series(con.execute(sa.select(comments.c.body)).scalars().all())
    expected = {f"w{k}:{i}" for k in range(WRITERS) for i in range(WRITES)}
    assert len(bodies) == WRITERS * WRITES == 1000
    assert set(bodies) == expected and not bodies.duplicated().any()
    audit = trail(built.engine, record_kind="project", outcome="ok")
    assert (audit["action"] == "comment").sum() == 1000
    print(f"{built.engine.dialect.name}: {WRITERS}x{WRITES} writes in {elapsed:.1f} s")


def _first_open(url: str, go: Any, versions: Any) -> None:
    go.wait(60)
    engine = open_workspace(url)
    versions.put(schema_version(engine))
    engine.dispose()


def test_concurrent_first_opens_migrate_once(db_url):
    """Eight clients open a fresh database at once: one migration, every client at version 1."""
    ctx = multiprocessing.get_context("fork")
    go, versions = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_first_open, args=(db_url, go, versions)) for _ in range(8)]
    for proc in procs:
        proc.start()
    go.set()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    assert sorted(versions.get(timeout=10) for _ in procs) == [LATEST] * 8
    engine = open_workspace(db_url)
    assert count(engine, "schema_migrations") == LATEST
    engine.dispose()


def test_a_writer_killed_mid_submission_leaves_nothing(team, tmp_path):
    built, url = team
    plan = tmp_path / "plan.geojson"
    plan.write_text(plan_b02().to_json(), encoding="utf-8")
    marker = tmp_path / "inserted"
    proc = writer("submit-and-hang", url, str(built.owner.user_id), str(plan), str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "the writer never reached the insert"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # inside the transaction, the row inserted, not committed
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert count(built.engine, "submissions") == 0
    with built.engine.connect() as con:
        row = con.execute(sa.select(projects.c.status, projects.c.version)).one()
    assert tuple(row) == ("open", 1)
    assert (trail(built.engine)["action"] == "submit").sum() == 0
