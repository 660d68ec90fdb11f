"""The standards catalogue: which fittings each project category must have.

The catalogue is YAML data (``standards/pudong-ict-baseline.yaml``). :func:`load_standard`
reads one or more files (later files override earlier ones key by key, so a district can
tighten one threshold), validates everything once, and raises a single
:class:`~baseline.errors.CatalogueError` that lists every problem with its file and path.

Rule kinds are not listed here: they come from the registry
(:mod:`baseline.standard.registry`, filled by :mod:`baseline.standard.rule_kinds`), so the
catalogue can never name a kind the code cannot evaluate, and each rule's parameters are
checked against its kind's schema. :class:`Rule` and :class:`Condition` are defined in
:mod:`baseline.standard.rule` and re-exported here.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from baseline import settings
from baseline.errors import CatalogueError, Text
from baseline.standard.coverage_schema import validate_coverage
from baseline.standard.inputs import (
    Bound,
    asset_type_problems,
    asset_types,
    plausible_problems,
    plausible_values,
)
from baseline.standard.params import (
    COBUILD_NUMBERS,
    CobuildParams,
    CoverageParams,
    cobuild_problems,
)
from baseline.standard.problems_zh import problem_text
from baseline.standard.rule import STAGES, Condition, Rule
from baseline.standard.rule_kinds import RULE_KINDS

CONFIDENCES = ("H", "M", "L")
OBLIGATIONS = ("shall", "should")
OPERATORS = (">=", ">", "<=", "<", "==", "!=", "in")
LANGS = ("zh", "en")
FITTING_KINDS = (
    "boundary",
    "centreline",
    "duct",
    "telecom_room",
    "fibre_cabinet",
    "base_station_site",
    "indoor_coverage",
    "smart_pole",
    "sensor",
)
FEATURE_KINDS = (*FITTING_KINDS, "building")
"""Every ``kind`` a site plan may hold: the fittings, the projects and the buildings."""
PER = ("project", "building")
SOURCE_KEYS = ("document", "clause", "read")
_MAX_EXPANDED_NODES = 200_000
_MAX_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class Category:
    """A project category with its bilingual labels and the ids of its rules."""

    id: str
    zh: str
    en: str
    group: str
    rules: tuple[str, ...]

    def label(self, lang: str = "en") -> str:
        """Return the category's label in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Standard:
    """A loaded, validated catalogue.

    Attributes
    ----------
    id, version : str
        From the ``standard`` section; the version of overriding files is appended.
    content_hash : str
        SHA-256 of the merged catalogue in canonical JSON, for audit trails.
    files : tuple of pathlib.Path
        The files it was read from, in order.
    plausible_values : mapping of str to Bound
        The plausible range of numeric attributes (``gfa_m2``, ``households``, ...).
    asset_types : mapping of str to tuple of str
        Each existing asset type (``tower``, ``pole``, ...) with the names files give it.
    """

    id: str
    version: str
    title: Mapping[str, str]
    categories: Mapping[str, Category]
    rules: Mapping[str, Rule]
    fittings: Mapping[str, Mapping[str, str]]
    cobuild: CobuildParams
    coverage: CoverageParams
    dxf_layers: Mapping[str, str]
    column_aliases: Mapping[str, str]
    category_aliases: Mapping[str, str]
    content_hash: str
    files: tuple[Path, ...] = field(default=())
    not_encoded: tuple[Mapping[str, Any], ...] = ()
    """What the catalogue does not encode yet (document, scope and why, in zh and en)."""
    plausible_values: Mapping[str, Bound] = field(default_factory=dict)
    asset_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def rules_for(self, category: str) -> list[Rule]:
        """Return the rules that apply to projects of ``category`` (empty if unknown)."""
        cat = self.categories.get(category)
        return [self.rules[r] for r in cat.rules] if cat else []

    def category_label(self, category: str, lang: str = "en") -> str:
        """Return the label of ``category`` in ``lang``, or the id itself if unknown."""
        cat = self.categories.get(category)
        return cat.label(lang) if cat else str(category)

    def fitting_label(self, kind: str, lang: str = "en") -> str:
        """Return the label of fitting ``kind`` in ``lang``."""
        return self.fittings.get(kind, {}).get(lang, kind)

    def short_hash(self) -> str:
        """Return the first 12 hex digits of the content hash."""
        return self.content_hash[:12]

    def sources_table(self, lang: str = "en") -> pd.DataFrame:
        """Return one row per rule: its threshold, clause, confidence and where it was read."""
        rows = []
        for rule in self.rules.values():
            threshold = {k: v for k, v in rule.params.items() if isinstance(v, int | float)}
            rows.append(
                {
                    "rule_id": rule.id,
                    "clause": rule.clause_label(lang),
                    "confidence": rule.confidence,
                    "obligation": rule.obligation,
                    "per": rule.per,
                    "thresholds": "; ".join(
                        [f"{k}={v:g}" for k, v in threshold.items()] + [c.text() for c in rule.when]
                    ),
                    **{f"source_{k}": str(rule.source.get(k, "")) for k in SOURCE_KEYS},
                }
            )
        return pd.DataFrame(rows)

    def not_encoded_table(self, lang: str = "en") -> pd.DataFrame:
        """Return what the catalogue does not encode: document, scope and why, in ``lang``."""
        rows = [
            {
                "document": str(item["document"]),
                "scope": str(item["scope"].get(lang) or item["scope"]["en"]),
                "why": str(item["why"].get(lang) or item["why"]["en"]),
            }
            for item in self.not_encoded
        ]
        return pd.DataFrame(rows, columns=["document", "scope", "why"])

    def rule_table(self, lang: str = "en") -> pd.DataFrame:
        """Return one row per (category, rule) with labels in ``lang``."""
        rows = [
            {
                "category": cat.id,
                "category_label": cat.label(lang),
                "rule_id": rule.id,
                "title": rule.label(lang),
                "kind": rule.kind,
                "clause": rule.clause_label(lang),
                "confidence": rule.confidence,
                "obligation": rule.obligation,
                "per": rule.per,
                "applies_when": " and ".join(c.text() for c in rule.when) or "always",
            }
            for cat in self.categories.values()
            for rule in self.rules_for(cat.id)
        ]
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Reading


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > 100:
        return _MAX_EXPANDED_NODES + 1
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(n, memo, depth + 1) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(
            _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            for k, v in node.value
        )
    memo[key] = min(size, _MAX_EXPANDED_NODES + 1)
    return memo[key]


