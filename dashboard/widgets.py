"""Widgets more than one page uses."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard import navigation
from dashboard.state import JOB_KEY
from db import repository as repo
from db.session import session_scope


def select_job(engine: Engine, *, key: str, when_none: str) -> int:
    """The job selector, remembered across pages; with no job yet, says ``when_none`` and stops the page."""
    with session_scope(engine) as session:
        jobs = [(job.id, job.title) for job in repo.list_jobs(session)]
    if not jobs:
        st.info(when_none)
        st.page_link(navigation.JOBS, label="Go to Jobs", icon=":material/work:")
        st.stop()
    ids = [job_id for job_id, _ in jobs]
    titles = dict(jobs)
    current = st.session_state.get(JOB_KEY)
    job_id = st.selectbox("Job", ids, index=ids.index(current) if current in ids else 0,
                          format_func=lambda i: f"#{i} · {titles[i]}", key=key)
    st.session_state[JOB_KEY] = job_id
    return int(job_id)
