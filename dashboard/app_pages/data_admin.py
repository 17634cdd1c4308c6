"""Data (数据): upload through the CLI's pipeline, load history, rejected rows, rebuild, freshness
and the audit trail (SPEC §7.7, §9: administrators only; uploads and rebuilds are audited). File
names and values are user text: shown in tables only, never as markup."""

import tempfile
from datetime import datetime, time
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, gate, ui
from dashboard.i18n import t
from dashboard.ui.reasons import column_label, reason_text
from pipelines import ingest
from pipelines.build import BuildError, build
from pipelines.landing import LockBusy, lock_holder
from pipelines.readers import safe_name
from pipelines.settings import data_dir, load_settings

ident, scope = st.session_state.get("ident"), st.session_state["filters"].scope
viewer = st.session_state.get("viewer")
admin = viewer is not None and viewer.has_role("admin")
settings = load_settings()
st.header(t("page_data"))
st.caption(t("period_all_loads"))

# ---------------------------------------------------------------- upload
st.subheader(t("upload"))
if not admin:
    st.info(t("upload_admin_only"))
else:
    files = st.file_uploader(
        t("upload_help"),
        type=sorted(suffix.lstrip(".") for suffix in ingest.SUPPORTED),  # what `load` reads, one declaration
        accept_multiple_files=True,
        key="upload_files",
    )
    if files and st.button(t("upload_load"), type="primary", key="upload_go"):
        bar = st.progress(0.0, text=t("upload_reading"))
        data_dir().mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".upload-", dir=data_dir()) as tmp:
            paths, names = [], {}
            for i, f in enumerate(files):
                # stored under a safe name (any browser name, a 300-byte one too); shown and recorded as sent
                target = Path(tmp) / f"{i:03d}" / safe_name(f.name, f"upload_{i}")
                target.parent.mkdir()
                target.write_bytes(f.getbuffer())
                paths.append(target)
                names[target] = f.name

            def progress(i, n, name):
                bar.progress(i / max(n, 1), text=t("upload_file_progress", i=i + 1, n=n, name=name))

            try:  # a running load or build: say so at once rather than wait behind it
                result = ingest.run(paths, settings, data_dir(), progress=progress, lock_wait=0, names=names)
            except LockBusy:
                result = None
        if result is None:
            bar.empty()
            st.warning(t("load_running", holder=lock_holder(data_dir())))
            st.stop()
        gate.recorder("upload", ", ".join(r.file_name for r in result.files))(
            committed=result.committed,
            refused=result.refused,
            files=[{"file": r.file_name, "status": r.status, "rows_accepted": r.rows_accepted} for r in result.files],
        )
        bar.progress(1.0, text=t("upload_done"))
        st.session_state["upload_result"] = pd.DataFrame(
            [
                {
                    t("file"): r.file_name,
                    t("source"): ui.label("rpt_src", r.source),
                    t("status"): t(f"status_{r.status}"),
                    t("rows_read"): r.rows_read,
                    t("rows_accepted"): r.rows_accepted,
                    t("rows_rejected"): r.rows_rejected,
                    t("top_reasons"): "; ".join(
                        f"{n}× {reason_text(None, None, reason, r.source)}" for reason, n in r.top_reasons
                    )
                    or r.message,
                }
                for r in result.files
            ]
        )
        if result.committed:
            try:
                with st.spinner(t("rebuilding")):
                    info = build(data_dir(), settings, lock_wait=0)
                gate.recorder("rebuild", f"as of {info['as_of']}")(as_of=str(info["as_of"]), after="upload")
                st.success(t("upload_built"))
            except LockBusy:
                st.warning(t("load_running", holder=lock_holder(data_dir())))
            except BuildError as exc:
                st.error(t("build_failed") + " " + str(exc))
        elif result.refused:
            st.error(t("upload_refused"))
        else:
            st.info(t("upload_nothing_new"))
    if "upload_result" in st.session_state:
        ui.table(st.session_state["upload_result"], "upload_result", "upload_result_table")