def _read_yaml(path: Path) -> dict[str, Any]:
    """Read one catalogue file safely: size-limited, safe tags only, no alias bombs."""
    if not path.exists():
        msg = f"{path}: standards file not found; pass an existing YAML file with --standard"
        zh = f"{path}：找不到标准文件；请用 --standard 传入已有的 YAML 文件"
        raise CatalogueError(msg, zh=zh)
    if path.stat().st_size > _MAX_FILE_BYTES:
        msg = f"{path}: catalogue is larger than {_MAX_FILE_BYTES:,} bytes; is it the right file?"
        zh = f"{path}：标准目录超过 {_MAX_FILE_BYTES:,} 字节；文件是否选对了？"
        raise CatalogueError(msg, zh=zh)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        msg = f"{path}: catalogue is not UTF-8 text; save it as UTF-8"
        raise CatalogueError(msg, zh=f"{path}：标准目录不是 UTF-8 文本；请另存为 UTF-8") from None
    except yaml.YAMLError as exc:
        msg = f"{path}: not valid YAML: {exc}".replace("\n", " ")
        zh = f"{path}：不是有效的 YAML：{exc}".replace("\n", " ")
        raise CatalogueError(msg, zh=zh) from None
    if node is None:
        msg = f"{path}: catalogue is empty; start from standards/pudong-ict-baseline.yaml"
        zh = f"{path}：标准目录为空；请以 standards/pudong-ict-baseline.yaml 为起点"
        raise CatalogueError(msg, zh=zh)
    if _expanded_size(node, {}) > _MAX_EXPANDED_NODES:
        msg = (
            f"{path}: YAML aliases expand to more than {_MAX_EXPANDED_NODES:,} nodes "
            "(an alias bomb?); write the catalogue without nested aliases"
        )
        zh = (
            f"{path}：YAML 别名展开后超过 {_MAX_EXPANDED_NODES:,} 个节点（疑为别名炸弹）；"
            "请不用嵌套别名编写标准目录"
        )
        raise CatalogueError(msg, zh=zh)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        msg = f"{path}: YAML tag or value not allowed in a catalogue: {exc}".replace("\n", " ")
        zh = f"{path}：标准目录中不允许该 YAML 标签或值：{exc}".replace("\n", " ")
        raise CatalogueError(msg, zh=zh) from None
    if not isinstance(data, dict):
        msg = f"{path}: catalogue must be a mapping with sections standard, categories, rules"
        zh = f"{path}：标准目录须为映射，包含 standard、categories、rules 三节"
        raise CatalogueError(msg, zh=zh)
    return data


