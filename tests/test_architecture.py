"""The shape of the house: no import cycle, a CLI without the UI, public names declared."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "baseline"
# imported inside functions on purpose: optional and heavy (each place says why)
OPTIONAL = {"ezdxf", "dask", "distributed", "dask_geopandas", "duckdb", "pmtiles"}
UI = ("streamlit", "folium", "streamlit_folium", "branca")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """(imported baseline module, at function level?) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    local = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f)}  # fmt: skip
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]  # fmt: skip
        for target in targets:
            if target.split(".")[0] == "baseline":
                found.append((target, id(node) in local))
    return found


def import_graph() -> dict[str, set[str]]:
    """Edges module -> baseline module it imports (function-level imports included).

    Importing ``baseline.a.b`` runs ``baseline/a/__init__.py`` first, so the package is an
    edge too, except a module's own ancestors (already being imported when it runs).
    """
    mods = modules()
    known = set(mods)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, _ in imports_of(name, path, known):
            parts = target.split(".")
            for k in range(2, len(parts) + 1):
                dep = ".".join(parts[:k])
                if dep in known and dep != name and not name.startswith(dep + "."):
                    graph[name].add(dep)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_import_graph_has_no_cycle():
    graph = import_graph()
    assert len(graph) > 30
    assert "baseline.check.run" in graph["baseline.cobuild.core"]  # the graph is real
    assert find_cycle(graph) is None


def test_function_level_imports_only_for_optional_dependencies():
    """Every import inside a function is of an optional heavy dependency, never of baseline."""
    offenders = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                        node.module or ""]  # fmt: skip
                    roots = {n.split(".")[0] for n in names}
                    if not roots <= OPTIONAL:
                        offenders.append(f"{name}.{func.name}: {', '.join(sorted(roots))}")
    assert offenders == []


def test_library_never_imports_streamlit():
    for name, path in modules().items():
        for target in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(target, ast.Import | ast.ImportFrom):
                names = [a.name for a in target.names] if isinstance(target, ast.Import) else [
                    target.module or ""]  # fmt: skip
                assert not any(n.split(".")[0] == "streamlit" for n in names), name


@pytest.mark.parametrize("name", sorted(m for m in modules() if m.count(".") == 1
                                        and (PACKAGE / m.split(".")[1]).is_dir()))  # fmt: skip
def test_subpackages_declare_their_public_names(name):
    module = importlib.import_module(name)
    if name == "baseline.maps":  # the app's maps need the `app` extra; nothing re-exported
        return
    assert module.__all__, name
    for public in module.__all__:
        assert hasattr(module, public), f"{name}.{public}"


WITHOUT_UI = (
    "import sys\n"
    + "".join(f"sys.modules[{m!r}] = None\n" for m in UI)
    + "from baseline.cli import main\nmain()\n"
)


def run_without_ui(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_UI, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_cli_works_without_the_ui_packages(tmp_path):
    """check, gaps, cobuild, convert, standards and ingest with the UI packages unimportable."""
    plan = ROOT / "layers" / "sample_siteplan.geojson"
    probe = run_without_ui("--help", cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    denied = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['folium'] = None\nimport folium"],
        capture_output=True,
        text=True,
    )
    assert denied.returncode != 0  # the guard really makes them unimportable
    commands = [
        ("standards", "--csv"),
        ("check", plan, "--out", tmp_path / "f.csv"),
        ("check", plan, "--out", tmp_path / "report.html"),
        ("gaps", "--radius-m", "500", "--out", tmp_path / "g.geojson"),
        ("cobuild", plan, "--out", tmp_path / "r.csv"),
        (
            "convert",
            ROOT / "layers" / "metro_stations.geojson",
            tmp_path / "m.gpkg",
            "--to",
            "gcj02",
        ),
        ("ingest", ROOT / "layers" / "towers.geojson", "--out", tmp_path / "towers.parts"),
    ]
    for args in commands:
        done = run_without_ui(*args, cwd=tmp_path)
        assert done.returncode == 0, (args[0], done.stderr)
    assert (tmp_path / "report.html").stat().st_size > 10_000
    assert (tmp_path / "towers.parts" / "_partitions.json").exists()


WITHOUT_DASK = "import sys\nsys.modules['dask'] = None\nfrom baseline.cli import main\nmain()\n"
NO_DASK = (
    "error: --engine dask needs the package 'dask', which is not installed; "
    "install it with: pip install 'ict-baseline[dask]'"
)


@pytest.mark.parametrize(
    "args",
    [
        ("check", ROOT / "layers" / "sample_siteplan.geojson", "--out", "f.csv"),
        ("gaps", "--radius-m", "500", "--out", "g.geojson"),
        ("cobuild", ROOT / "layers" / "sample_siteplan.geojson", "--out", "r.csv"),
    ],
    ids=lambda args: str(args[0]),
)
def test_dask_engine_without_dask_is_one_line(args, tmp_path):
    """--engine dask with dask unimportable: exit 2, the package and the fix, no traceback."""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_DASK, *map(str, args), "--engine", "dask"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [NO_DASK]
    assert list(tmp_path.iterdir()) == []  # nothing written
