"""Jobs: create a job from a pasted or uploaded description, and pick the job to work on."""

from __future__ import annotations

import streamlit as st

from core.config import get_settings
from core.documents import parse_document
from core.errors import RecruitError
from core.pipeline import create_job
from dashboard import navigation, resources
from dashboard.state import JOB_KEY
from dashboard.widgets import restore_picker
from db import repository as repo
from db.session import session_scope

st.title("Jobs")
engine = resources.database()

with st.expander("Create a job", expanded=True):
    title = st.text_input("Title (optional — taken from the first line otherwise)", max_chars=300, key="new_job_title")
    pasted = st.text_area("Job description", height=220, key="new_job_text",
                          placeholder="Paste the vacancy text here, or upload it below")
    uploaded = st.file_uploader("…or upload the description", type=["txt", "pdf", "docx"], key="new_job_file",
                                max_upload_size=max(1, get_settings().limits.max_file_bytes // (1024 * 1024)))
    if st.button("Create job", type="primary"):
        try:
            if uploaded is not None:
                description = parse_document(uploaded.getvalue(), uploaded.name,
                                             limits=get_settings().limits).text
            else:
                description = pasted
            job_id = create_job(engine, description=description, title=title.strip() or None,
                                extractor=resources.skill_extractor())
        except RecruitError as exc:
            source = f" ({uploaded.name})" if uploaded is not None else ""
            st.error(f"The job was not created{source}: {exc}", icon=":material/error:")
        else:
            st.session_state[JOB_KEY] = job_id
            st.success(f"Job #{job_id} created. Open “Rank CVs” to upload CVs for it.", icon=":material/check_circle:")

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
ids = [row[0] for row in listing]
titles = {row[0]: f"#{row[0]} · {row[1]}" for row in listing}
current = st.session_state.get(JOB_KEY)
choice = st.selectbox("Working on", ids, index=ids.index(current) if current in ids else 0,
                      format_func=titles.__getitem__, key="jobs_page_select")
st.session_state[JOB_KEY] = choice
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
    sure = st.checkbox(f"Yes, delete job {titles[choice]} and hide its ranking (it can be restored below until "
                       "it is purged)", key="jobs_page_confirm_delete")
    if st.button("Delete job", disabled=not sure, key="jobs_page_delete"):
        with session_scope(engine) as session:
            repo.delete_job(session, job_id=choice)
        st.session_state.pop(JOB_KEY, None)
        st.rerun()
recently_deleted()