def _deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _origins(raws: list[tuple[Path, dict[str, Any]]]) -> dict[tuple[str, str], Path]:
    origin: dict[tuple[str, str], Path] = {}
    for path, raw in raws:
        for section in ("rules", "categories"):
            entries = raw.get(section)
            if isinstance(entries, Mapping):
                for key in entries:
                    origin[(section, str(key))] = path
        for section in raw:
            origin[("section", str(section))] = path
    return origin


# --------------------------------------------------------------------------------------------
# Validation: every check appends (section, key, message) to a list.


class _Problems:
    def __init__(self, origins: dict[tuple[str, str], Path], fallback: Path) -> None:
        self.items: list[Text] = []
        self.origins = origins
        self.fallback = fallback

    def add(self, section: str, key: str, path: str, message: str | Text) -> None:
        """One problem at ``path`` (a YAML path) of the file defining ``section``/``key``.

        ``message`` is a :class:`Text`, or English text looked up in :data:`PROBLEMS_ZH`.
        """
        where = self.origins.get((section, key)) or self.origins.get(("section", section))
        text = message if isinstance(message, Text) else problem_text(message)
        file = where or self.fallback
        self.items.append(Text(f"{file}: {path}: {text.en}", f"{file}：{path}：{text.zh}"))


def _check_labels(value: Any, where: str, problems: _Problems, section: str, key: str) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(value.get(x), str) for x in LANGS):
        problems.add(section, key, where, "needs labels 'zh' and 'en' as text")
    elif set(value) - set(LANGS):
        problems.add(section, key, where, "has keys besides zh and en: quote a label with a comma")


def _check_condition(cond: Any, where: str, problems: _Problems, rid: str) -> None:
    if not isinstance(cond, Mapping) or not {"attribute", "op", "value"} <= set(cond):
        problems.add("rules", rid, where, "a condition needs attribute, op and value")
        return
    if cond["op"] not in OPERATORS:
        problems.add(
            "rules",
            rid,
            f"{where}.op",
            f"'{cond['op']}' is not a valid operator, must be one of {', '.join(OPERATORS)}",
        )
    elif cond["op"] == "in" and not isinstance(cond["value"], list):
        problems.add("rules", rid, f"{where}.value", "operator 'in' needs a list of values")
    elif cond["op"] != "in" and not isinstance(cond["value"], int | float | str | bool):
        problems.add("rules", rid, f"{where}.value", "must be a number or text")


def _check_params(rid: str, kind: str, params: Any, problems: _Problems) -> None:
    spec = RULE_KINDS[kind].params
    if not isinstance(params, Mapping):
        problems.add("rules", rid, f"rules.{rid}.params", "must be a mapping")
        return
    for name in spec.required:
        if name not in params:
            problems.add("rules", rid, f"rules.{rid}.params", f"kind {kind} needs '{name}'")
    for name, value in params.items():
        where = f"rules.{rid}.params.{name}"
        if name not in spec.allowed:
            allowed = ", ".join(sorted(spec.allowed))
            problems.add("rules", rid, where, f"unknown parameter for {kind}; allowed: {allowed}")
        elif name in spec.numeric and not (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        ):
            problems.add("rules", rid, where, f"bad threshold {value!r}: must be a number >= 0")
        elif name in spec.choices and value not in spec.choices[name]:
            choices = ", ".join(map(str, spec.choices[name]))
            problems.add("rules", rid, where, f"'{value}' is not valid, must be one of {choices}")
    fitting = params.get("fitting") or params.get("per_fitting")
    if fitting is not None and fitting not in FITTING_KINDS:
        problems.add(
            "rules",
            rid,
            f"rules.{rid}.params",
            f"unknown fitting '{fitting}', must be one of {', '.join(FITTING_KINDS)}",
        )


