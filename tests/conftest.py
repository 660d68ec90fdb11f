"""Shared fixtures: the catalogue, paths to real data, tiny hand-made geometry."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from baseline.standard.catalogue import load_standard

pytest_plugins = ["tests.pg", "tests.works_helpers"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
UTM = "EPSG:32651"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def shared(*parts: str) -> Path:
    """Path into ../shared/data; skip the test when the folder is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture(scope="session")
def std():
    return load_standard()


@pytest.fixture(scope="session")
def sample_result(std):
    import warnings

    from baseline.demo import sample_check

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sample_check(std)


def utm_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """A GeoDataFrame in UTM 51N (metres) from dicts with a 'geometry' key."""
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=UTM)


@pytest.fixture(scope="session")
def paris_raw():
    """The Paris street works of ../shared/data, read, with id and owner columns mapped."""
    from baseline.io.formats import read_layer

    path = shared("paris_chantiers_perturbants", "paris_chantiers_perturbants_train80.geojson")
    gdf = read_layer(path)
    gdf["project_id"] = gdf["objectid"].astype(str)
    gdf["owner"] = gdf["maitre_ouvrage"]
    return gdf


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n 2`` (make test), the browser tests run one after another on one
    worker (their timings are measured), while the other tests share the other core."""
    for item in items:
        if item.path.stem.endswith("_browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
