"""The Rank page's scoring controls: the scorer of a job, ranking the stored pool for it, and
re-scoring the CVs a ranking by its current scorer would leave out."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from core.errors import RecruitError
from core.pipeline import rerank_pool
from core.scoring import JOB_SCORERS, Scorer
from dashboard import resources
from db import repository as repo
from db.session import session_scope

POOL_RANKED_KEY = "rank_page_pool_ranked"


def job_scorer_picker(engine: Engine, *, job_id: int, stored: str | None, default: str) -> str | None:
    """The job's scorer (``stored``; None: the app's, ``default``), with a select box that changes and
    stores it.

    A recruiter picks another scorer for one job, e.g. the untrained one for an occupation outside
    the trained categories; uploads, re-scoring and the stored-pool ranking of that job all use it.
    """
    job_scorer = stored
    options = list(dict.fromkeys([default, *JOB_SCORERS, *([job_scorer] if job_scorer else [])]))
    picked = st.selectbox(
        "Scorer for this job", options, index=options.index(job_scorer or default),
        format_func=lambda name: f"{name} — {JOB_SCORERS.get(name, 'a trained model folder')}"
                                 + (" (the app's default)" if name == default else ""),
        key=f"rank_page_scorer_{job_id}",
        help="A change applies to the next upload; the CVs already ranked are re-scored with one click below.")
    if picked != (job_scorer or default):
        job_scorer = None if picked == default else picked
        with session_scope(engine) as session:
            repo.set_job_scorer(session, job_id=job_id, scorer=job_scorer)
    return job_scorer


def stored_pool_panel(engine: Engine, *, job_id: int, job_scorer: str | None) -> int:
    """Offer to rank the CVs stored for other jobs against this one (from their stored vectors, nothing
    re-read); returns how many are not ranked for it yet."""
    with session_scope(engine) as session:
        unranked = repo.count_documents_not_ranked_for(session, job_id=job_id)
    if unranked:
        st.caption(f"{unranked} CV(s) stored for other jobs are not ranked for this job yet.")
        if st.button(f"Rank the {unranked} stored CV(s) for this job too", key="rank_stored_pool",
                     help="scores every stored CV against this job from its stored chunk vectors (seconds for "
                          "thousands); decisions are per job, so nothing else changes"):
            try:
                with st.spinner("Ranking the stored CVs…"):
                    pool = rerank_pool(engine, job_id=job_id, scorer=resources.scorer(job_scorer),
                                       extractor=resources.skill_extractor())
            except RecruitError as exc:
                st.error(f"The stored CVs could not be ranked: {exc}", icon=":material/error:")
            else:
                st.session_state[POOL_RANKED_KEY] = (f"Ranked {pool.documents} stored CV(s) for this job in "
                                                     f"{pool.seconds:.1f} s.")
                st.rerun()
    if POOL_RANKED_KEY in st.session_state:
        st.success(st.session_state.pop(POOL_RANKED_KEY), icon=":material/check_circle:")
    return unranked


def rescore_panel(engine: Engine, *, job_id: int, scorer: Scorer, shown: tuple[str, str]) -> None:
    """When CVs of this job were scored by another model or version than the job's scorer (an upgrade,
    or another scorer picked), say so and offer to re-score them; ``shown`` is the ranking's (name, version)."""
    with session_scope(engine) as session:
        left_out = repo.documents_ranked_by_other_models(session, job_id=job_id, model_name=scorer.name,
                                                         model_version=scorer.version)
    if not left_out:
        return
    st.info((f"{len(left_out)} CV(s) of this job were scored by another model version and are not in this "
             "ranking." if shown == (scorer.name, scorer.version) else
             f"This ranking was scored by another model; this job is now ranked with {scorer.name} "
             f"(version {scorer.version}).")
            + " Re-scoring uses the CVs' stored vectors and keeps your decisions and notes.",
            icon=":material/update:")
    if st.button(f"Re-score {len(left_out)} CV(s) with this job's scorer", key="rescore_earlier"):
        with st.spinner("Re-scoring…"):
            rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=resources.skill_extractor(),
                        document_ids=left_out)
        st.rerun()
