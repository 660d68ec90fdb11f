"""Standards page: the catalogue as a readable table, a rule in words, H/M/L explained."""

from __future__ import annotations

import streamlit as st

from app_pages.common import headers, lang, standard, tr
from baseline import settings


def render() -> None:
    """Draw the standards page."""
    std = standard()
    language = lang()
    st.header(tr("page_standards"))
    st.caption(
        f"{std.title.get(lang(), std.id)} · {std.id} {std.version} · "
        f"sha256 {std.content_hash[:12]}…"
    )
    with st.expander(tr("confidence_help"), expanded=True):
        st.markdown("\n".join(f"- {tr(f'conf_{c}')}" for c in "HML"))
    table = std.rule_table(lang())
    cats = list(std.categories)
    cat = st.selectbox(
        tr("category"),
        cats,
        format_func=lambda c: std.category_label(c, language),
        key="std_cat",
        placeholder=tr("choose"),
    )
    rows = table[table["category"] == cat].drop(columns=["category", "category_label"])
    rows = rows.assign(
        obligation=rows["obligation"].map(lambda o: tr(f"obligation_{o}")),
        confidence=rows["confidence"].map(lambda c: tr(f"conf_{c}").split("：")[0].split(":")[0]),
    )
    st.write(f"{len(rows)} {tr('rule_count')}")
    st.dataframe(
        headers(rows[["rule_id", "title", "clause", "obligation", "confidence", "applies_when"]]),
        hide_index=True,
        width="stretch",
        column_config={
            tr("col_confidence"): st.column_config.TextColumn(
                help=" · ".join(tr(f"conf_{c}") for c in "HML")
            ),
            tr("col_title"): st.column_config.TextColumn(width="large"),
        },
    )
    rid = st.selectbox(
        tr("rule_detail"),
        rows["rule_id"],
        index=None,
        key="std_rule",
        placeholder=tr("choose_rule"),
    )
    if rid:
        rule = std.rules[rid]
        params = ", ".join(f"{k} = {v}" for k, v in dict(rule.params).items())
        when = "; ".join(c.text() for c in rule.when)
        st.markdown(
            f"**{rule.title.get(lang(), rule.id)}** (`{rule.id}`)\n\n"
            f"- {tr('clause')}: {rule.clause}\n"
            f"- {tr('obligation')}: {tr(f'obligation_{rule.obligation}')}\n"
            f"- {tr('confidence')}: {tr(f'conf_{rule.confidence}')}\n"
            f"- {tr('kind_rule')}: {rule.kind}\n"
            f"- {tr('params')}: {params}\n"
            + (f"- {tr('col_applies_when')}: {when}\n" if when else "")
        )
    st.download_button(
        tr("download_yaml"),
        settings.default_standard.read_bytes(),
        settings.default_standard.name,
        key="std_yaml",
    )


render()
