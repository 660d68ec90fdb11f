"""The workspace store survives a killed writer and concurrent writers."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from baseline.errors import BaselineError
from baseline.workspace.store import Workspace
from tests.conftest import ROOT
from tests.store_writer import tiny_result


def writer(path, count, tag, size=0.01) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_writer", str(path), str(count), tag, str(size)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def test_save_list_and_reopen_a_report(tmp_path):
    store = Workspace(tmp_path / "ws.sqlite")
    result = tiny_result()
    run_id = store.save(result, "<html>report</html>", saved_by="tester")
    runs = store.runs()
    n_fail = int((result.findings["status"] == "fail").sum())
    assert n_fail > 0
    assert runs[["id", "saved_by", "n_fail"]].values.tolist() == [[run_id, "tester", n_fail]]
    assert runs["standard_sha256"].item() == result.standard.content_hash
    assert store.report(run_id) == "<html>report</html>"
    assert store.findings(run_id)["rule_id"].tolist() == result.findings["rule_id"].tolist()
    with pytest.raises(BaselineError, match="no saved run with id 99"):
        store.report(99)


def test_killed_writer_leaves_earlier_runs_intact(tmp_path):
    path = tmp_path / "ws.sqlite"
    proc = writer(path, 200, "killed", size=2.0)
    saved = 0
    while saved < 3:
        line = proc.stdout.readline()
        assert line, "the writer stopped early"
        saved += line.startswith("saved")
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = Workspace(path)
    runs = store.runs()
    assert len(runs) >= saved
    for run_id in runs["id"]:
        html = store.report(int(run_id))
        assert html.startswith("<html>killed") and html.endswith("</html>")


def test_two_processes_writing_at_once(tmp_path):
    path = tmp_path / "ws.sqlite"
    procs = [writer(path, 15, tag) for tag in ("alpha", "beta")]
    for p in procs:
        _out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
    runs = Workspace(path).runs()
    assert len(runs) == 30
    assert runs["saved_by"].value_counts().to_dict() == {"alpha": 15, "beta": 15}
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_a_damaged_store_is_explained(tmp_path):
    path = tmp_path / "ws.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(BaselineError, match="damaged"):
        Workspace(path).runs()
