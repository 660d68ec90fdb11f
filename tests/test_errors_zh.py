"""Every error message in Chinese too (issue 18): each raise of a BaselineError gives ``zh``,
the hostile corpus reads in Chinese with the same facts, ``str(err)`` stays English."""

from __future__ import annotations

import ast
import inspect
import pickle
import re
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from baseline import errors, settings
from baseline.cobuild.core import prepare_works
from baseline.errors import (
    BaselineError,
    CRSError,
    DataWarning,
    Note,
    ReadError,
    Text,
    data_notes,
)
from baseline.io.cells import unique_field_names
from baseline.io.siteplan import read_siteplan
from baseline.standard.catalogue import load_standard
from baseline.standard.problems_zh import problem_text
from tests.conftest import ROOT
from tests.plans import noted_plan

sys.path.insert(0, str(ROOT / "scripts"))
import make_hostile

CJK = re.compile(r"[\u4e00-\u9fff]")
SOURCES = sorted(
    p for folder in ("baseline", "app_pages", "layers") for p in (ROOT / folder).rglob("*.py")
)
ERROR_CLASSES = {
    name
    for name, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, BaselineError | errors.DataWarning)
}  # a DataWarning is made like an error: ``DataWarning(msg, zh=zh)``


# --------------------------------------------------------------------------------------------
# Every place that makes an error gives its Chinese text


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _makes_error(call: ast.Call, caught: set[str]) -> bool:
    """A call building a BaselineError: ``ReadError(...)``, or ``type(exc)(...)`` on one caught."""
    if _called_name(call) in ERROR_CLASSES:
        return True
    func = call.func
    return (
        isinstance(func, ast.Call)
        and _called_name(func) == "type"
        and bool(func.args)
        and isinstance(func.args[0], ast.Name)
        and func.args[0].id in caught
    )


def _caught_errors(tree: ast.AST) -> set[str]:
    """Names bound by ``except SomeBaselineError as name``."""
    return {
        h.name
        for h in ast.walk(tree)
        if isinstance(h, ast.ExceptHandler)
        and h.name
        and isinstance(h.type, ast.Name)
        and h.type.id in ERROR_CLASSES
    }


def _enclosing_function(tree: ast.AST, node: ast.Call) -> ast.AST:
    """The innermost function holding ``node`` (the module when none does)."""
    around = [
        fn
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef) and fn.lineno <= node.lineno <= (fn.end_lineno or 0)
    ]
    return max(around, key=lambda fn: fn.lineno) if around else tree


def _zh_sources(tree: ast.AST, call: ast.Call, value: ast.expr) -> list[ast.AST]:
    """The expressions the ``zh`` argument is made of (a local ``zh = ...`` followed once)."""
    if isinstance(value, ast.Name):
        scope = _enclosing_function(tree, call)
        return [
            a.value
            for a in ast.walk(scope)
            if isinstance(a, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == value.id for t in a.targets)
        ]
    return [value]


