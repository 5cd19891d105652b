"""Candidate view: one CV against the selected job — skill coverage, evidence, charts, highlights."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.profile import extract_profile
from core.skill_analysis import coverage, cv_skills, job_skills
from core.skill_descriptions import describe, load_descriptions
from core.skills import SkillHit, compare_skills
from dashboard import charts, navigation, resources
from dashboard.decisions import decision_panel
from dashboard.highlight import highlight_html, legend_html
from dashboard.state import CANDIDATE_KEY
from dashboard.widgets import restore_picker, select_job
from db import repository as repo
from db.session import session_scope

BATCH_ROWS = 30  # candidates in the batch heatmap
BATCH_SKILLS = 25  # skills in the batch heatmap

st.title("Candidate")
engine = resources.database()
if forgotten := st.session_state.pop("candidate_page_forgotten", None):
    st.success("Candidate erased: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in forgotten.items())
               + ". The privacy log records that it happened, without their data.", icon=":material/check_circle:")

job_id = select_job(engine, key="candidate_page_job", when_none="Create a job first, then rank CVs against it.")

with session_scope(engine) as session:
    rows = repo.ranking(session, job_id=job_id)
    job = repo.get_job(session, job_id=job_id)
    job_text = job.description if job else ""
    job_scorer = job.scorer if job else None

def removed_candidates() -> None:
    """Candidates taken out of the rankings stay restorable until purged."""
    with session_scope(engine) as session:
        gone = [(c.id, c.display_name, c.deleted_at) for c in repo.deleted_candidates(session)]

    def restore(candidate_id: int) -> None:
        with session_scope(engine) as session:
            repo.restore_candidate(session, candidate_id=candidate_id)

    restore_picker(gone, what="Removed candidates", button="Restore to the rankings", key="candidate_page_restore",
                   restore=restore)


if not rows:
    removed_candidates()
    st.info("No CV ranked for this job yet.")
    st.page_link(navigation.RANK, label="Go to Rank CVs", icon=":material/leaderboard:")
    st.stop()

by_document = {r.document_id: r for r in rows}
documents = list(by_document)
chosen = st.session_state.get(CANDIDATE_KEY)
document_id = st.selectbox(
    "Candidate", documents, index=documents.index(chosen) if chosen in documents else 0,
    format_func=lambda d: f"{by_document[d].rank}. {by_document[d].candidate_name} · {by_document[d].filename} "
                          f"· {by_document[d].score:.1f}",
    key="candidate_page_document")
st.session_state[CANDIDATE_KEY] = document_id
row = by_document[document_id]

with session_scope(engine) as session:
    document = repo.get_document(session, document_id=document_id)
    if document is None:
        st.error("This CV is no longer stored.")
        st.stop()
    text = document.text
    scanned = bool(document.ocr)
    hits = [SkillHit(h.skill, h.category, h.start, h.end, text[h.start : h.end])
            for h in document.skill_hits if 0 <= h.start < h.end <= len(text)]

extractor = resources.skill_extractor()
asked = job_skills(job_text, extractor.extract(job_text))
profile = extract_profile(text)
shown = cv_skills(text, hits, roles=profile.roles)
encoder = getattr(resources.scorer(job_scorer), "encoder", None)  # the job's scorer: loaded already for its ranking
descriptions = load_descriptions()
cover = coverage(compare_skills([j.skill for j in asked], [c.skill for c in shown]),
                 encoder.encode_texts if encoder is not None else None,
                 describe=lambda skill: describe(skill, descriptions))

cols = st.columns(4)
cols[0].metric("Rank", f"{row.rank} of {len(rows)}")
cols[1].metric("Score", f"{row.score:.1f}")
cols[2].metric("Fit", row.fit_class)
cols[3].metric("Skill coverage", f"{cover.score:.0%}", help="matched skills, a partial match counting one half")
if scanned:
    st.info("The text of this CV was recognised by OCR from a scanned page: check names and numbers.",
            icon=":material/document_scanner:")


decision_panel(engine, job_id, row.candidate_id)

# Profile: every value is CV text, so it is shown through widgets that never render Markdown/HTML.
with st.container(border=True):
    top = st.columns(3)
    top[0].metric("Current title", profile.current_title or "—")
    top[1].metric("Experience", f"{profile.total_years:g} years" if profile.total_years is not None else "—",
                  help="from the dated roles in the CV; overlapping periods counted once")
    top[2].metric("Education", profile.education[0].degree or "—" if profile.education else "—")
    contact = {"Name": profile.name, "Email": profile.email, "Phone": profile.phone, "Location": profile.location,
               "Links": ", ".join(profile.links) or None}
    st.dataframe(pd.DataFrame([{k: v or "—" for k, v in contact.items()}]), hide_index=True, width="stretch")
    if profile.roles or profile.education:
        left, right = st.columns(2)
        if profile.roles:
            left.dataframe(pd.DataFrame([{
                "Role": r.title or "—", "From": r.start.strftime("%b %Y") if r.start else "—",
                "To": "present" if r.current else (r.end.strftime("%b %Y") if r.end else "—")} for r in profile.roles]),
                hide_index=True, width="stretch")
        if profile.education:
            right.dataframe(pd.DataFrame([{
                "Degree": e.degree or "—", "Field": e.field or "—", "Institution": e.institution or "—",
                "Year": e.year} for e in profile.education]), hide_index=True, width="stretch")

evidence = {c.skill.casefold(): c for c in shown}
partial = {p.jd_skill.casefold(): p for p in cover.partial}
matched = {s.casefold() for s in cover.matched}


def status(skill: str) -> str:
    key = skill.casefold()
    if key in matched:
        return "in the CV"
    if key in partial:
        return f"partial: {partial[key].cv_skill} (similarity {partial[key].similarity:.2f})"
    return "missing"


def cv_evidence(skill: str) -> str:
    key = skill.casefold()
    found = evidence.get(key) or (evidence.get(partial[key].cv_skill.casefold()) if key in partial else None)
    return found.evidence if found else ""


if asked:
    table = pd.DataFrame([{
        "Job skill": j.skill, "Level": j.level, "Category": j.category, "In this CV": status(j.skill),
        "CV evidence": cv_evidence(j.skill),
        "Years (CV)": (evidence[j.skill.casefold()].years if j.skill.casefold() in evidence else None),
        "Last used": (evidence[j.skill.casefold()].last_used if j.skill.casefold() in evidence else None),
    } for j in asked])
    st.subheader("What the job asks for")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"CV evidence": st.column_config.TextColumn("CV evidence", width="large")})
    left, right = st.columns([3, 2])
    left.plotly_chart(charts.coverage_by_category(asked, cover), width="stretch")
    right.plotly_chart(charts.matched_missing_bar(cover), width="stretch")
else:
    st.info("The job description names no skill from the taxonomy, so there is nothing to match.")

st.subheader("CV")
status_of = {**{s.casefold(): "matched" for s in cover.matched},
             **{p.cv_skill.casefold(): "partial" for p in cover.partial if p.cv_skill.casefold() not in matched}}
st.html(legend_html())
st.html(highlight_html(text, ((h.start, h.end, h.skill) for h in hits), status_of))
if cover.missing:
    st.caption("Asked by the job, not in this CV: " + ", ".join(cover.missing))
if cover.extra:
    st.caption("Other skills in this CV: " + ", ".join(cover.extra[:40]) + (" …" if len(cover.extra) > 40 else ""))

with st.expander("Remove or forget this candidate"):
    left, right = st.columns(2)
    with left:
        sure = st.checkbox("Remove from every ranking (can be restored below)", key="candidate_page_confirm_remove")
        if st.button("Remove candidate", disabled=not sure, key="candidate_page_remove"):
            with session_scope(engine) as session:
                repo.delete_candidate(session, candidate_id=row.candidate_id)
            st.session_state.pop(CANDIDATE_KEY, None)
            st.rerun()
    with right:
        typed = st.text_input("Privacy request: type FORGET to erase this person's CV text, skills, vectors, "
                              "scores and decision notes for good (logged, cannot be undone)",
                              key="candidate_page_forget_text")
        if st.button("Forget this candidate", disabled=typed.strip() != "FORGET", type="primary",
                     key="candidate_page_forget"):
            with session_scope(engine) as session:
                counts = repo.forget_candidate(session, candidate_id=row.candidate_id)
            st.session_state.pop(CANDIDATE_KEY, None)
            st.session_state["candidate_page_forgotten"] = counts
            st.rerun()
removed_candidates()

with st.expander(f"The whole ranking for this job ({len(rows)} candidates)"):
    required = [j.skill for j in asked if j.level == "required"] or [j.skill for j in asked]
    required = required[:BATCH_SKILLS]
    top = rows[:BATCH_ROWS]
    if required:
        with session_scope(engine) as session:
            has = repo.skills_by_document(session, document_ids=[r.document_id for r in top], names=required)
        st.plotly_chart(charts.batch_heatmap([f"{r.rank}. {r.candidate_name}" for r in top], required,
                                             [set(has.get(r.document_id, ())) for r in top]), width="stretch")
    st.plotly_chart(charts.common_missing([r.missing_skills for r in rows]), width="stretch")
