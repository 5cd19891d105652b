"""Process-wide resources, loaded once and shared by every session (never mutated).

Each loader takes the settings it depends on as arguments, so a changed setting (or a test
with its own database) gets its own cached object instead of a stale one.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from core.config import Settings, get_settings
from core.scoring import Scorer
from core.skills import SkillExtractor


@st.cache_resource(show_spinner="Opening the database…")
def _database(url: str) -> Engine:
    from db.migrate import open_database

    return open_database(url)


@st.cache_resource(show_spinner="Loading the scoring model (first time only)…")
def _scorer(scorer: str, encoder: str, device: str, chunk_tokens: int, overlap: int, batch_size: int,
            pooling: str, rescore_with: str, rescore_top: int, quantize: str, precision: str) -> Scorer:
    from core.scoring import load_scorer

    return load_scorer(Settings(scorer=scorer, encoder=encoder, device=device, chunk_tokens=chunk_tokens,
                                chunk_overlap=overlap, batch_size=batch_size, pooling=pooling,
                                rescore_with=rescore_with, rescore_top=rescore_top, quantize=quantize,
                                precision=precision))


@st.cache_resource(show_spinner="Loading the skills model (first time only)…")
def _skill_extractor() -> SkillExtractor:
    from core.skills import load_skill_extractor

    return load_skill_extractor()


def database() -> Engine:
    return _database(get_settings().resolved_database_url)


def scorer(job_scorer: str | None = None) -> Scorer:
    """The app's scorer, or a job's own (``jobs.scorer``) when it has one; loaded once per process."""
    from core.scoring import job_settings

    s = job_settings(get_settings(), job_scorer)
    return _scorer(s.scorer, s.encoder, s.device, s.chunk_tokens, s.chunk_overlap, s.batch_size, s.pooling,
                   s.rescore_with, s.rescore_top, s.quantize, s.precision)


def skill_extractor() -> SkillExtractor:
    return _skill_extractor()
