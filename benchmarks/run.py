"""Benchmarks: `make bench` (or python benchmarks/run.py [--quick]) writes benchmarks/RESULTS.md.

Each case runs in its own process so its peak memory (ru_maxrss) is its own. Every figure is
measured beside its floor or peer in the same process on the same data.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# Cases (each returns a dict of figures)


def case_check(n_projects: int, n_assets: int) -> dict:
    """The whole check of n projects against n asset points, beside the bare STRtree floor."""
    import geopandas as gpd
    import shapely
    import synth

    from baseline.check import check
    from baseline.siteplan import SitePlan
    from baseline.standards import load_standard

    std = load_standard()
    # the distance rule counts existing towers and poles (small cells go on street poles)
    side = 80_000.0
    projects, fittings = synth.siteplan(n_projects, side, list(std.categories))
    assets = synth.assets(n_assets, side)
    plan = SitePlan(projects.to_crs(4326), fittings.to_crs(4326), "synthetic")
    over = HERE / "data" / "bench-standard.yaml"
    over.parent.mkdir(exist_ok=True)
    over.write_text("rules:\n  bs-site-nearby:\n    params: {existing: [tower, pole]}\n", "utf-8")
    std = load_standard(over)
    assets_wgs = assets.to_crs(4326)
    result, t_check = timed(check, plan, std, assets=assets_wgs)
    # floor: the same nearest-neighbour search, bare, on the same metric data
    hosts = assets[assets["asset_type"].isin(["tower", "pole"])].geometry.values
    proj_m = projects.geometry.values

    def floor():
        tree = shapely.STRtree(hosts)
        return tree.query_nearest(proj_m, return_distance=True, all_matches=False)

    _, t_floor = timed(floor)
    # the bare spatial work of the whole check (every STRtree the rule kinds use)
    _, t_proj = timed(lambda: (projects.to_crs(4326).to_crs(32651), assets_wgs.to_crs(32651)))
    # peer: geopandas sjoin_nearest for the same question
    hosts_gdf = gpd.GeoDataFrame(geometry=hosts, crs=32651)
    _, t_sjoin = timed(gpd.sjoin_nearest, projects[["geometry"]], hosts_gdf, distance_col="d")
    return {
        "projects": n_projects,
        "assets": n_assets,
        "findings": len(result.findings),
        "check_s": round(t_check, 2),
        "strtree_nearest_floor_s": round(t_floor, 2),
        "reprojection_s": round(t_proj, 2),
        "sjoin_nearest_s": round(t_sjoin, 2),
        "ratio_to_floor": round(t_check / t_floor, 2),
    }


def case_gaps(n_sites: int) -> dict:
    """Gaps over Pudong from n synthetic sites spread over Pudong's box."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from baseline.coverage import find_gaps
    from baseline.data import load
    from baseline.standards import load_standard

    std = load_standard()
    area = load("pudong_boundary")
    minx, miny, maxx, maxy = area.to_crs(32651).total_bounds
    rng = np.random.default_rng(5)
    xy = np.column_stack(
        [
            rng.uniform(minx - 2000, maxx + 2000, n_sites),
            rng.uniform(miny - 2000, maxy + 2000, n_sites),
        ]
    )
    sites = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=32651)
    res, t = timed(find_gaps, sites, area, std.coverage)
    res_fixed, t_fixed = timed(find_gaps, sites, area, std.coverage, radius_m=300)
    return {
        "sites": n_sites,
        "gaps_s": round(t, 2),
        "covered": round(res.covered_fraction, 4),
        "gap_polygons": len(res.gaps),
        "fixed_300m_s": round(t_fixed, 2),
        "covered_fixed": round(res_fixed.covered_fraction, 4),
    }


def case_cobuild(n_works: int) -> dict:
    """Self-join of n works over 6,000 km² with a 50 m buffer and date overlap."""
    import geopandas as gpd
    import synth

    from baseline.cobuild import match_works

    side = 6_000_000_000**0.5 * 1.0  # 6,000 km² square (77.5 km a side)
    works = synth.works(n_works, side)
    pairs, t = timed(match_works, works, buffer_m=50)

    def peer():
        left = works[["work_id", "start", "end", "geometry"]]
        j = gpd.sjoin(left, left, predicate="dwithin", distance=50)
        j = j[j["work_id_left"] < j["work_id_right"]]
        return j[(j["start_left"] <= j["end_right"]) & (j["start_right"] <= j["end_left"])]

    peer_pairs, t_peer = timed(peer)
    assert len(peer_pairs) == len(pairs), (len(peer_pairs), len(pairs))
    return {
        "works": n_works,
        "pairs": len(pairs),
        "cobuild_s": round(t, 2),
        "sjoin_dwithin_s": round(t_peer, 2),
        "speedup_vs_sjoin": round(t_peer / t, 2),
    }