def _check_source(rid: str, rule: Mapping[str, Any], problems: _Problems) -> None:
    """Every rule's threshold says where it comes from: document, clause and where read."""
    where = f"rules.{rid}.source"
    source = rule.get("source")
    if not isinstance(source, Mapping):
        problems.add(
            "rules", rid, where, "missing 'source' (document, clause, read): every threshold "
            "needs the document and clause it comes from and where its text was read",
        )  # fmt: skip
        return
    for key in SOURCE_KEYS:
        if not isinstance(source.get(key), str):
            problems.add("rules", rid, where, f"needs '{key}' as text ('' when there is none)")
    if not str(source.get("read", "")).strip():
        problems.add("rules", rid, f"{where}.read", "say where the text was read, or 'not read'")


def _check_clause(rid: str, clause: Any, problems: _Problems) -> None:
    """A clause is a standard's code (text) or labels in every language (local policy)."""
    if isinstance(clause, Mapping):
        _check_labels(clause, f"rules.{rid}.clause", problems, "rules", rid)
    elif not isinstance(clause, str) or not clause.strip():
        problems.add("rules", rid, f"rules.{rid}.clause", "must be text or labels zh and en")


def _check_rule_fields(rid: str, rule: Mapping[str, Any], problems: _Problems) -> None:
    """Confidence, obligation, title, clause, source, per and conditions of one rule."""
    where = f"rules.{rid}"
    _check_source(rid, rule, problems)
    if "clause" in rule:
        _check_clause(rid, rule["clause"], problems)
    if rule.get("per", "project") not in PER:
        problems.add("rules", rid, f"{where}.per", "must be project or building")
    if "confidence" in rule and rule["confidence"] not in CONFIDENCES:
        problems.add("rules", rid, f"{where}.confidence", "must be H, M or L")
    if "obligation" in rule and rule["obligation"] not in OBLIGATIONS:
        problems.add("rules", rid, f"{where}.obligation", "must be shall or should")
    if "title" in rule:
        _check_labels(rule["title"], f"{where}.title", problems, "rules", rid)
    when = rule.get("when", [])
    if not isinstance(when, list):
        problems.add("rules", rid, f"{where}.when", "must be a list of conditions")
    else:
        for i, cond in enumerate(when):
            _check_condition(cond, f"{where}.when[{i}]", problems, rid)


def _check_stages(rid: str, stages: Any, problems: _Problems) -> None:
    """``stages``: a non-empty list of the project stages the rule is judged at."""
    where = f"rules.{rid}.stages"
    if not isinstance(stages, list) or not stages:
        problems.add("rules", rid, where, f"must be a non-empty list of {', '.join(STAGES)}")
        return
    for stage in stages:
        if stage not in STAGES:
            problems.add(
                "rules", rid, where, f"unknown stage {stage!r}; known: {', '.join(STAGES)}"
            )


def _check_rule(rid: str, rule: Any, problems: _Problems) -> None:
    where = f"rules.{rid}"
    if not isinstance(rule, Mapping):
        problems.add("rules", rid, where, "must be a mapping")
        return
    for name in ("kind", "clause", "confidence", "obligation", "title", "params"):
        if name not in rule:
            problems.add("rules", rid, where, f"missing '{name}'")
    kind = rule.get("kind")
    if "kind" in rule and kind not in RULE_KINDS:
        kinds = ", ".join(sorted(RULE_KINDS))
        problems.add("rules", rid, f"{where}.kind", f"unknown rule kind '{kind}'; known: {kinds}")
    _check_rule_fields(rid, rule, problems)
    _check_stages(rid, rule.get("stages", list(STAGES)), problems)
    if kind in RULE_KINDS and "params" in rule:
        _check_params(rid, kind, rule["params"], problems)


def _check_category(cid: str, cat: Any, rules: Mapping[str, Any], problems: _Problems) -> None:
    where = f"categories.{cid}"
    if not isinstance(cat, Mapping):
        problems.add("categories", cid, where, "must be a mapping")
        return
    for lang in LANGS:
        if not isinstance(cat.get(lang), str):
            problems.add("categories", cid, where, f"needs a '{lang}' label")
    ids = cat.get("rules")
    if not isinstance(ids, list) or not ids:
        problems.add("categories", cid, f"{where}.rules", "a category without rules")
        return
    for rid in ids:
        if rid not in rules:
            problems.add(
                "categories", cid, f"{where}.rules", f"rule '{rid}' is referenced but not defined"
            )