def _literal_text(node: ast.AST) -> str:
    return "".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _chinese_by_name(node: ast.AST) -> bool:
    """A Chinese text made elsewhere: ``text.zh``, a name or a helper ending in ``zh``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "zh"
    if isinstance(node, ast.Name):
        return node.id.endswith("zh")
    return isinstance(node, ast.Call) and (_called_name(node) or "").endswith("_zh")


def _error_calls() -> list[tuple[str, ast.Call, ast.AST]]:
    found = []
    for path in SOURCES:
        if path.name == "errors.py" and path.parent.name == "baseline":
            continue  # the classes themselves
        tree = ast.parse(path.read_text("utf-8"))
        caught = _caught_errors(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _makes_error(node, caught):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node, tree))
    return found


def test_every_error_made_in_the_code_gives_a_chinese_text():
    calls = _error_calls()
    assert len(calls) >= 150  # the scan sees the library's raise sites (about 160)
    missing, not_chinese = [], []
    for where, call, tree in calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr == "of":
            continue  # ErrorClass.of(Text(en, zh))
        zh = next((k.value for k in call.keywords if k.arg == "zh"), None)
        if zh is None:
            missing.append(where)
            continue
        parts = _zh_sources(tree, call, zh)
        chinese = any(CJK.search(_literal_text(p)) for p in parts)
        from_other = any(_chinese_by_name(p) for n in parts for p in ast.walk(n))
        if not (chinese or from_other):
            not_chinese.append(where)
    assert missing == [], f"errors without zh=: {missing}"
    assert not_chinese == [], f"zh= without Chinese text: {not_chinese}"


def test_the_scan_fails_on_an_error_without_chinese(tmp_path):
    tree = ast.parse("def f(p):\n    raise ReadError(f'{p}: bad')\n")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert _makes_error(call, set())
    assert not any(k.arg == "zh" for k in call.keywords)
    rethrow = ast.parse("try:\n    g()\nexcept ReadError as exc:\n    raise type(exc)('x')\n")
    calls = [n for n in ast.walk(rethrow) if isinstance(n, ast.Call)]
    outer = next(n for n in calls if isinstance(n.func, ast.Call))
    assert _makes_error(outer, _caught_errors(rethrow))


def test_an_error_needs_its_chinese_text():
    with pytest.raises(TypeError, match="zh"):
        ReadError("plan.zip: bad")  # type: ignore[call-arg]


# --------------------------------------------------------------------------------------------
# The error object: English by default, Chinese on request, both through pickling


def test_message_in_each_language_and_str_stays_english():
    err = CRSError("a.csv: no CRS", zh="a.csv：没有坐标参考系")
    assert str(err) == "a.csv: no CRS" == err.message("en") == err.message("fr")
    assert err.message("zh") == "a.csv：没有坐标参考系"
    assert err.key == "err_crs"


def test_an_error_survives_pickling_with_both_texts():
    err = pickle.loads(pickle.dumps(ReadError.of(Text("x.gpkg: truncated", "x.gpkg：文件不完整"))))
    assert type(err) is ReadError
    assert (str(err), err.zh) == ("x.gpkg: truncated", "x.gpkg：文件不完整")


# --------------------------------------------------------------------------------------------
# The hostile corpus in Chinese: the same file name and numbers as the English


def _refusals(tmp_path: Path, std) -> list[tuple[str, BaselineError]]:
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, data, expected, crs, _ in make_hostile.cases():
            if expected == "ok":
                continue
            path = tmp_path / name
            path.write_bytes(data)
            try:
                if path.suffix == ".yaml":
                    load_standard(path)
                else:
                    read_siteplan(path, std, crs=crs)
            except BaselineError as exc:
                out.append((name, exc))
    return out


def test_every_hostile_refusal_reads_in_chinese_with_the_same_facts(tmp_path, std, monkeypatch):
    monkeypatch.setattr(settings, "max_upload_bytes", 1_000_000)
    refusals = _refusals(tmp_path, std)
    assert len(refusals) >= 25
    wrong = []
    for name, exc in refusals:
        en, zh = exc.message("en"), exc.message("zh")
        numbers = set(re.findall(r"\d+(?:\.\d+)?", en)) - set(re.findall(r"\d+(?:\.\d+)?", zh))
        if not CJK.search(zh) or name not in zh or zh == en or numbers:
            wrong.append((name, en, zh, numbers))
    assert wrong == []


def test_chinese_messages_of_three_hostile_files(tmp_path, std):
    by_name = dict(_refusals(tmp_path, std))
    assert by_name["not_json.geojson"].message("zh") == (
        "not_json.geojson：不是 JSON 文件（开头为 'PK\\x03\\x04 this is not jso'），"
        "请导出为 GeoJSON"
    )
    assert "压缩包以外（zip slip 路径穿越），已拒绝" in by_name["zip_slip.zip"].message("zh")
    no_crs = by_name["no_crs_degrees.csv"].message("zh")
    assert no_crs.startswith("no_crs_degrees.csv：文件没有坐标参考系，其坐标看起来像经纬度；")
    assert "has no coordinate reference system" in str(by_name["no_crs_degrees.csv"])


# --------------------------------------------------------------------------------------------
# The catalogue's problems, listed one per line, each in Chinese


BROKEN_CATALOGUE = """
standard: {id: broken}
categories:
  office: {zh: 办公, rules: [room, ghost]}
  school: {en: School, rules: []}
rules:
  room:
    kind: min_count
    clause: 1
    confidence: X
    obligation: must
    per: street
    stages: [dreaming]
    title: {zh: 机房}
    when: [{attribute: gfa_m2, op: "~", value: 1}, {attribute: a, op: in, value: 3}, {op: x}]
    params: {threshold: -1, colour: red, fitting: teleporter}
  norule: 7