def case_io(n: int) -> dict:
    """Write and read n points as GeoParquet, GeoPackage and GeoJSON through the readers."""
    import tempfile

    import synth

    from baseline import settings
    from baseline.export import write_layer
    from baseline.layers import read_layer

    settings.max_upload_bytes = 10_000_000_000
    gdf = synth.assets(n, 80_000.0).to_crs(4326)
    out = {"features": n}
    with tempfile.TemporaryDirectory() as tmp:
        for ext in ("parquet", "gpkg", "geojson"):
            path = Path(tmp) / f"a.{ext}"
            _, tw = timed(write_layer, gdf, path)
            back, tr = timed(read_layer, path)
            assert len(back) == n
            out[f"{ext}_write_s"] = round(tw, 2)
            out[f"{ext}_read_s"] = round(tr, 2)
            out[f"{ext}_MB"] = round(path.stat().st_size / 1e6, 1)
    return out


CASES = {"check": case_check, "gaps": case_gaps, "cobuild": case_cobuild, "io": case_io}


def run_one(name: str, args: list[str]) -> dict:
    warnings.simplefilter("ignore")
    figures = CASES[name](*map(int, args))
    figures["peak_rss_MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
    return figures


def plan(quick: bool) -> list[tuple[str, list[int]]]:
    if quick:
        return [
            ("check", [1_000, 100_000]),
            ("gaps", [10_000]),
            ("cobuild", [10_000]),
            ("io", [100_000]),
        ]
    return [
        ("check", [10_000, 1_000_000]),
        ("check", [100_000, 1_000_000]),
        ("gaps", [10_000]),
        ("gaps", [100_000]),
        ("cobuild", [100_000]),
        ("io", [1_000_000]),
    ]


def machine() -> str:
    import geopandas
    import pandas
    import pyogrio
    import shapely

    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    mem = (
        subprocess.run(["free", "-g"], capture_output=True, text=True)
        .stdout.split("\n")[1]
        .split()[1]
    )
    return (
        f"{platform.platform()}, {cpu} cores, {mem} GiB; Python {platform.python_version()}, "
        f"geopandas {geopandas.__version__}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), pandas {pandas.__version__}, "
        f"pyogrio {pyogrio.__version__} (GDAL {pyogrio.__gdal_version_string__})"
    )


def table(rows: list[dict]) -> str:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    head = "| " + " | ".join(keys) + " |\n|" + "---|" * len(keys) + "\n"
    return head + "".join("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |\n" for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1:])))
        return
    results: dict[str, list[dict]] = {}
    for name, sizes in plan(args.quick):
        cmd = [sys.executable, str(Path(__file__)), "--one", name, *map(str, sizes)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            figures = {"error": proc.stderr.strip().splitlines()[-1][:120]}
        else:
            figures = json.loads(proc.stdout.strip().splitlines()[-1])
        figures["wall_s"] = round(time.perf_counter() - start, 1)
        print(name, figures, flush=True)
        results.setdefault(name, []).append(figures)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = [
        f"# Benchmark results\n\nRun {stamp} on {machine()}.\n",
        "Produced by `make bench` (`python benchmarks/run.py`); each row is one process.\n",
    ]
    titles = {
        "check": "Whole check vs the bare STRtree nearest-neighbour floor and sjoin_nearest",
        "gaps": "Coverage gaps over Pudong (link budget 5G_3500, and a fixed 300 m radius)",
        "cobuild": "Co-build self-join, 50 m buffer with date overlap, vs geopandas.sjoin dwithin",
        "io": "Reading and writing points through baseline.layers / baseline.export",
    }
    for name, rows in results.items():
        text.append(f"\n## {titles[name]}\n\n{table(rows)}")
    args.out.write_text("".join(text), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
