"""The dask engine equals the local engine, row for row, on a real LocalCluster.

Partitioned layers are written by `baseline.io.partitioned.ingest` into tmp folders and read back
through GDAL-free GeoParquet; the cluster runs two worker processes, so every task, argument
and result crosses a process boundary as it would on a real cluster.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Point

from baseline.check.run import check
from baseline.cli import cli
from baseline.cobuild import CobuildOptions, WorksColumns, find_pairs, match_works, prepare_works
from baseline.coverage import find_gaps
from baseline.engine import DaskAssets, Engine, asset_index
from baseline.errors import BaselineError, DataWarning, OutputError, ReadError
from baseline.io.bundled import get_path, load, load_assets
from baseline.io.partitioned import INDEX, ingest, open_partitioned
from baseline.io.siteplan import read_siteplan
from tests.conftest import UTM


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with (
        warnings.catch_warnings(),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as lc,
    ):
        warnings.simplefilter("ignore")
        yield lc.scheduler_address


@pytest.fixture()
def dask_engine(cluster):
    with Engine("dask", cluster).session() as engine:
        yield engine


# --------------------------------------------------------------------------------------------
# Ingest


def points(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = rng.uniform([121.4, 31.1], [121.8, 31.4], size=(n, 2))
    kinds = rng.choice(["tower", "pole", "sensor"], n)
    return gpd.GeoDataFrame(
        {"asset_id": [f"A{i}" for i in range(n)], "asset_type": kinds},
        geometry=shapely.points(xy),
        crs="EPSG:4326",
    )


def test_ingest_round_trips_and_parts_are_compact(tmp_path):
    src = points(5_000)
    layer = ingest(src, tmp_path / "parts", rows_per_part=600)
    assert [p.rows for p in layer.parts] == [600] * 8 + [200]
    back = layer.read_all().drop(columns="_row")
    pd.testing.assert_frame_equal(back.drop(columns="geometry"), src.drop(columns="geometry"))
    assert shapely.equals_exact(back.geometry.values, src.geometry.values, 0).all()
    # Hilbert order: the parts' boxes add up to a fraction of what parts in file order
    # (each spanning nearly the whole box) add up to
    part_area = sum(shapely.area(shapely.box(*p.bbox)) for p in layer.parts)
    plain = sum(
        shapely.area(shapely.box(*src.iloc[k : k + 600].total_bounds)) for k in range(0, 5_000, 600)
    )
    assert part_area < 0.2 * plain
    for k, p in enumerate(layer.parts):
        part = layer.read(k)
        assert tuple(part.total_bounds) == pytest.approx(p.bbox)


def test_a_layer_of_geometry_alone_and_one_of_lines_round_trip(tmp_path):
    only = points(700)[["geometry"]]
    back = ingest(only, tmp_path / "a", rows_per_part=300).read_all()
    assert list(back.columns) == ["_row", "geometry"] and len(back) == 700
    assert shapely.equals_exact(back.geometry.values, only.geometry.values, 0).all()
    lines = gpd.GeoDataFrame(
        {"id": [1, 2]}, geometry=shapely.linestrings([[[0, 0], [1, 1]], [[2, 2], [3, 1]]]), crs=4326
    )
    layer = ingest(lines, tmp_path / "b", rows_per_part=1)
    assert [p.bbox for p in layer.parts] == [(0, 0, 1, 1), (2, 1, 3, 2)]
    assert layer.read_all()["id"].tolist() == [1, 2]


@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")  # inside dask's reader
def test_parts_open_in_dask_geopandas_with_their_boxes(tmp_path):
    dask_geopandas = pytest.importorskip("dask_geopandas")
    layer = ingest(points(2_000), tmp_path / "parts", rows_per_part=500)
    ddf = dask_geopandas.read_parquet(tmp_path / "parts")
    assert ddf.npartitions == 4
    boxes = ddf.spatial_partitions.bounds.to_numpy()
    np.testing.assert_allclose(boxes, layer.boxes())
    assert len(ddf.compute()) == 2_000


def test_ingest_refuses_to_overwrite_and_leaves_nothing_when_it_fails(tmp_path):
    src = points(1_000)
    ingest(src, tmp_path / "parts", rows_per_part=400)
    with pytest.raises(OutputError, match="already exists"):
        ingest(src, tmp_path / "parts")

    def boom(done, total):
        if done == 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        ingest(src, tmp_path / "other", rows_per_part=300, progress=boom)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts"]
    # a failed --force run keeps the old folder whole
    with pytest.raises(RuntimeError):
        ingest(src, tmp_path / "parts", rows_per_part=300, force=True, progress=boom)
    assert open_partitioned(tmp_path / "parts").rows == 1_000


def test_an_empty_layer_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ReadError, match="no features"):
        ingest(points(3).iloc[0:0], tmp_path / "parts")
    assert list(tmp_path.iterdir()) == []


def test_opening_something_else_says_what_to_do(tmp_path):
    with pytest.raises(ReadError, match="baseline ingest"):
        open_partitioned(tmp_path)
    layer = ingest(points(100), tmp_path / "parts", rows_per_part=50)
    (layer.path / layer.parts[1].file).unlink()
    with pytest.raises(ReadError, match="missing"):
        open_partitioned(layer.path)
    (layer.path / INDEX).write_text("{not json", encoding="utf-8")
    with pytest.raises(ReadError, match="unreadable"):
        open_partitioned(layer.path)


# --------------------------------------------------------------------------------------------
# Nearest asset: exact distances by construction, pruned parts


def test_nearest_is_exact_across_rounds_and_reads_only_near_parts(tmp_path, dask_engine):
    # assets in four far-apart clusters, each its own part; projects 100 m, 1,700 m and
    # 9,000 m from the nearest pole: settled in the first, second and third round
    x0, y0 = 350_000.0, 3_450_000.0
    rows = []
    for cx in (0, 40_000, 80_000, 120_000):
        for k in range(50):
            rows.append({"asset_type": "pole", "geometry": Point(x0 + cx + k, y0)})
    assets = gpd.GeoDataFrame(rows, crs=UTM).to_crs(4326)
    layer = ingest(assets, tmp_path / "a", rows_per_part=50)
    assert len(layer.parts) == 4
    geoms = np.array(
        [Point(x0 - 100, y0), Point(x0 + 40_000 - 1_700, y0), Point(x0 + 120_049 + 9_000, y0)]
    )
    found = DaskAssets(layer, UTM, dask_engine, ["pole"])
    dist = found.nearest(geoms, ["pole"])
    local = asset_index(assets, UTM, {"pole"}).nearest(geoms, ["pole"])
    np.testing.assert_array_equal(dist, local)
    np.testing.assert_allclose(dist, [100, 1_700, 9_000], atol=1e-3)
    # round 1: one part each for the first project; the far ones find nothing within 500 m
    assert found.parts_read < 3 * 4
    assert np.isinf(found.nearest(geoms, ["tower"])).all()


# --------------------------------------------------------------------------------------------
# Whole runs: check, gaps, co-build on the bundled and shared data


def test_check_on_dask_equals_local(tmp_path, std, dask_engine):
    plan = read_siteplan(get_path("sample_siteplan"), std)
    assets = load_assets()
    layer = ingest(assets, tmp_path / "assets", rows_per_part=300)
    assert len(layer.parts) == 9
    a = check(plan, std, assets=assets)
    b = check(plan, std, assets=layer, engine=dask_engine)
    c = check(plan, std, assets=layer)  # the local engine reading the same parts
    pd.testing.assert_frame_equal(a.findings, b.findings)
    pd.testing.assert_frame_equal(a.findings, c.findings)
    assert len(a.findings) == 522 and (a.findings["status"] == "fail").sum() == 30  # 14, 15


def test_dask_engine_needs_partitioned_input(std):
    with pytest.raises(BaselineError, match="baseline ingest"):
        asset_index(load_assets(), UTM, {"tower"}, Engine("dask"))
    with pytest.raises(BaselineError, match="baseline ingest"):
        find_gaps(load("towers"), load("pudong_boundary"), std.coverage, engine=Engine("dask"))
    with pytest.raises(BaselineError, match="--engine dask"):
        Engine("local", "tcp://127.0.0.1:1")
    with pytest.raises(BaselineError, match="choose one"):
        Engine("spark")


def test_gaps_on_dask_equal_local(tmp_path, std, dask_engine):
    towers = load("towers")
    area = load("pudong_boundary")
    layer = ingest(towers, tmp_path / "towers", rows_per_part=200)
    a = find_gaps(towers, area, std.coverage)
    b = find_gaps(layer, area, std.coverage, engine=dask_engine)
    assert len(a.gaps) == len(b.gaps) >= 5  # issue 15: margins shrink the footprints
    np.testing.assert_allclose(b.gaps["area_m2"], a.gaps["area_m2"], rtol=1e-9, atol=1e-3)
    assert b.covered_fraction == pytest.approx(a.covered_fraction, abs=1e-12)
    assert b.sites_used == a.sites_used
    pd.testing.assert_frame_equal(b.radii.reset_index(drop=True), a.radii, check_dtype=False)
    assert shapely.equals_exact(
        shapely.normalize(b.gaps.geometry.values), shapely.normalize(a.gaps.geometry.values), 1e-6
    ).all()


def test_cobuild_on_dask_equals_local(tmp_path, std, paris_raw, dask_engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        works = prepare_works(paris_raw)
    params = CobuildOptions(buffer_m=50).match_params(std.cobuild)
    a = match_works(works, **dataclasses.asdict(params))
    layer = ingest(paris_raw, tmp_path / "works", rows_per_part=150)
    assert len(layer.parts) >= 5
    b, messages = find_pairs(layer, params, cols=WorksColumns(), engine=dask_engine)
    assert len(a) == len(b) == 402
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert shapely.equals_exact(a.geometry.values, b.geometry.values, 0).all()
    # the two rows the reader skips are named once, by the task of their own part
    assert sum("skipped" in m for m in messages) >= 1
    assert sum(int(m.split()[1]) for m in messages) == 2
    # and come back from the workers with their Chinese
    assert all(m.message("zh").startswith("已跳过 ") for m in messages)
    assert sum(int(m.message("zh").split()[1]) for m in messages) == 2


# --------------------------------------------------------------------------------------------
# The command line


def test_cli_ingest_and_check_with_both_engines(tmp_path, cluster):
    plan = get_path("sample_siteplan")
    assets = tmp_path / "assets.parquet"
    load_assets().to_parquet(assets)
    runner = CliRunner()
    parts = tmp_path / "parts"
    res = runner.invoke(cli, ["ingest", str(assets), "--out", str(parts), "--rows-per-part", "500"])
    assert res.exit_code == 0, res.output
    assert "2,445 rows in 5 part(s)" in res.output
    meta = json.loads((parts / INDEX).read_text("utf-8"))
    assert meta["source"] == "assets.parquet" and len(meta["source_sha256"]) == 64
    outs = {}
    runs = {
        "local": ["--assets", str(assets)],
        "dask": ["--assets", str(parts), "--engine", "dask"],
        "cluster": ["--assets", str(parts), "--engine", "dask", "--scheduler", cluster],
    }
    for name, extra in runs.items():
        out = tmp_path / f"{name}.csv"
        args = ["check", str(plan), "--no-bundled-assets", *extra, "--out", str(out)]
        res = runner.invoke(cli, args)
        assert res.exit_code == 0, res.output
        outs[name] = pd.read_csv(out)
    pd.testing.assert_frame_equal(outs["local"], outs["dask"])
    pd.testing.assert_frame_equal(outs["local"], outs["cluster"])
    assert len(outs["local"]) == 522  # issues 14 and 15


def run_cli(*args: str) -> subprocess.CompletedProcess:
    code = "from baseline.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )


def test_cli_engine_errors_are_one_line(tmp_path):
    plan = str(get_path("sample_siteplan"))
    res = run_cli("check", plan, "--engine", "dask", "--out", str(tmp_path / "f.csv"))
    assert res.returncode == 2 and "baseline ingest" in res.stderr, res.stderr
    gaps = ["gaps", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    res = run_cli(*gaps, "--out", str(tmp_path / "g.geojson"))
    assert res.returncode == 2 and "cannot reach the dask scheduler" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_damaged_part_is_named_with_the_fix(tmp_path, engine):
    layer = ingest(load_assets(), tmp_path / "parts", rows_per_part=1_000)
    damaged = layer.path / layer.parts[1].file
    damaged.write_bytes(damaged.read_bytes()[:200])  # cut short, as a failed copy would
    plan = str(get_path("sample_siteplan"))
    out = tmp_path / "f.csv"
    res = run_cli(
        "check",
        plan,
        "--no-bundled-assets",
        "--assets",
        str(layer.path),
        "--engine",
        engine,
        "--out",
        str(out),
    )
    assert res.returncode == 2, res.stderr
    assert damaged.name in res.stderr and "baseline ingest" in res.stderr
    assert "Traceback" not in res.stderr and not out.exists()
