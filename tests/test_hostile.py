"""The hostile-input corpus: every case gives its expected error class, a message naming the
file, no traceback from the CLI, and no file left behind."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest

from baseline import errors, settings
from baseline.check.run import check
from baseline.cli import main
from baseline.io.siteplan import read_siteplan
from baseline.reports.check_report import render_html
from baseline.standard.catalogue import load_standard
from tests.conftest import ROOT

HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    import make_hostile

    manifest = []
    for name, data, expected, crs, what in make_hostile.cases():
        (HOSTILE / name).write_bytes(data)
        manifest.append({"file": name, "expected": expected, "crs": crs, "what": what})
    (HOSTILE / "cases.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


@pytest.fixture(autouse=True)
def one_megabyte_limit(monkeypatch):
    monkeypatch.setattr(settings, "max_upload_bytes", 1_000_000)


def _outcome(case: dict, std) -> tuple[str, str, object]:
    path = HOSTILE / case["file"]
    try:
        if path.suffix == ".yaml":
            load_standard(path)
            return "ok", "", None
        plan = read_siteplan(path, std, crs=case["crs"])
        return "ok", "", check(plan, std)
    except errors.BaselineError as exc:
        return type(exc).__name__, str(exc), None


def _temp_leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("baseline-*")}


def test_corpus_has_at_least_30_cases(corpus):
    assert len(corpus) >= 30
    assert {c["expected"] for c in corpus} >= {
        "ReadError",
        "CRSError",
        "SchemaError",
        "GeometryError",
        "UnsafeInputError",
        "CatalogueError",
        "ok",
    }


def test_every_case_gives_its_expected_error_class(corpus, std, capsys, tmp_path, monkeypatch):
    private = tmp_path / "tmp"  # this test's own temporary folder: other workers use /tmp too
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    monkeypatch.setenv("TMPDIR", str(private))
    before = sorted(p.name for p in HOSTILE.iterdir())
    temp_before = _temp_leftovers()
    assert temp_before == set()
    wrong = []
    for case in corpus:
        got, message, _ = _outcome(case, std)
        if got != case["expected"]:
            wrong.append((case["file"], case["expected"], got, message))
        elif got != "ok":
            stem = Path(case["file"]).name
            if stem not in message:
                wrong.append((case["file"], "message naming the file", message, ""))
    assert sorted(p.name for p in HOSTILE.iterdir()) == before
    assert _temp_leftovers() == temp_before
    with capsys.disabled():
        ok = len(corpus) - len(wrong)
        print(f"\nhostile corpus: {ok}/{len(corpus)} cases gave the expected outcome")
    assert wrong == []


def test_coping_cases_give_real_results(corpus, std):
    by_name = {c["file"]: c for c in corpus}
    _, _, gbk = _outcome(by_name["gbk_no_cpg.zip"], std)
    assert gbk.projects["name"].item() == "浦东新区张江路"
    _, _, unknown = _outcome(by_name["unknown_category.geojson"], std)
    row = unknown.findings[unknown.findings["rule_id"] == "catalogue-category"]
    assert row["status"].tolist() == ["warn"] and "spaceport" in row["message"].item()
    _, _, html_case = _outcome(by_name["html_in_names.geojson"], std)
    page = render_html(html_case)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page


def test_cli_exits_2_without_traceback_and_writes_nothing(corpus, tmp_path, monkeypatch, capsys):
    failures = []
    for case in corpus:
        if case["expected"] == "ok":
            continue
        out = tmp_path / f"{case['file']}.csv"
        path = HOSTILE / case["file"]
        if path.suffix == ".yaml":
            args = [
                "check",
                str(ROOT / "layers" / "sample_siteplan.geojson"),
                "--standard",
                str(path),
            ]
        else:
            args = ["check", str(path), *(["--crs", case["crs"]] if case["crs"] else [])]
        monkeypatch.setattr(sys, "argv", ["baseline", *args, "--out", str(out)])
        with pytest.raises(SystemExit) as info:
            main()
        err = capsys.readouterr().err
        if (
            info.value.code != 2
            or "Traceback" in err
            or not err.startswith("error: ")
            or out.exists()
        ):
            failures.append((case["file"], info.value.code, err[:200]))
    assert failures == []
    assert list(tmp_path.iterdir()) == []