# ---------------------------------------------------------------- rebuild with a chosen as-of
st.subheader(t("rebuild"))
if admin:
    c1, c2, c3 = st.columns([1, 1, 1])
    day = c1.date_input(t("as_of"), key="rebuild_date")
    at = c2.time_input(t("as_of_time"), value=time(0, 0), key="rebuild_time")
    if c3.button(t("rebuild_go"), key="rebuild_go"):
        try:
            with st.spinner(t("rebuilding")):
                info = build(data_dir(), settings, datetime.combine(day, at), lock_wait=0)
            gate.recorder("rebuild", f"as of {info['as_of']}")(as_of=str(info["as_of"]))
            st.success(t("rebuilt", as_of=str(info["as_of"])))
        except LockBusy:
            st.warning(t("load_running", holder=lock_holder(data_dir())))
        except BuildError as exc:
            st.error(t("build_failed") + " " + str(exc))

if not admin:
    st.stop()

# ---------------------------------------------------------------- audit trail
st.subheader(t("audit_trail"))
st.caption(t("audit_trail_caption"))
trail = gate.trail(settings).latest()
if trail.empty:
    ui.empty()
else:
    ui.table(trail.rename(columns=lambda c: t(f"audit_{c}")), "audit_trail", "audit_trail_table")

if ident is None:
    ui.empty(t("no_warehouse"))
    st.stop()

# ---------------------------------------------------------------- freshness
st.subheader(t("freshness"))
fresh = data.freshness(ident)
fresh = fresh.assign(source=ui.mapped(fresh["source"], lambda v: ui.label("rpt_src", v)))
ui.table(
    fresh.rename(
        columns={
            "source": t("source"),
            "records": t("records"),
            "newest_record": t("newest_record"),
            "last_load": t("last_load"),
        }
    ),
    "freshness",
    "freshness_table",
)

# ---------------------------------------------------------------- load history
st.subheader(t("load_history"))
history = data.load_history(ident, scope)
shown = history.assign(
    source=ui.mapped(history["source"], lambda v: ui.label("rpt_src", v)),
    status=ui.mapped(history["status"], lambda v: ui.label("status", v)),
)
ui.table(shown.rename(columns=lambda c: t(f"dh_{c}")), "load_history", "load_history_table")

# ---------------------------------------------------------------- rejected rows
st.subheader(t("rejected_rows"))
summary = data.rejected_summary(ident, scope)
if summary.empty:
    ui.empty(t("no_rejects"))
else:
    c1, c2, c3 = st.columns(3)
    everything = t("all")  # bound now: AppTest calls format_func outside the session
    sources = {v: ui.label("rpt_src", v) for v in summary["source"].unique()}
    source = c1.selectbox(
        t("source"),
        [None] + sorted(sources),
        key="rej_source",
        format_func=lambda v: everything if v is None else sources[v],
    )
    files = (
        sorted(summary[summary["source"] == source]["file_name"].unique())
        if source
        else sorted(summary["file_name"].unique())
    )
    file_name = c2.selectbox(
        t("file"), [None] + files, key="rej_file", format_func=lambda v: everything if v is None else v
    )
    reason = c3.text_input(t("reason_contains"), key="rej_reason")
    rows = data.rejected_rows(ident, scope, source, file_name)
    worded = [
        reason_text(c, p, r, src, name)
        for c, p, r, src, name in zip(
            rows["reason_code"], rows["reason_params"], rows["reason"], rows["source"], rows["file_name"], strict=True
        )
    ]
    if reason:  # the reason as shown, or as stored in English
        wanted = reason.strip().lower()
        keep = [wanted in w.lower() or wanted in str(r).lower() for w, r in zip(worded, rows["reason"], strict=True)]
        rows, worded = rows[keep], [w for w, k in zip(worded, keep, strict=True) if k]
    shown = rows.assign(
        source=ui.mapped(rows["source"], lambda v: ui.label("rpt_src", v)),
        column=[column_label(c, src) for c, src in zip(rows["column"], rows["source"], strict=True)],
        reason=worded,
    ).drop(columns=["reason_code", "reason_params"])
    ui.table(shown.rename(columns=lambda c: t(f"dh_{c}")), "rejected_rows", "rejected_rows_table")
