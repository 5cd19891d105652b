"""Widgets more than one page uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

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


def restore_picker(gone: Sequence[tuple[int, str, datetime]], *, what: str, button: str, key: str,
                   restore: Callable[[int], None]) -> None:
    """An expander listing deleted rows (id, name, when) with a button that restores the one picked."""
    if not gone:
        return
    with st.expander(f"{what} ({len(gone)})"):
        labels = {i: f"{name} — {when:%Y-%m-%d %H:%M}" for i, name, when in gone}
        pick = st.selectbox(what, list(labels), format_func=labels.__getitem__, key=f"{key}_pick")
        if st.button(button, key=key):
            restore(pick)
            st.rerun()