def _validate(data: Mapping[str, Any], problems: _Problems) -> None:
    head = data.get("standard")
    if not isinstance(head, Mapping) or not {"id", "version"} <= set(head):
        problems.add("standard", "", "standard", "needs a 'standard' section with id and version")
    rules = data.get("rules")
    cats = data.get("categories")
    if not isinstance(rules, Mapping) or not rules:
        problems.add("rules", "", "rules", "needs a 'rules' mapping with at least one rule")
        rules = {}
    if not isinstance(cats, Mapping) or not cats:
        problems.add("categories", "", "categories", "needs a 'categories' mapping")
        cats = {}
    for rid, rule in rules.items():
        _check_rule(str(rid), rule, problems)
    for cid, cat in cats.items():
        _check_category(str(cid), cat, rules, problems)
    _validate_not_encoded(data.get("not_encoded", []), problems)
    for section in ("cobuild", "coverage"):
        if not isinstance(data.get(section), Mapping):
            problems.add(section, "", section, f"needs a '{section}' mapping of parameters")
    cobuild, coverage = data.get("cobuild"), data.get("coverage")
    _validate_cobuild(cobuild if isinstance(cobuild, Mapping) else {}, rules, problems)
    _validate_coverage(coverage if isinstance(coverage, Mapping) else {}, problems)
    _validate_inputs(data, problems)


def _validate_inputs(data: Mapping[str, Any], problems: _Problems) -> None:
    """The plausible ranges of attributes and the names of asset types."""
    for where, message in plausible_problems(data.get("plausible_values")):
        problems.add("plausible_values", "", where, message)
    for where, message in asset_type_problems(data.get("asset_types")):
        problems.add("asset_types", "", where, message)


def _validate_not_encoded(items: Any, problems: _Problems) -> None:
    """The list of what the catalogue does not encode: document, scope and why."""
    if not isinstance(items, list):
        problems.add("not_encoded", "", "not_encoded", "must be a list")
        return
    for i, item in enumerate(items):
        where = f"not_encoded[{i}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("document"), str):
            problems.add("not_encoded", "", where, "needs 'document', 'scope' and 'why'")
            continue
        for key in ("scope", "why"):
            _check_labels(item.get(key), f"{where}.{key}", problems, "not_encoded", "")


def _is_number(value: Any, minimum: float | None = None, *, strict: bool = False) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if minimum is None:
        return True
    return value > minimum if strict else value >= minimum


def _validate_cobuild(
    cob: Mapping[str, Any], rules: Mapping[str, Any], problems: _Problems
) -> None:
    for key in (*COBUILD_NUMBERS, "pole_mount_saving_cny"):
        value = cob.get(key)
        if (key in cob or key in COBUILD_NUMBERS) and not _is_number(value, 0):
            problems.add("cobuild", "", f"cobuild.{key}", f"bad value {value!r}: a number >= 0")
    if (
        "gap_days" in cob
        and _is_number(cob["gap_days"])
        and cob["gap_days"] != int(cob["gap_days"])
    ):
        problems.add("cobuild", "", "cobuild.gap_days", "must be a whole number of days")
    owners = cob.get("owner_buffers_m") or {}
    if not isinstance(owners, Mapping):
        problems.add("cobuild", "", "cobuild.owner_buffers_m", "must map owner to metres")
        owners = {}
    for owner, value in owners.items():
        if not _is_number(value, 0):
            where = f"cobuild.owner_buffers_m.{owner}"
            problems.add("cobuild", "", where, f"bad value {value!r}: a number >= 0")
    _validate_demand_rules(cob.get("demand_rules"), rules, problems)
    for where, message in cobuild_problems(cob):
        problems.add("cobuild", "", where, message)


def _validate_demand_rules(ids: Any, rules: Mapping[str, Any], problems: _Problems) -> None:
    where = "cobuild.demand_rules"
    if not isinstance(ids, list) or not all(isinstance(r, str) for r in ids):
        problems.add("cobuild", "", where, "needs a list of rule ids (the rules creating demand)")
        return
    for rid in ids:
        if rid not in rules:
            problems.add("cobuild", "", where, f"rule '{rid}' is referenced but not defined")


def _validate_coverage(cov: Mapping[str, Any], problems: _Problems) -> None:
    validate_coverage(cov, lambda path, message: problems.add("coverage", "", path, message))


