"""Words in Chinese and English: labels, statuses, message templates and export headers.

:func:`t` looks up a key in the chosen language and falls back to English, then the key.
Category, fitting and rule labels live in the catalogue, not here.
"""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    # statuses
    "pass": {"zh": "通过", "en": "pass"},
    "fail": {"zh": "不通过", "en": "fail"},
    "warn": {"zh": "提示", "en": "warn"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    # finding columns
    "project_id": {"zh": "项目编号", "en": "project_id"},
    "category": {"zh": "项目类别", "en": "category"},
    "rule_id": {"zh": "规则编号", "en": "rule_id"},
    "clause": {"zh": "条款", "en": "clause"},
    "confidence": {"zh": "可信度", "en": "confidence"},
    "status": {"zh": "结果", "en": "status"},
    "measured": {"zh": "实测值", "en": "measured"},
    "required": {"zh": "要求值", "en": "required"},
    "unit": {"zh": "单位", "en": "unit"},
    "message": {"zh": "说明", "en": "message"},
    "obligation": {"zh": "约束", "en": "obligation"},
    # message templates
    "msg_pass": {
        "zh": "{subject}{m}{u}，满足{op}{t}{u}（{clause}）",
        "en": "{subject} {m}{u} meets {op} {t}{u} ({clause})",
    },
    "msg_fail": {
        "zh": "{subject}{m}{u}，不满足{op}{t}{u}的要求（{clause}）",
        "en": "{subject} {m}{u} {neg} {t}{u} required ({clause})",
    },
    "msg_none": {
        "zh": "方案中没有{fitting}，要求{op}{t}{u}（{clause}）",
        "en": "no {fitting} in the plan; {op} {t}{u} required ({clause})",
    },
    "msg_skip": {
        "zh": "方案中没有{fitting}，由其他规则检查（{clause}）",
        "en": "no {fitting} in the plan to measure; another rule asks for it ({clause})",
    },
    "msg_na": {
        "zh": "不适用：适用条件为 {cond}（本项目为 {value}）",
        "en": "not applicable: applies when {cond} (here {value})",
    },
    "msg_missing_attr": {
        "zh": "无法检查：缺少属性 {attribute}，请在方案中补充",
        "en": "cannot check: attribute {attribute} is missing; add it to the plan",
    },
    "msg_unmeasured": {
        "zh": "无法检查：{note}（{clause}）",
        "en": "cannot check: {note} ({clause})",
    },
    "msg_unknown_category": {
        "zh": "类别“{category}”不在标准目录中，未检查任何规则；可用类别：{known}",
        "en": "category '{category}' is not in the catalogue, so no rule was checked; "
        "known categories: {known}",
    },
    "subject_count": {"zh": "{fitting}数量", "en": "{fitting} count"},
    "subject_attr": {"zh": "{fitting}{attribute}", "en": "{fitting} {attribute}"},
    "subject_ratio": {"zh": "每个{fitting}的{attribute}", "en": "{attribute} per {fitting}"},
    "subject_distance": {"zh": "最近{fitting}距离", "en": "distance to the nearest {fitting}"},
    "subject_coverage": {"zh": "{tech}覆盖率", "en": "{tech} covered share"},
    "subject_spacing": {"zh": "{fitting}平均间距", "en": "{fitting} average spacing"},
    "subject_density": {"zh": "{fitting}密度", "en": "{fitting} density"},
    # attribute labels
    "attr_area_m2": {"zh": "使用面积", "en": "net area"},
    "attr_width_m": {"zh": "净宽", "en": "width"},
    "attr_clear_height_m": {"zh": "净高", "en": "clear height"},
    "attr_floor_load_kn_m2": {"zh": "楼面荷载", "en": "floor load"},
    "attr_feeder_hole_m2": {"zh": "馈线孔面积", "en": "feeder hole"},
    "attr_door_width_m": {"zh": "门宽", "en": "door width"},
    "attr_shared": {"zh": "共享开放", "en": "open to all operators"},
    "attr_operators": {"zh": "可容纳运营商数", "en": "operators"},
    "attr_spare_holes": {"zh": "备用管孔", "en": "spare holes"},
    "attr_fibres": {"zh": "光纤芯数", "en": "fibres"},
    "attr_fibre_pairs": {"zh": "光纤对数", "en": "fibre pairs"},
    "attr_cable_hole_mm": {"zh": "穿线孔径", "en": "cable hole"},
    "attr_slots": {"zh": "挂载接口", "en": "mounting slots"},
    "attr_households": {"zh": "户数", "en": "households"},
    "attr_gfa_m2": {"zh": "建筑面积", "en": "floor area"},
    "attr_holes": {"zh": "管孔数", "en": "holes"},
}


def t(key: str, lang: str = "en", **fields: object) -> str:
    """Return the text for ``key`` in ``lang``, formatted with ``fields``.

    Examples
    --------
    >>> t("fail", "zh")
    '不通过'
    >>> t("subject_count", "en", fitting="sensor")
    'sensor count'
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key.format(**fields) if fields else key
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def attribute_label(name: str, lang: str = "en") -> str:
    """Return the label of a fitting or project attribute."""
    key = f"attr_{name}"
    return t(key, lang) if key in STRINGS else name