cobuild:
  buffer_m: -5
  gap_days: 1.5
  owner_buffers_m: {power: -1}
  demand_rules: [nothing]
  utilities: [power, water]
  min_overlap_days: -1
  protected_years: {forever: 1}
  compatibility: [{utilities: [power]}]
coverage:
  grid_cell_m: 0
  location_probability: 2
  default_area_class: moon
  techs: {nr: {model: magic, generation: 7G}}
plausible_values:
  gfa_m2: {min: 10, max: 1, source: x, confidence: H}
  households: 3
asset_types:
  tower: [铁塔]
  pole: [铁塔]
not_encoded: {}
"""


def test_every_catalogue_problem_is_listed_in_chinese(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_CATALOGUE, encoding="utf-8")
    with pytest.raises(errors.CatalogueError) as info:
        load_standard(path, include_default=False)
    en = str(info.value).splitlines()
    zh = info.value.message("zh").splitlines()
    assert zh[0].startswith("标准目录有 ") and len(zh) == len(en) >= 30
    untranslated = [line for line in zh[1:] if not CJK.search(line.split("：", 2)[2])]
    assert untranslated == []


def test_an_unknown_catalogue_problem_stays_english_in_both():
    assert problem_text("a brand new problem") == Text("a brand new problem", "a brand new problem")
    assert problem_text("min 10 is above max 1").zh == "最小值 10 大于最大值 1"


# --------------------------------------------------------------------------------------------
# Data warnings and plan notes: both texts at every site, the page's language on show


def _warn_problems(tree: ast.AST, where: str) -> list[str]:
    """``warnings.warn`` given a text (not a DataWarning) or a category: no Chinese then."""
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node) == "warn" and node.args):
            continue
        text = isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp | ast.Name)
        category = len(node.args) > 1 or any(k.arg == "category" for k in node.keywords)
        if text or category:
            out.append(f"{where}:{node.lineno}")
    return out


def _chinese_second(call: ast.Call) -> bool:
    """``Text(en, zh)`` / ``Note(en, zh)`` whose second argument is Chinese."""
    if len(call.args) < 2:
        return False
    zh = call.args[1]
    return bool(CJK.search(_literal_text(zh))) or any(_chinese_by_name(n) for n in ast.walk(zh))


def _note_problems(tree: ast.AST, where: str) -> list[str]:
    """A note appended or made without its Chinese: ``notes.append(f"...")``, ``Note(en)``."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        appended = (
            isinstance(func, ast.Attribute)
            and func.attr == "append"
            and isinstance(func.value, ast.Name)
            and func.value.id == "notes"
        )
        if appended and node.args:
            made = node.args[0]
            text = isinstance(made, ast.Call) and _called_name(made) == "Text"
            if not (text and _chinese_second(made)):
                out.append(f"{where}:{node.lineno}")
        if (
            _called_name(node) == "Note"
            and isinstance(func, ast.Name)
            and not _chinese_second(node)
        ):
            out.append(f"{where}:{node.lineno}")
    return out


def _scan(check) -> list[str]:
    found = []
    for path in SOURCES:
        if path.name == "errors.py" and path.parent.name == "baseline":
            continue
        found += check(ast.parse(path.read_text("utf-8")), str(path.relative_to(ROOT)))
    return found


def test_every_data_warning_and_note_gives_a_chinese_text():
    made = [c for c in _error_calls() if _called_name(c[1]) == "DataWarning"]
    assert len(made) >= 7  # cells 2, formats 5 (the plan's notes warn through DataWarning.of)
    assert _scan(_warn_problems) == []
    assert _scan(_note_problems) == []


def test_the_scan_fails_on_a_warning_or_note_without_chinese():
    bare = ast.parse(
        "def f(p, notes):\n"
        "    warnings.warn(f'{p}: 3 rows skipped', DataWarning, 2)\n"
        "    warnings.warn(DataWarning(f'{p}: 3 rows skipped'))\n"
        "    notes.append(f'{p}: 2 fitting(s) in no project')\n"
        "    notes.append(Text(f'{p}: x', f'{p}: x'))\n"
        "    return Note('1 work too long', '1 work too long')\n"
    )
    assert _warn_problems(bare, "f.py") == ["f.py:2"]
    assert _note_problems(bare, "f.py") == ["f.py:4", "f.py:5", "f.py:6"]
    call = next(n for n in ast.walk(bare) if isinstance(n, ast.Call) and _makes_error(n, set()))
    assert _called_name(call) == "DataWarning" and not call.keywords  # the error scan sees it


