"""Real-world inputs (issue 19) through the app's upload: no exception, one message for a
refusal (with its headline in the page's language), results where the input is valid."""

from __future__ import annotations

import sys
import warnings

import pytest
from streamlit.testing.v1 import AppTest

from baseline.i18n import t
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


@pytest.fixture(scope="module")
def check_page(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("BASELINE_DATA_DIR", str(data))
    mp.setattr("baseline.settings.data_dir", data)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/check_page.py")
    at.run()
    yield at
    mp.undo()


@pytest.mark.parametrize("case", UPLOADS, ids=[c["file"] for c in UPLOADS])
def test_upload(check_page, case):
    at = check_page
    at.get("file_uploader")[0].set_value((case["file"], case["data"], "application/octet-stream"))
    at.run()
    at.button(key="run_check").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    if case["exit"] == 2:
        assert len(errors) == 1 and case["message"] in errors[0]
        assert "Traceback" not in errors[0]
        headlines = {
            t(k, lang) for k in ("err_read", "err_schema", "err_crs") for lang in ("zh", "en")
        }
        assert any(h in errors[0] for h in headlines)
    else:
        assert errors == []
        assert len(at.dataframe) >= 1
