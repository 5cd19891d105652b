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
    """The job selector of the Rank and Candidate pages; with no job yet, says ``when_none`` and stops the page."""
    with session_scope(engine) as session:
        jobs = [(job.id, job.title) for job in repo.list_jobs(session)]
    if not jobs:
        st.info(when_none)
        st.page_link(navigation.JOBS, label="Go to Jobs", icon=":material/work:")
        st.stop()
    return job_picker([job_id for job_id, _ in jobs], {i: f"#{i} · {title}" for i, title in jobs}, label="Job", key=key)


def job_picker(ids: Sequence[int], titles: dict[int, str], *, label: str, key: str) -> int:
    """A selectbox of jobs that shows the job worked on, wherever it was chosen or created.

    The job lives in a plain session key (:data:`JOB_KEY`, which survives page changes) and in the
    URL (``?job=N``, which survives a browser reload and can be bookmarked); it is copied into the
    widget on every run, because a widget keeps its own state while its page is open: a job just
    created (or restored) on the Jobs page did not show, and the next upload went to the old one.
    """
    current = st.session_state.get(JOB_KEY)
    if current not in ids:
        try:
            current = int(st.query_params.get("job", ""))
        except ValueError:
            current = None
    st.session_state[key] = current if current in ids else ids[0]

    def picked() -> None:
        st.session_state[JOB_KEY] = st.session_state[key]

    choice = int(st.selectbox(label, ids, format_func=titles.__getitem__, key=key, on_change=picked))
    st.session_state[JOB_KEY] = choice
    st.query_params["job"] = str(choice)
    return choice


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
