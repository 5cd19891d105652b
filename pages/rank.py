"""Rank CVs: upload a batch for the selected job, watch progress, read and export the ranking."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.config import get_settings
from core.documents import UploadedFile
from core.errors import RecruitError
from core.pipeline import rank_uploads
from core.scoring import ReadsJobOccupation, score_meaning
from core.sections import job_scoring_text
from dashboard import navigation, resources
from dashboard.job_scoring import job_scorer_picker, rescore_panel, stored_pool_panel
from dashboard.state import UPLOAD_NONCE_KEY
from dashboard.widgets import select_job
from dashboard.tables import occupation_reading, ranking_frame, to_csv_bytes
from db import repository as repo
from db.session import session_scope

st.title("Rank CVs")
engine = resources.database()
settings = get_settings()

job_id = select_job(engine, key="rank_page_job",
                    when_none="Create a job first: the ranking compares CVs with its description.")
with session_scope(engine) as session:
    job = repo.get_job(session, job_id=job_id)
    job_text, stored_scorer = ((job_scoring_text(job.title, job.description), job.scorer) if job is not None
                               else ("", None))
job_scorer = job_scorer_picker(engine, job_id=job_id, stored=stored_scorer, default=settings.scorer)

RANKED_MESSAGE_KEY = "rank_page_ranked_message"
nonce = st.session_state.setdefault(UPLOAD_NONCE_KEY, 0)
files = st.file_uploader(
    f"CVs — PDF, DOCX, TXT, scans (PNG, JPEG, TIFF) or ZIP; up to {settings.limits.max_files_per_upload} files, "
    f"{settings.limits.max_file_bytes // (1024 * 1024)} MB per CV (a ZIP of CVs up to "
    f"{settings.limits.max_zip_total_bytes // (1024 * 1024)} MB)",
    type=["pdf", "docx", "txt", "zip", "png", "jpg", "jpeg", "tif", "tiff"],
    # A ZIP of many CVs may be bigger than one CV; its members are bounded one by one when opened.
    max_upload_size=max(1, max(settings.limits.max_file_bytes, settings.limits.max_zip_total_bytes) // (1024 * 1024)),
    accept_multiple_files=True,
    key=f"cv_upload_{nonce}",
)
if st.button("Rank these CVs", type="primary", disabled=not files):
    bar = st.progress(0.0, text="Starting…")
    try:
        outcome = rank_uploads(
            engine,
            job_id=job_id,
            uploads=(UploadedFile(f.name, f.getvalue()) for f in files or []),
            scorer=resources.scorer(job_scorer),
            extractor=resources.skill_extractor(),
            limits=settings.limits,
            progress=lambda fraction, message: bar.progress(fraction, text=message[:80]),
        )
    except RecruitError as exc:
        st.error(f"The batch could not be ranked: {exc}", icon=":material/error:")
    else:
        bar.empty()
        new = len(outcome.ranked) - outcome.duplicates
        st.session_state[RANKED_MESSAGE_KEY] = (
            f"Ranked {len(outcome.ranked)} CV(s) ({new} new, {outcome.duplicates} already stored); "
            f"{outcome.unreadable} file(s) could not be read."
            + (f" {outcome.repeats} file(s) repeated another of this upload and were ranked once." if outcome.repeats
               else "")
            + (f" {outcome.rescored} CV(s) ranked earlier by another model version were re-scored with this one, "
               "so the ranking keeps them." if outcome.rescored else ""))
        # A fresh, empty uploader (and a disabled button) for the next batch; the message shows after the rerun.
        st.session_state[UPLOAD_NONCE_KEY] = nonce + 1
        st.rerun()
if ranked_message := st.session_state.pop(RANKED_MESSAGE_KEY, None):
    st.success(ranked_message, icon=":material/check_circle:")

unranked_pool = stored_pool_panel(engine, job_id=job_id, job_scorer=job_scorer)

with session_scope(engine) as session:
    rows = repo.ranking(session, job_id=job_id)
    batches = repo.list_batches(session, job_id=job_id)
    latest_failures = [(f.filename, f.reason) for f in repo.list_failures(session, batch_id=batches[0].id)] if batches else []
    history = [
        {"Batch": b.id, "When": b.created_at.strftime("%Y-%m-%d %H:%M"), "Files": b.files_received,
         "Ranked": b.ranked, "Unreadable": b.failed, "Already stored": b.duplicates, "Status": b.status,
         "Model": f"{b.model_name} {b.model_version}"}
        for b in batches
    ]

if latest_failures:
    st.warning(f"{len(latest_failures)} file(s) of the last batch could not be ranked — the reasons are "
               "listed below the ranking.", icon=":material/warning:")



def show_failures() -> None:
    if latest_failures:
        st.subheader("Files that could not be ranked")
        st.dataframe(pd.DataFrame(latest_failures, columns=["File", "Reason"]), hide_index=True, width="stretch")


st.subheader("Ranking")
if not rows:
    st.info("No CV ranked for this job yet: upload some above"
            + (", or rank the CVs already stored for other jobs." if unranked_pool else "."))
    show_failures()
    st.stop()

frame = ranking_frame(rows)
counts = frame["Fit"].value_counts()
cols = st.columns(4)
cols[0].metric("Candidates", len(frame))
for col, label in zip(cols[1:], ("Good Fit", "Potential Fit", "No Fit"), strict=True):
    col.metric(label, int(counts.get(label, 0)))
decided = frame["Decision"][frame["Decision"] != ""].value_counts()
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={
        "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f"),
        "Rank": st.column_config.NumberColumn("Rank", width="small"),
        "File": st.column_config.TextColumn("File", width="medium"),
        "Fit": st.column_config.TextColumn("Fit", width=100),  # "Potential Fit" whole
        "Decision": st.column_config.TextColumn("Decision", width=95,
                                                help="your decision, set on the Candidate page"),
        "Matched skills": st.column_config.TextColumn("Matched skills", width="medium"),
        "Missing skills": st.column_config.TextColumn("Missing skills", width="medium"),
        "Text from": st.column_config.TextColumn("Text from", width=80,
                                                 help="OCR scan: the text was recognised from a scanned page; "
                                                      "names and numbers may be misread"),
    },
)
st.caption(f"Scored by {rows[0].model_name} (version {rows[0].model_version}). "
           f"{score_meaning(rows[0].model_name)} "
           + ("Decisions: " + ", ".join(f"{n} {label.lower()}" for label, n in decided.items()) + "."
              if len(decided) else "No decision yet: open a candidate to shortlist, hold or reject."))
try:  # the occupation-aware scorer's reading of the job; viewing a ranking must not need a loadable model
    current = resources.scorer(job_scorer)
except RecruitError:
    current = None
if current is not None:
    rescore_panel(engine, job_id=job_id, scorer=current, shown=(rows[0].model_name, rows[0].model_version))
    if rows[0].model_name == current.name and isinstance(current, ReadsJobOccupation) and job_text.strip():
        st.caption(occupation_reading(current.job_occupations(job_text)))
st.download_button("Download ranking (CSV)", to_csv_bytes(ranking_frame(rows, top_skills=None, notes=True)),
                   file_name=f"ranking-job-{job_id}.csv", mime="text/csv",
                   help="with your decisions and notes")
st.page_link(navigation.CANDIDATE, label="Open a candidate: skills, evidence and highlights",
             icon=":material/person_search:")
show_failures()
if history:
    with st.expander(f"Batches for this job ({len(history)})"):
        st.dataframe(pd.DataFrame(history), hide_index=True, width="stretch")
