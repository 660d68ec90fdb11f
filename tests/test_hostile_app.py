"""Real-world inputs (issue 19) through the app's upload: no exception, one message for a
refusal, in the page's language with its headline (issue 18), results where the input is
valid."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from baseline.errors import BaselineError
from baseline.i18n import t
from baseline.io.crs import CRS_HELP, CRS_HELP_ZH
from baseline.io.formats import VECTOR_SUFFIXES
from baseline.io.siteplan import read_siteplan
from baseline.standard.catalogue import load_standard
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_hostile

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    UPLOADS = [
        c
        for c in make_hostile.cli_cases()
        if c["command"] == "check" and not c["args"] and not c.get("out")
    ]
    # the corpus of broken files (corrupt, no CRS, GBK, zip bomb, ...) the page reads as it is
    BROKEN = [
        {"file": name, "data": data}
        for name, data, expected, crs, _ in make_hostile.cases()
        if expected != "ok" and crs is None and Path(name).suffix in VECTOR_SUFFIXES
    ]
LANGUAGES = {"zh": "中文", "en": "English"}


@pytest.fixture(scope="module", params=list(LANGUAGES))
def check_page(request, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("BASELINE_DATA_DIR", str(data))
    mp.setattr("baseline.settings.data_dir", data)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.radio(key="lang_choice").set_value(LANGUAGES[request.param]).run()
    at.switch_page("app_pages/check_page.py")
    at.run()
    yield at, request.param
    mp.undo()


def _upload(at: AppTest, case: dict) -> list[str]:
    at.get("file_uploader")[0].set_value((case["file"], case["data"], "application/octet-stream"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.exception, at.exception
    return [e.value for e in at.error]


def _no_folders(text: str) -> str:
    """``text`` with the folders of absolute paths dropped (each run has its own temp folder)."""
    return re.sub(r"/[^\s'\"]*/", "", text)


def _library_refusal(case: dict, tmp_path) -> BaselineError | None:
    """What the library says of the file read as the page reads it (None: it is read)."""
    path = tmp_path / case["file"]
    path.write_bytes(case["data"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_siteplan(path, load_standard())
    except BaselineError as exc:
        return exc
    return None


@pytest.mark.parametrize("case", UPLOADS, ids=[c["file"] for c in UPLOADS])
def test_upload(check_page, case, tmp_path):
    at, lang = check_page
    errors = _upload(at, case)
    if case["exit"] == 2:
        assert len(errors) == 1 and "Traceback" not in errors[0]
        refusal = _library_refusal(case, tmp_path)
        assert refusal is not None
        assert refusal.message(lang).splitlines()[0] in errors[0]
        assert errors[0].endswith(f"({t(refusal.key, lang)})")
        if lang == "en":
            assert case["message"] in errors[0]
    else:
        assert errors == []
        assert len(at.dataframe) >= 1


@pytest.mark.parametrize("case", BROKEN, ids=[c["file"] for c in BROKEN])
def test_broken_file_gives_its_message_in_the_page_language(check_page, case, tmp_path):
    at, lang = check_page
    refusal = _library_refusal(case, tmp_path)
    if refusal is None:
        pytest.skip("refused only under a lower upload limit (tests/test_hostile.py)")
    errors = _upload(at, case)
    assert len(errors) == 1
    shown = refusal.message(lang)
    for help_text in (CRS_HELP, CRS_HELP_ZH):
        shown = shown.replace(help_text, t("crs_hint", lang))
    assert _no_folders(shown.splitlines()[0]) in _no_folders(errors[0])
    assert case["file"] in errors[0]
    assert errors[0].endswith(f"({t(refusal.key, lang)})")
    if lang == "zh":  # the English of the library is not what a Chinese page shows
        assert re.search("[\u4e00-\u9fff]", errors[0].split("\n\n")[0]), errors[0]
        assert _no_folders(str(refusal).splitlines()[0]) not in _no_folders(errors[0])
