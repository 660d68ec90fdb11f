"""Check page for engineers: upload a site plan, see and download the findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app_pages.common import (
    assets,
    basemap,
    category_label,
    guarded,
    headers,
    lang,
    show_map,
    standard,
    status_label,
    tr,
    uploaded,
    words,
)
from app_pages.widget_texts import file_uploader
from baseline import settings
from baseline.check.run import check
from baseline.io.formats import VECTOR_SUFFIXES
from baseline.io.siteplan import read_siteplan
from baseline.maps.palette import STATUS_GLYPHS, STATUS_ORDER
from baseline.maps.plan import plan_map
from baseline.reports.check_report import check_bytes, render_html
from baseline.reports.figures import project_verdicts, sorted_findings
from baseline.standard.catalogue import load_standard
from baseline.workspace.store import Workspace

CRS_CHOICES = ["auto", "wgs84", "gcj02", "bd09", "epsg"]
MAPPED = ("project_id", "kind", "category")  # the columns a plan must have, or be told
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in VECTOR_SUFFIXES]  # every format the reader reads


def _mapping() -> dict[str, str]:
    """Columns of the file to read as the required ones (``--id-col`` and friends).

    The fields sit below the check's message and open by themselves after a check that
    failed (a required column may be missing); their values serve the next check.
    """
    with st.expander(tr("column_mapping"), expanded=bool(st.session_state.get("plan_failed"))):
        cols = st.columns(len(MAPPED))
        for col, target in zip(cols, MAPPED, strict=True):
            col.text_input(
                tr("column_for", target=tr(f"col_{target}")), key=f"plan_col_{target}", help=target
            )
    return _mapped()


def _mapped() -> dict[str, str]:
    """The column mapping the fields hold: file column → required column."""
    out: dict[str, str] = {}
    for target in MAPPED:
        source = str(st.session_state.get(f"plan_col_{target}") or "").strip()
        if source and source != target:
            out[source] = target
    return out


def _form() -> tuple[UploadedFile | None, str | None, UploadedFile | None]:
    w = words()
    upload = file_uploader(
        st, tr("upload"), UPLOAD_TYPES, "plan_file", lang(), help=tr("upload_help")
    )
    template = settings.layers_dir / "sample_siteplan.geojson"
    st.download_button(
        tr("template_download"),
        template.read_bytes(),
        "siteplan-template.geojson",
        "application/geo+json",
        help=tr("template_help"),
        key="plan_template",
    )
    c1, c2 = st.columns(2)
    choice = c1.selectbox(
        tr("crs_declare"),
        CRS_CHOICES,
        key="plan_crs",
        format_func=lambda c: w("crs_auto") if c == "auto" else c.upper(),
    )
    epsg = c1.text_input(tr("epsg_code"), "EPSG:32651", key="plan_epsg") if choice == "epsg" else ""
    std_choice = c2.radio(
        tr("standard_choice"),
        ["bundled", "upload"],
        horizontal=True,
        key="plan_std",
        format_func=lambda c: w(f"standard_{c}"),
    )
    override = (
        file_uploader(c2, tr("standard_upload"), ["yaml", "yml"], "plan_override", lang())
        if std_choice == "upload"
        else None
    )
    crs = None if choice == "auto" else (epsg if choice == "epsg" else choice)
    return upload, crs, override


def _run(
    upload: UploadedFile, crs: str | None, override: UploadedFile | None, columns: dict[str, str]
) -> dict:
    """Read and check the upload; the report and the saved run come after the results."""
    with uploaded(upload.name, upload.getvalue()) as path:
        std = standard()
        if override is not None:
            yaml_path = path.parent / "override.yaml"
            yaml_path.write_bytes(override.getvalue())
            std = load_standard(yaml_path)
        slot = st.empty()
        try:
            slot.progress(0.0, text=tr("step_read"))
            plan = read_siteplan(path, std, crs=crs, columns=columns or None)
            slot.progress(0.4, text=tr("step_check"))
            result = check(plan, std, assets=assets(), lang=lang())
        finally:
            slot.empty()
    return {"result": result, "notes": plan.notes, "html": None, "run_id": None}


def _save(run: dict) -> None:
    """Render the HTML report and keep the run in the workspace, once per check."""
    if run["run_id"] is None:
        with st.spinner(tr("step_report")):
            run["html"] = render_html(run["result"])
            run["run_id"] = Workspace.default().save(
                run["result"], run["html"], saved_by=st.session_state.get("user")
            )


def _report_bytes(run: dict) -> bytes:
    return (run["html"] or render_html(run["result"])).encode("utf-8")


def _results(run: dict) -> None:
    """Counts, the plan map and the tables first; then the report, the run and exports.

    The HTML report, the saved run and the exports (a few tenths of a second) are made
    after the results are on screen; their line and the download buttons fill in above.
    """
    result = run["result"]
    verdicts = project_verdicts(result.findings, lang())
    counts = verdicts["verdict"].value_counts()
    cols = st.columns(4)
    for col, s in zip(cols, STATUS_ORDER, strict=True):
        col.metric(f"{STATUS_GLYPHS[s]} {tr(s)}", int(counts.get(s, 0)), help=tr("col_verdict"))
    st.caption(
        tr(
            "check_counts",
            projects=len(verdicts),
            fail=int(counts.get("fail", 0)),
            warn=int(counts.get("warn", 0)),
            pass_=int(counts.get("pass", 0)),
            rows=len(result.findings),
        )
    )
    saved = st.empty()
    for note in run["notes"]:
        st.caption(f"ℹ️ {note.message(lang())}")
    first, later = st.columns([1, 2])
    with first:
        _downloads(run, ("csv",))  # a CSV takes a few hundredths of a second
    st.caption(tr("plan_map"))
    show_map(plan_map(result, basemap=basemap(), lang=lang()), key="plan_map", height=480)
    _tables(result.findings, verdicts)
    guarded(lambda: _save(run))
    with later:  # the workbook and the report once the results are on screen
        _downloads(run, ("xlsx", "html"))
    if run["run_id"] is None:  # the save failed, and guarded showed why
        return
    saved.caption(
        f"{tr('saved_run')} #{run['run_id']} · {result.standard.id} {result.standard.version} · "
        f"sha256 {result.standard.short_hash()} · {result.source}"
    )


EXPORTS = (
    ("csv", "download_csv", "findings.csv", "text/csv"),
    ("xlsx", "download_xlsx", "findings.xlsx", None),
    ("html", "download_html", "report.html", "text/html"),
)


def _downloads(run: dict, exts: tuple[str, ...]) -> None:
    """Download buttons for ``exts``, their bytes made once per check and kept with it.

    Bytes, not callables Streamlit defers: a deferred download is forgotten by the next
    rerun, and a second click soon after the first then did nothing.
    """
    exports = run.setdefault("exports", {})
    shown = [e for e in EXPORTS if e[0] in exts]
    for col, (ext, label, name, mime) in zip(st.columns(len(shown)), shown, strict=True):
        if ext not in exports:
            exports[ext] = _report_bytes(run) if ext == "html" else check_bytes(run["result"], ext)
        col.download_button(tr(label), exports[ext], name, mime, key=f"dl_{ext}", on_click="ignore")


def _tables(findings: pd.DataFrame, verdicts: pd.DataFrame) -> None:
    """The verdict per project (worst first), then every finding, fail → warn → pass → n/a."""
    order = {s: k for k, s in enumerate(STATUS_ORDER)}
    per = verdicts.reset_index().sort_values("verdict", key=lambda v: v.map(order), kind="stable")
    per = per.assign(verdict=status_label(per["verdict"]))
    st.subheader(tr("verdicts_title"))
    st.dataframe(
        headers(per),
        hide_index=True,
        width="stretch",
        column_config={tr("col_why"): st.column_config.TextColumn(width="large")},
    )
    st.subheader(tr("findings_title"))
    table = sorted_findings(findings)
    table = table.assign(
        status=status_label(table["status"]),
        category=category_label(table["category"]),
        obligation=table["obligation"].map(lambda o: tr(f"obligation_{o}") if o else ""),
    )
    st.dataframe(
        headers(table),
        hide_index=True,
        width="stretch",
        height=420,
        column_config={
            tr("col_message"): st.column_config.TextColumn(width="large"),
            tr("col_confidence"): st.column_config.TextColumn(
                help=" · ".join(tr(f"conf_{c}") for c in "HML")
            ),
        },
    )


def render() -> None:
    """Draw the check page."""
    st.header(tr("page_check"))
    upload, crs, override = _form()
    columns = _mapped()
    if upload is not None and st.button(tr("run_check"), type="primary", key="run_check"):
        out = guarded(lambda: _run(upload, crs, override, columns))
        st.session_state["last_check"] = out
        st.session_state["plan_failed"] = out is None
    elif upload is None:
        st.session_state.pop("last_check", None)
    _mapping()
    if st.session_state.get("last_check"):
        _results(st.session_state["last_check"])


render()
