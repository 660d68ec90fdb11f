import warnings

import pytest

from baseline.maps.palette import STATUS_COLOURS
from baseline.reports.check_report import write_check
from tests.browser import browser

pytestmark = pytest.mark.browser


def test_html_report_opens_in_chromium_without_network(sample_result, tmp_path):
    path = tmp_path / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_check(sample_result, path)
    requests: list[str] = []
    with browser() as b:
        page = b.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_load_state("networkidle")
        assert page.title() == "ICT baseline compliance report"
        maps = page.locator("figure svg")
        assert maps.count() == int((sample_result.projects["status"] == "fail").sum())
        fail = STATUS_COLOURS["fail"]
        red = page.locator(f'figure svg [fill="{fail}"], figure svg [stroke="{fail}"]')
        assert red.count() > 0
        box = maps.first.bounding_box()
        assert box["width"] == 240 and box["height"] == 240
        rows = page.locator("table").last.locator("tbody tr").count()
        assert rows == len(sample_result.findings)
        page.screenshot(path="tests/screenshots/report.png", full_page=False)
    outside = [u for u in requests if not u.startswith(("file://", "data:"))]
    assert outside == []
    assert len(requests) >= 1
