"""The recruiter's decision on a candidate for a job: the Candidate page's form, history and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.state import DECIDED_BY_KEY
from dashboard.tables import decision_label
from db import repository as repo
from db.models import DECISION_STATUSES, NOTE_MAX_CHARS
from db.session import session_scope


def utc(when: datetime) -> datetime:
    """A stored time in UTC (SQLite gives it back without a zone, PostgreSQL in the session's zone)."""
    return when.astimezone(UTC) if when.tzinfo is not None else when


def decision_text(status: str) -> str:
    """A decision as the panel says it: its label, "undecided" when there is none."""
    return decision_label(status) or "undecided"


def decision_panel(engine: Engine, job_id: int, candidate_id: int) -> None:
    """The recruiter's decision and note on this candidate for this job, saved with optimistic concurrency.

    The form remembers the version it was filled from; saving over a newer version (someone else
    saved meanwhile) is refused with the error, and the text typed here stays in the box.
    Every value typed by a person is shown through widgets that never render Markdown or HTML.

    What is typed lives in a plain session key (the draft), copied into the widgets on every run and
    back by their callbacks: Streamlit drops a widget's own state when its page or candidate is left,
    and a returning widget showed its defaults ("Undecided", no note) over a stored decision — one
    click on Save then overwrote it. A draft now survives a page or candidate switch until saved or
    reloaded; a form nobody typed in follows the database.
    """
    base = f"decision_{job_id}_{candidate_id}"
    status_key, note_key, draft_key = f"{base}_status", f"{base}_note", f"{base}_draft"
    with session_scope(engine) as session:
        stored = repo.get_decision(session, job_id=job_id, candidate_id=candidate_id)
        history = repo.decision_history(session, job_id=job_id, candidate_id=candidate_id)
    if draft_key not in st.session_state or not st.session_state[draft_key]["edited"]:  # fill from the database
        st.session_state[draft_key] = {"status": stored.status if stored else "undecided",
                                       "note": stored.note if stored else "",
                                       "version": stored.version if stored else 0, "edited": False}
    draft = st.session_state[draft_key]
    st.session_state[status_key], st.session_state[note_key] = draft["status"], draft["note"]
    st.session_state["decision_decided_by"] = st.session_state.get(DECIDED_BY_KEY, "")

    def keep_draft() -> None:
        draft.update(status=st.session_state[status_key], note=st.session_state[note_key], edited=True)

    def keep_name() -> None:
        st.session_state[DECIDED_BY_KEY] = st.session_state["decision_decided_by"]

    def reload() -> None:
        st.session_state.pop(draft_key, None)

    with st.container(border=True):
        st.subheader("Decision")
        if saved := st.session_state.pop(f"{base}_saved", None):
            st.success(f"Decision saved: {saved}.", icon=":material/check_circle:")
        if stored is not None:
            was = f" (was {decision_text(stored.previous_status)})" if stored.previous_status else ""
            by = f" by {stored.decided_by}" if stored.decided_by else ""
            st.text(f"Last changed {utc(stored.updated_at):%Y-%m-%d %H:%M} UTC{by}: "
                    f"{decision_text(stored.status)}{was} · version {stored.version}")
        else:
            st.text("No decision yet for this job.")
        started_from = draft["version"]
        newer = stored is not None and stored.version != started_from
        left, right = st.columns([1, 3])
        with left:
            st.selectbox("Decision", DECISION_STATUSES, format_func=lambda s: s.capitalize(), key=status_key,
                         on_change=keep_draft)
            st.text_input("Your name (optional)", max_chars=200, key="decision_decided_by", on_change=keep_name)
        with right:
            st.text_area("Note (only recruiters see it; erased if the candidate asks to be forgotten)",
                         max_chars=NOTE_MAX_CHARS, height=110, key=note_key, on_change=keep_draft)
        unsaved = (draft["status"], draft["note"]) != ((stored.status, stored.note) if stored else ("undecided", ""))
        if draft["edited"] and unsaved and not newer:
            st.caption("Not saved yet: Save decision keeps these changes, Reload discards them.")
        if newer:
            st.warning("Someone else changed this decision since you opened it: reload to see it (your text "
                       "here is not saved).", icon=":material/sync_problem:")
        buttons = st.columns([1, 1, 4])
        save = buttons[0].button("Save decision", type="primary", key=f"{base}_save")
        buttons[1].button("Reload", key=f"{base}_reload", on_click=reload,
                          help="show the decision as stored now (discards what you typed)")
        if save:
            try:
                with session_scope(engine) as session:
                    done = repo.set_decision(
                        session, job_id=job_id, candidate_id=candidate_id, status=draft["status"],
                        note=draft["note"], decided_by=st.session_state.get(DECIDED_BY_KEY, ""),
                        expected_version=started_from)
            except repo.DecisionConflict as exc:
                st.error(f"Not saved: {exc}. What you typed is still in the box above — copy it before you "
                         "reload.", icon=":material/error:")
                if exc.current is not None:
                    st.text(f"Saved meanwhile (version {exc.current.version}): "
                            f"{decision_text(exc.current.status)}"
                            + (f" by {exc.current.decided_by}" if exc.current.decided_by else ""))
                    if exc.current.note:
                        st.text_area("Their note", exc.current.note, disabled=True, height=80)
            except repo.InvalidDecision as exc:
                st.error(f"Not saved: {exc}.", icon=":material/error:")
            else:
                draft.update(status=done.status, note=done.note, version=done.version, edited=False)
                st.session_state[f"{base}_saved"] = decision_text(done.status)
                st.rerun()
        if history:
            with st.expander(f"History of this decision ({len(history)} change{'s' if len(history) != 1 else ''})"):
                st.dataframe(pd.DataFrame([{
                    "When (UTC)": utc(h.at).strftime("%Y-%m-%d %H:%M:%S"), "From": decision_label(h.old_status or ""),
                    "To": decision_text(h.new_status), "By": h.decided_by, "Note": h.note,
                    "Version": h.version} for h in reversed(history)]),
                    hide_index=True, width="stretch",
                    column_config={"Note": st.column_config.TextColumn("Note", width="large")})
