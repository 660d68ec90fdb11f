"""Standards page: the catalogue, browsable by category and rule."""

from __future__ import annotations

import streamlit as st

from app_pages.common import lang, standard, tr
from baseline import settings


def render() -> None:
    """Draw the standards page."""
    std = standard()
    st.header(tr("page_standards"))
    st.caption(
        f"{std.title.get(lang(), std.id)} · {std.id} {std.version} · sha256 {std.content_hash}"
    )
    table = std.rule_table(lang())
    cats = list(std.categories)
    cat = st.selectbox(
        tr("category"), cats, format_func=lambda c: std.category_label(c, lang()), key="std_cat"
    )
    rows = table[table["category"] == cat].drop(columns=["category", "category_label"])
    st.write(f"{len(rows)} {tr('rule_count')}")
    st.dataframe(rows, hide_index=True, width="stretch")
    rid: str = st.selectbox("rule_id", rows["rule_id"], key="std_rule")
    rule = std.rules[rid]
    st.json(
        {
            "id": rule.id,
            "kind": rule.kind,
            "clause": rule.clause,
            "confidence": rule.confidence,
            "obligation": rule.obligation,
            "title": dict(rule.title),
            "params": dict(rule.params),
            "when": [c.text() for c in rule.when],
        }
    )
    st.download_button(
        "YAML",
        settings.default_standard.read_bytes(),
        settings.default_standard.name,
        key="std_yaml",
    )


render()
