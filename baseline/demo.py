"""End-to-end runs on the bundled data: what ``baseline demo`` and the app's overview do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from baseline.check.run import CheckResult, check
from baseline.cobuild.costs import summary_line
from baseline.cobuild.run import recommend
from baseline.coverage.areas import read_area_classes
from baseline.coverage.run import GapsRun, gaps_run
from baseline.io.bundled import get_path, load, load_assets
from baseline.io.siteplan import read_siteplan
from baseline.io.writers import write_layer, write_table
from baseline.reports.check_report import write_check
from baseline.standard.catalogue import Standard, load_standard


def sample_check(std: Standard, *, lang: str = "en") -> CheckResult:
    """Check the bundled illustrative site plan against ``std`` with the bundled assets."""
    plan = read_siteplan(get_path("sample_siteplan"), std)
    return check(plan, std, assets=load_assets(), lang=lang)


def pudong_gaps(
    std: Standard, *, tech: str | None = None, radius_m: float | None = None
) -> GapsRun:
    """Coverage gaps over the bundled Pudong boundary from the bundled towers.

    Each place is held to its class's target from the bundled (illustrative) area classes.
    """
    classes = read_area_classes(None, std.coverage)
    return gaps_run(
        load("towers"), load("pudong_boundary"), std.coverage, tech=tech, radius_m=radius_m,
        area_classes=classes,
    )  # fmt: skip


def run_demo(out_dir: Path, *, lang: str = "en", force: bool = False) -> Iterator[str]:
    """Run the check, gaps and co-build on the bundled data, writing into ``out_dir``."""
    std = load_standard()
    yield f"standard {std.id} {std.version} (sha256 {std.short_hash()})"
    result = sample_check(std, lang=lang)
    for name in ("findings.csv", "report.html"):
        write_check(result, out_dir / name, force=force)
    counts = result.findings["status"].value_counts().to_dict()
    yield f"check: {len(result.projects)} projects, {counts} -> findings.csv, report.html"
    gaps = pudong_gaps(std).result
    write_layer(gaps.gaps, out_dir / "gaps.geojson", force=force)
    yield (
        f"gaps: {gaps.covered_fraction:.1%} of Pudong covered by {gaps.sites_used} sites "
        f"({len(gaps.gaps)} gap polygons) -> gaps.geojson"
    )
    recs = recommend(result, std, assets=load_assets())
    write_layer(recs, out_dir / "cobuild.geojson", force=force)
    write_table(recs.drop(columns="geometry"), out_dir / "cobuild.csv", force=force)
    by_kind = recs["kind"].value_counts().to_dict()
    yield f"co-build: {len(recs)} recommendations {by_kind}, {summary_line(recs, std.cobuild)}"
