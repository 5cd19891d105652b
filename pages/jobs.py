"""Jobs: create a job from a pasted or uploaded description, and pick the job to work on."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from core.documents import parse_document
from core.documents.messages import for_any_document
from core.errors import InvalidInput, RecruitError
from core.pipeline import create_job, required_description
from dashboard import navigation, resources
from dashboard.state import JOB_KEY
from dashboard.widgets import job_picker, restore_picker
from db import repository as repo
from db.session import session_scope

st.title("Jobs")
engine = resources.database()

NEW_JOB_FILE_NONCE = "new_job_file_nonce"
NEW_JOB_OUTCOME = "new_job_outcome"


def create_from_form() -> None:
    """The Create button's callback: runs before the page, so a created job's form can be emptied (a second
    click made the same job twice) and the new job is the one the page shows."""
    title = st.session_state.get("new_job_title", "")
    pasted = st.session_state.get("new_job_text", "")
    uploaded = st.session_state.get(f"new_job_file_{st.session_state.get(NEW_JOB_FILE_NONCE, 0)}")
    source = f" ({uploaded.name})" if uploaded is not None else ""
    try:
        if uploaded is not None and pasted.strip():
            raise InvalidInput("there is a pasted description and an uploaded file; keep one (clear the text box "
                               "or remove the file with its ×)")
        if uploaded is not None:
            description = parse_document(uploaded.getvalue(), uploaded.name, limits=get_settings().limits).text
        else:
            description = pasted
        description = required_description(description)  # before the skills model loads for nothing
        job_id = create_job(engine, description=description, title=title.strip() or None,
                            extractor=resources.skill_extractor())
    except RecruitError as exc:
        st.session_state[NEW_JOB_OUTCOME] = ("error", f"The job was not created{source}: {for_any_document(str(exc))}")
    else:
        st.session_state[JOB_KEY] = job_id
        st.session_state["new_job_title"], st.session_state["new_job_text"] = "", ""
        st.session_state[NEW_JOB_FILE_NONCE] = st.session_state.get(NEW_JOB_FILE_NONCE, 0) + 1  # an empty uploader
        st.session_state[NEW_JOB_OUTCOME] = ("success", f"Job #{job_id} created. Open “Rank CVs” to upload CVs for it.")


with st.expander("Create a job", expanded=True):
    st.text_input("Title (optional — taken from the first line otherwise)", max_chars=300, key="new_job_title")
    st.text_area("Job description", height=220, key="new_job_text",
                 placeholder="Paste the vacancy text here, or upload it below")
    st.file_uploader("…or upload the description", type=["txt", "pdf", "docx"],
                     key=f"new_job_file_{st.session_state.get(NEW_JOB_FILE_NONCE, 0)}",
                     max_upload_size=max(1, get_settings().limits.max_file_bytes // (1024 * 1024)))
    st.button("Create job", type="primary", on_click=create_from_form)
    if outcome := st.session_state.pop(NEW_JOB_OUTCOME, None):
        kind, message = outcome
        if kind == "error":
            st.error(message, icon=":material/error:")
        else:
            st.success(message, icon=":material/check_circle:")

with session_scope(engine) as session:
    jobs = repo.list_jobs(session)
    listing = [(job.id, job.title, job.created_at, len(job.skills), len(job.batches)) for job in jobs]
    decided = repo.decision_counts(session)
    ranked_cvs = repo.ranked_document_counts(session)


def recently_deleted() -> None:
    """Deleted jobs stay restorable until purged (`python -m db purge --days 30`)."""
    with session_scope(engine) as session:
        gone = [(j.id, f"#{j.id} · {j.title}", j.deleted_at) for j in repo.deleted_jobs(session)]

    def restore(job_id: int) -> None:
        with session_scope(engine) as session:
            repo.restore_job(session, job_id=job_id)
        st.session_state[JOB_KEY] = job_id

    restore_picker(gone, what="Recently deleted jobs", button="Restore", key="jobs_page_restore", restore=restore)


if not listing:
    st.info("No job yet: create one above.")
    recently_deleted()
    st.stop()

st.subheader("Your jobs")
titles = {row[0]: f"#{row[0]} · {row[1]}" for row in listing}
choice = job_picker([row[0] for row in listing], titles, label="Working on", key="jobs_page_select")
st.dataframe(
    {
        "Job": [row[0] for row in listing],
        "Title": [row[1] for row in listing],
        "Created": [row[2].strftime("%Y-%m-%d %H:%M") for row in listing],
        "Skills asked for": [row[3] for row in listing],
        "CVs ranked": [ranked_cvs.get(row[0], 0) for row in listing],
        "Upload batches": [row[4] for row in listing],
        "Shortlisted": [decided.get(row[0], {}).get("shortlisted", 0) for row in listing],
    },
    hide_index=True,
    width="stretch",
)
with session_scope(engine) as session:
    job = repo.get_job(session, job_id=choice)
    if job is not None:
        st.markdown("**Skills this job asks for**")
        st.text(", ".join(job.skills) or "none recognised")
        with st.expander("Description"):
            st.text(job.description)
st.page_link(navigation.RANK, label="Rank CVs for this job", icon=":material/leaderboard:")

with st.expander("Delete this job"):
    # One confirmation per job: a tick given for a deleted job must not carry over to the next one.
    sure = st.checkbox(f"Yes, delete job {titles[choice]} and hide its ranking (it can be restored below until "
                       "it is purged)", key=f"jobs_page_confirm_delete_{choice}")
    if st.button("Delete job", disabled=not sure, key="jobs_page_delete"):
        with session_scope(engine) as session:
            repo.delete_job(session, job_id=choice)
        st.session_state.pop(JOB_KEY, None)
        st.rerun()
recently_deleted()
