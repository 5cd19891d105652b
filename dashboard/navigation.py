"""The app's pages, defined once: ``st.navigation`` and every ``st.page_link`` use these objects.

Streamlit serves the default page at the root URL only (its ``url_path`` is reserved but not
routed), so a default Jobs page would make ``/jobs`` a "page not found". The default page is
therefore a hidden one that switches to Jobs: ``/`` lands on ``/jobs``, and ``/jobs``, ``/rank``
and ``/candidate`` all open their page directly (bookmarks and shared links work).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

JOBS = st.Page(str(PAGES_DIR / "jobs.py"), title="Jobs", icon=":material/work:", url_path="jobs")
RANK = st.Page(str(PAGES_DIR / "rank.py"), title="Rank CVs", icon=":material/leaderboard:", url_path="rank")

CANDIDATE = st.Page(str(PAGES_DIR / "candidate.py"), title="Candidate", icon=":material/person_search:",
                    url_path="candidate")


def _start() -> None:
    """The root URL: open the Jobs page (at its own URL, so the menu marks it)."""
    st.switch_page(JOBS)


START = st.Page(_start, title="Jobs", url_path="start", default=True, visibility="hidden")

SECTIONS = {"Recruiter": [START, JOBS, RANK, CANDIDATE]}
