"""The catalogue's validation problems in Chinese.

The checks of :mod:`baseline.standard.catalogue`, :mod:`~baseline.standard.inputs`,
:mod:`~baseline.standard.params` and :mod:`~baseline.standard.coverage_schema` describe each
problem as one short English sentence (its values quoted in it). :func:`problem_text` gives the
same sentence in Chinese from the patterns below, the values carried over as they are; a
sentence no pattern matches stays English in both (``tests/test_errors_zh.py`` feeds a
catalogue with every kind of problem and fails on one left in English).
"""

from __future__ import annotations

import re

from baseline.errors import Text

V = r"(?P<v>.+?)"
"""A value quoted in a message (a repr, a list, a name)."""

PATTERNS: tuple[tuple[str, str], ...] = (
    # labels, conditions and rules
    (r"needs labels 'zh' and 'en' as text", "需要文字形式的 zh 和 en 标签"),
    (
        r"has keys besides zh and en: quote a label with a comma",
        "除 zh 和 en 外还有其他键：含逗号的标签请加引号",
    ),
    (r"a condition needs attribute, op and value", "条件需要 attribute、op 和 value"),
    (
        rf"'{V}' is not a valid operator, must be one of (?P<k>.+)",
        "“{v}”不是有效的运算符，须为以下之一：{k}",
    ),
    (r"operator 'in' needs a list of values", "运算符 in 需要一个值列表"),
    (r"must be a number or text", "须为数值或文字"),
    (r"must be a mapping", "须为映射"),
    (rf"kind (?P<k>\S+) needs '{V}'", "规则类型 {k} 需要“{v}”"),
    (
        rf"unknown parameter for (?P<k>\S+); allowed: {V}",
        "规则类型 {k} 没有此参数；允许的参数：{v}",
    ),
    (rf"bad threshold {V}: must be a number >= 0", "阈值 {v} 无效：须为 >= 0 的数值"),
    (rf"'{V}' is not valid, must be one of (?P<k>.+)", "“{v}”无效，须为以下之一：{k}"),
    (
        rf"unknown fitting '{V}', must be one of (?P<k>.+)",
        "未知的配套设施“{v}”，须为以下之一：{k}",
    ),
    (
        r"missing 'source' \(document, clause, read\): every threshold needs the document and "
        r"clause it comes from and where its text was read",
        "缺少 source（document、clause、read）：每个阈值都须注明出处文件、条款及原文阅读位置",
    ),
    (rf"needs '{V}' as text \('' when there is none\)", "需要文字形式的“{v}”（没有时写 ''）"),
    (r"say where the text was read, or 'not read'", "请注明原文在何处阅读，或写 'not read'"),
    (r"must be text or labels zh and en", "须为文字，或 zh 和 en 标签"),
    (r"must be project or building", "须为 project（项目）或 building（单体建筑）"),
    (r"must be H, M or L", "须为 H、M 或 L"),
    (r"must be shall or should", "须为 shall（应）或 should（宜）"),
    (r"must be a list of conditions", "须为条件列表"),
    (rf"must be a non-empty list of {V}", "须为非空列表，取值为 {v}"),
    (rf"unknown stage {V}; known: (?P<k>.+)", "未知阶段 {v}；已知阶段：{k}"),
    (rf"missing '{V}'", "缺少“{v}”"),
    (rf"unknown rule kind '{V}'; known: (?P<k>.+)", "未知规则类型“{v}”；已知类型：{k}"),
    # categories and sections
    (rf"needs a '{V}' label", "需要“{v}”标签"),
    (r"a category without rules", "类别没有任何规则"),
    (rf"rule '{V}' is referenced but not defined", "引用了规则“{v}”，但未定义"),
    (
        r"needs a 'standard' section with id and version",
        "需要包含 id 和 version 的 standard 一节",
    ),
    (r"needs a 'rules' mapping with at least one rule", "需要至少含一条规则的 rules 映射"),
    (r"needs a 'categories' mapping", "需要 categories 映射"),
    (rf"needs a '{V}' mapping of parameters", "需要参数映射“{v}”"),
    (r"must be a list", "须为列表"),
    (r"needs 'document', 'scope' and 'why'", "需要 document、scope 和 why"),
    # co-build
    (rf"bad value {V}: a number >= 0", "值 {v} 无效：须为 >= 0 的数值"),
    (r"must be a whole number of days", "须为整数天数"),
    (r"must map owner to metres", "须将建设单位映射到米数"),
    (
        r"needs a list of rule ids \(the rules creating demand\)",
        "需要规则编号列表（产生需求的规则）",
    ),
    (r"must be a list of utility names", "须为管线类别名称列表"),
    (rf"bad value {V}: a whole number of days >= 0", "值 {v} 无效：须为 >= 0 的整数天数"),
    (rf"bad value {V}: a whole number >= 0", "值 {v} 无效：须为 >= 0 的整数"),
    (r"must be a mapping \(metres >= 0\)", "须为映射（米数 >= 0）"),
    (r"must be a mapping \(whole years >= 0\)", "须为映射（整年数 >= 0）"),
    (rf"bad value {V}: metres >= 0", "值 {v} 无效：须为 >= 0 的米数"),
    (rf"bad value {V}: whole years >= 0", "值 {v} 无效：须为 >= 0 的整年数"),
    (
        rf"unknown kind\(s\) {V}; known: new, major_repair",
        "未知类型 {v}；已知类型：new、major_repair",
    ),
    (r"must map owner to \{before, after\} days", "须将建设单位映射到 {{before, after}} 天数"),
    (
        rf"bad value {V}: \{{before: days, after: days\}}, whole days >= 0",
        "值 {v} 无效：须为 {{before: 天数, after: 天数}}，>= 0 的整数天",
    ),
    (
        r"must be a list of \{utilities, clearance_m, shared_trench, source\}",
        "须为 {{utilities, clearance_m, shared_trench, source}} 的列表",
    ),
    (rf"needs two of {V}", "需要以下类别中的两个：{v}"),
    (
        r"must map a size class to \{min_area_m2, months\|weeks\|working_days\}",
        "须将规模等级映射到 {{min_area_m2, months|weeks|working_days}}",
    ),
    (r"needs a number >= 0", "需要 >= 0 的数值"),
    (
        r"must map a key of the section to \{source, confidence\}",
        "须将本节的键映射到 {{source, confidence}}",
    ),
    (r"needs a 'source' \(text\)", "需要文字形式的 source（出处）"),
    # plausible values and asset types
    (
        r"must map an attribute to \{min, max, source, confidence\}",
        "须将属性映射到 {{min, max, source, confidence}}",
    ),
    (r"must be \{min, max, source, confidence\}", "须为 {{min, max, source, confidence}}"),
    (rf"bad value {V}: a number", "值 {v} 无效：须为数值"),
    (rf"min {V} is above max (?P<k>.+)", "最小值 {v} 大于最大值 {k}"),
    (r"must map a type to the list of its names", "须将设施类型映射到其名称列表"),
    (r"must be a list of names \(text\)", "须为名称（文字）列表"),
    (rf"name '{V}' is also a name of (?P<k>.+)", "名称“{v}”同时也是 {k} 的名称"),
    # coverage
    (rf"bad value {V}: a number > 0", "值 {v} 无效：须为 > 0 的数值"),
    (rf"unknown tech '{V}'; known: (?P<k>.+)", "未知制式“{v}”；已知制式：{k}"),
    (
        rf"bad value {V}: a share from 0.5 to below 1",
        "值 {v} 无效：须为 0.5 至 1（不含）之间的比例",
    ),
    (rf"must be one of {V}", "须为以下之一：{v}"),
    (
        r"needs classes with rsrp_dbm, e.g. urban: \{rsrp_dbm: -90\}",
        "需要带 rsrp_dbm 的类别，例如 urban: {{rsrp_dbm: -90}}",
    ),
    (rf"bad value {V}: -150..-20 dBm", "值 {v} 无效：须在 -150..-20 dBm 之间"),
    (rf"unknown class '{V}'", "未知类别“{v}”"),
    (r"must map a placement to its extra loss in dB", "须将安装位置映射到其附加损耗（dB）"),
    (rf"bad value {V}: a number >= 0 \(dB\)", "值 {v} 无效：须为 >= 0 的数值（dB）"),
    (
        r"needs its source and confidence, e.g. '... \[M\]'",
        "需要注明出处和可信度，例如 '... [M]'",
    ),
    (r"must be a mapping of link-budget parameters", "须为链路预算参数的映射"),
    (rf"needs a model, one of {V}", "需要传播模型，须为以下之一：{v}"),
    (
        r"replaced by coverage.area_classes.<class>.rsrp_dbm",
        "已由 coverage.area_classes.<类别>.rsrp_dbm 取代",
    ),
    (rf"an uplink needs all of {V}; missing (?P<k>.+)", "上行需要全部参数 {v}；缺少 {k}"),
)
_COMPILED = tuple((re.compile(pattern), zh) for pattern, zh in PATTERNS)


def problem_text(message: str) -> Text:
    """``message`` (one catalogue problem in English) with its Chinese sentence.

    Examples
    --------
    >>> problem_text("must be H, M or L").zh
    '须为 H、M 或 L'
    >>> problem_text("bad value 'x': a number >= 0").zh
    "值 'x' 无效：须为 >= 0 的数值"
    """
    for pattern, zh in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return Text(message, zh.format(**match.groupdict()))
    return Text(message, message)
