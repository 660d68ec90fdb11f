"""The workspace store: a SQLite file keeping every check run and its report.

Each run is written in one transaction (SQLite's journal makes it all-or-nothing, so a writer
killed mid-write leaves earlier runs intact), in WAL mode so readers never block and several
processes can write; a busy timeout serialises concurrent writers instead of failing.
"""

from __future__ import annotations

import getpass
import io
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from baseline import settings
from baseline.check.run import CheckResult
from baseline.errors import BaselineError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    standard_id TEXT NOT NULL,
    standard_version TEXT NOT NULL,
    standard_sha256 TEXT NOT NULL,
    lang TEXT NOT NULL,
    projects INTEGER NOT NULL,
    n_pass INTEGER NOT NULL,
    n_fail INTEGER NOT NULL,
    n_warn INTEGER NOT NULL,
    n_not_applicable INTEGER NOT NULL,
    findings_csv TEXT NOT NULL,
    report_html TEXT NOT NULL
);
"""
LIST_COLUMNS = [
    "id",
    "created",
    "saved_by",
    "file_name",
    "file_sha256",
    "standard_id",
    "standard_version",
    "standard_sha256",
    "projects",
    "n_pass",
    "n_fail",
    "n_warn",
    "n_not_applicable",
]


def _no_run(run_id: int) -> BaselineError:
    return BaselineError(
        f"no saved run with id {run_id}", zh=f"没有编号为 {run_id} 的已保存运行记录"
    )


@dataclass(frozen=True)
class Workspace:
    """A workspace store at ``path`` (created on first use)."""

    path: Path

    @classmethod
    def default(cls) -> Workspace:
        """The store in ``settings.data_dir``."""
        return cls(Path(settings.data_dir) / "workspace.sqlite")

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """Open the store (creating folder and schema), yield a connection, close it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            msg = (
                f"{self.path}: the workspace store cannot be opened ({exc}); "
                "check BASELINE_DATA_DIR"
            )
            zh = f"{self.path}：无法打开工作区存储（{exc}）；请检查 BASELINE_DATA_DIR"
            raise BaselineError(msg, zh=zh) from None
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.executescript(SCHEMA)
            yield con
        except sqlite3.DatabaseError as exc:
            msg = (
                f"{self.path}: the workspace store is damaged ({exc}); move it aside to start anew"
            )
            zh = f"{self.path}：工作区存储已损坏（{exc}）；请将其移走后重新开始"
            raise BaselineError(msg, zh=zh) from None
        finally:
            con.close()

    def save(self, result: CheckResult, report_html: str, *, saved_by: str | None = None) -> int:
        """Save a check run with its findings and report in one transaction; return its id."""
        counts = result.findings["status"].value_counts()
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            saved_by or f"{getpass.getuser()} (single-user)",
            result.source,
            result.source_sha256,
            result.standard.id,
            result.standard.version,
            result.standard.content_hash,
            result.lang,
            len(result.projects),
            *(int(counts.get(s, 0)) for s in ("pass", "fail", "warn", "not_applicable")),
            result.findings.to_csv(index=False),
            report_html,
        )
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO runs (created, saved_by, file_name, file_sha256, standard_id, "
                    "standard_version, standard_sha256, lang, projects, n_pass, n_fail, n_warn, "
                    "n_not_applicable, findings_csv, report_html) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            assert cur.lastrowid is not None  # an INSERT always sets it
            return int(cur.lastrowid)

    def runs(self) -> pd.DataFrame:
        """All saved runs, newest first (without the stored report and findings)."""
        with self.connect() as con:
            rows = con.execute(
                f"SELECT {', '.join(LIST_COLUMNS)} FROM runs ORDER BY id DESC"
            ).fetchall()
        return pd.DataFrame(rows, columns=LIST_COLUMNS)

    def report(self, run_id: int) -> str:
        """The stored HTML report of one run."""
        with self.connect() as con:
            row = con.execute("SELECT report_html FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise _no_run(run_id)
        return str(row[0])

    def findings(self, run_id: int) -> pd.DataFrame:
        """The stored findings of one run."""
        with self.connect() as con:
            row = con.execute("SELECT findings_csv FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise _no_run(run_id)
        return pd.read_csv(io.StringIO(row[0]))