def test_a_data_warning_needs_its_chinese_and_str_stays_english():
    with pytest.raises(TypeError, match="zh"):
        warnings.warn("a.csv: 3 rows skipped", DataWarning, stacklevel=1)
    warning = DataWarning("a.csv: 3 rows skipped", zh="a.csv：跳过 3 行")
    assert str(warning) == "a.csv: 3 rows skipped" == warning.message("en")
    assert warning.message("zh") == "a.csv：跳过 3 行"
    back = pickle.loads(pickle.dumps(warning))
    assert (type(back), str(back), back.zh) == (
        DataWarning,
        "a.csv: 3 rows skipped",
        "a.csv：跳过 3 行",
    )


def test_a_note_is_its_english_string_and_keeps_its_chinese_through_pickling():
    note = Note(
        "plan.geojson: 1 fitting(s) lie in no project", "plan.geojson：1 个配套设施不在项目内"
    )
    assert note == "plan.geojson: 1 fitting(s) lie in no project" and f"note: {note}".endswith(
        "project"
    )
    assert type(str(note)) is str and "fitting(s)" in note
    assert note.message("zh") == "plan.geojson：1 个配套设施不在项目内" and note.message() == note
    back = pickle.loads(pickle.dumps([note]))[0]
    assert (type(back), back, back.zh) == (Note, note, note.zh)


def test_a_plan_notes_what_it_repaired_and_assumed_in_both_languages(tmp_path, std):
    plan = read_siteplan(noted_plan(tmp_path), std, on_invalid="fix")
    assert plan.notes == [
        "noted.geojson: 1 feature(s) with empty geometry and 1 with invalid geometry "
        "(rows 18, 19): repaired with make_valid, empty ones dropped",
        "noted.geojson: 1 fitting(s) tied to a project by location",
        "noted.geojson: 1 fitting(s) lie in no project and belong to none",
        "noted.geojson: fittings name unknown project_id(s): PD-X99",
    ]
    assert [n.message("zh") for n in plan.notes] == [
        "noted.geojson：1 个要素几何为空，1 个要素几何无效（第 18, 19 行）："
        "无效几何已用 make_valid 修复，空几何已舍弃",
        "noted.geojson：1 个配套设施按位置归入项目",
        "noted.geojson：1 个配套设施不在任何项目内，不属于任何项目",
        "noted.geojson：配套设施所填 project_id 不存在：PD-X99",
    ]
    kept = read_siteplan(noted_plan(tmp_path), std, on_invalid="warn").notes[0]
    assert kept.message("zh").endswith("（第 18, 19 行）：空几何已舍弃，无效几何保留")


def test_renamed_fields_and_skipped_works_are_noted_in_chinese():
    frame = pd.DataFrame({"Name": ["a"], "name": ["b"], "fid": [1]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        unique_field_names(frame, where="out.gpkg")
    assert [n.message("zh") for n in data_notes(caught)] == [
        "out.gpkg：字段名已改名以免重复：name -> name_2, fid -> fid_2"
    ]
    road = shapely.LineString([(0, 0), (100, 0)])
    works = gpd.GeoDataFrame(
        {
            "project_id": ["ok", "nodate", "reversed", "empty"],
            "start_date": ["2026-01-01", None, "2026-05-01", "2026-01-01"],
            "end_date": ["2026-02-01", "2026-02-01", "2026-01-01", "2026-02-01"],
        },
        geometry=[road, road, road, shapely.Polygon()],
        crs=32651,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        prepare_works(works)
    (note,) = data_notes(caught)
    assert note == (
        "skipped 3 work(s): 1 with missing dates (nodate); 1 with end before start (reversed); "
        "1 with empty geometry (empty)"
    )
    assert note.message("zh") == (
        "已跳过 3 项工程：1 项缺少日期（nodate）；1 项结束早于开始（reversed）；"
        "1 项几何为空（empty）"
    )
