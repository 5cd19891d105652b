"""The app's pages, defined once: ``st.navigation`` and every ``st.page_link`` use these objects."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

JOBS = st.Page(str(PAGES_DIR / "jobs.py"), title="Jobs", icon=":material/work:", url_path="jobs", default=True)
RANK = st.Page(str(PAGES_DIR / "rank.py"), title="Rank CVs", icon=":material/leaderboard:", url_path="rank")

CANDIDATE = st.Page(str(PAGES_DIR / "candidate.py"), title="Candidate", icon=":material/person_search:",
                    url_path="candidate")

SECTIONS = {"Recruiter": [JOBS, RANK, CANDIDATE]}