# --------------------------------------------------------------------------------------------
# Building


def _rule(rid: str, r: Mapping[str, Any]) -> Rule:
    """One validated rule entry as a :class:`Rule`."""
    clause = r["clause"]
    labels = {str(k): str(v) for k, v in clause.items()} if isinstance(clause, Mapping) else {}
    return Rule(
        id=rid,
        kind=r["kind"],
        clause=labels.get("en", "") if labels else str(clause),
        confidence=r["confidence"],
        obligation=r["obligation"],
        title=dict(r["title"]),
        params=dict(r["params"]),
        when=tuple(Condition(c["attribute"], c["op"], c["value"]) for c in r.get("when", [])),
        per=str(r.get("per", "project")),
        source={str(k): str(v) for k, v in r["source"].items()},
        clause_labels=labels,
        stages=tuple(str(x) for x in r.get("stages", STAGES)),
    )


def _build(data: Mapping[str, Any], files: tuple[Path, ...], versions: list[str]) -> Standard:
    rules = {str(rid): _rule(str(rid), r) for rid, r in data["rules"].items()}
    categories = {
        str(cid): Category(
            id=str(cid),
            zh=c["zh"],
            en=c["en"],
            group=str(c.get("group", cid)),
            rules=tuple(c["rules"]),
        )
        for cid, c in data["categories"].items()
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return Standard(
        id=str(data["standard"]["id"]),
        version="+".join(versions),
        title=dict(data["standard"].get("title", {})),
        categories=categories,
        rules=rules,
        fittings=dict(data.get("fittings", {})),
        cobuild=CobuildParams.from_mapping(data["cobuild"]),
        coverage=CoverageParams.from_mapping(data["coverage"]),
        dxf_layers={str(k): str(v) for k, v in (data.get("dxf_layers") or {}).items()},
        column_aliases={str(k): str(v) for k, v in (data.get("column_aliases") or {}).items()},
        category_aliases={str(k): str(v) for k, v in (data.get("category_aliases") or {}).items()},
        content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        files=files,
        not_encoded=tuple(data.get("not_encoded") or ()),
        plausible_values=plausible_values(data.get("plausible_values")),
        asset_types=asset_types(data.get("asset_types")),
    )


def load_standard(*paths: str | Path, include_default: bool = True) -> Standard:
    """Load, merge and validate catalogue files.

    Parameters
    ----------
    *paths : str or pathlib.Path
        Catalogue files. Each later file overrides the earlier ones key by key.
    include_default : bool, keyword-only
        Start from the bundled catalogue (``settings.default_standard``). When false, the
        first path must be a complete catalogue.

    Returns
    -------
    Standard

    Raises
    ------
    CatalogueError
        One error listing every problem found, each with its file and path inside it.

    Examples
    --------
    >>> std = load_standard()
    >>> std.rules["room-area"].params["threshold"]
    20
    """
    files = [Path(p) for p in paths]
    if include_default and settings.default_standard.resolve() not in [f.resolve() for f in files]:
        files.insert(0, settings.default_standard)
    if not files:
        msg = "no catalogue given; pass a YAML file or include the default"
        raise CatalogueError(msg, zh="未给出标准目录；请传入 YAML 文件，或包含默认目录")
    raws = [(f, _read_yaml(f)) for f in files]
    merged: dict[str, Any] = {}
    versions = []
    for _path, raw in raws:
        merged = _deep_merge(merged, raw)
        head = raw.get("standard")
        if isinstance(head, Mapping) and "version" in head:
            versions.append(str(head["version"]))
    problems = _Problems(_origins(raws), files[-1])
    _validate(merged, problems)
    if problems.items:
        lines = "\n  - ".join(p.en for p in problems.items)
        lines_zh = "\n  - ".join(p.zh for p in problems.items)
        msg = f"the standards catalogue has {len(problems.items)} problem(s):\n  - {lines}"
        zh = f"标准目录有 {len(problems.items)} 个问题：\n  - {lines_zh}"
        raise CatalogueError(msg, zh=zh)
    return _build(merged, tuple(files), versions)


def unknown_categories(std: Standard, values: Iterable[str]) -> list[str]:
    """Return the values that are not category ids of ``std``, sorted."""
    return sorted({str(v) for v in values} - set(std.categories))
