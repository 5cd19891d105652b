"""Streamlit entry point: ``streamlit run dashboard/app.py`` (what ``make run`` does)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.navigation import SECTIONS  # noqa: E402

st.set_page_config(page_title="Talent ranking", page_icon="📋", layout="wide")
st.navigation(SECTIONS).run()
