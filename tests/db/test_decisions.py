"""Recruiter decisions: one row per (job, candidate), every write in the history, optimistic concurrency,
erased with the person, kept through soft deletes; documents remember OCR. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from db import repository as repo
from db.models import NOTE_MAX_CHARS, Decision, DecisionEvent, Document, PrivacyLog
from db.session import session_scope
from tests.db.filled import count_rows, fill_job


def test_a_decision_is_upserted_versioned_and_every_change_is_in_its_history(engine: Engine) -> None:
    job_id, (ann, bo, _) = fill_job(engine)
    with session_scope(engine) as session:
        assert repo.get_decision(session, job_id=job_id, candidate_id=ann) is None
        first = repo.set_decision(session, job_id=job_id, candidate_id=ann, status="Shortlisted",
                                  note="  strong GAAP  ", decided_by="Dana")
        assert (first.status, first.note, first.version, first.previous_status) == (
            "shortlisted", "strong GAAP", 1, None)
    with session_scope(engine) as session:
        second = repo.set_decision(session, job_id=job_id, candidate_id=ann, status="on hold", note="wait for refs")
        repo.set_decision(session, job_id=job_id, candidate_id=bo, status="rejected")
    assert (second.version, second.previous_status, second.decided_by) == (2, "shortlisted", "")
    with session_scope(engine) as session:
        stored = repo.get_decision(session, job_id=job_id, candidate_id=ann)
        assert stored is not None and (stored.status, stored.note, stored.version) == ("on hold", "wait for refs", 2)
        history = repo.decision_history(session, job_id=job_id, candidate_id=ann)
        assert [(h.version, h.old_status, h.new_status, h.note, h.decided_by) for h in history] == [
            (1, None, "shortlisted", "strong GAAP", "Dana"), (2, "shortlisted", "on hold", "wait for refs", "")]
        assert repo.decision_counts(session) == {job_id: {"on hold": 1, "rejected": 1}}
        by_candidate = {r.candidate_id: r for r in repo.ranking(session, job_id=job_id)}
        assert by_candidate[ann].decision == "on hold" and by_candidate[ann].decision_note == "wait for refs"
        assert by_candidate[bo].decision == "rejected"
        assert [r.decision for r in by_candidate.values() if r.candidate_id not in (ann, bo)] == ["undecided"]
    assert count_rows(engine, Decision) == 2 and count_rows(engine, DecisionEvent) == 3


def test_a_stale_save_is_refused_and_nothing_is_lost(engine: Engine) -> None:
    """Two recruiters open version 1; the first saves; the second's save is refused with the news."""
    job_id, (ann, *_) = fill_job(engine)
    with session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="on hold", note="v1")
    with session_scope(engine) as first, session_scope(engine) as second:
        seen_by_first = repo.get_decision(first, job_id=job_id, candidate_id=ann)
        seen_by_second = repo.get_decision(second, job_id=job_id, candidate_id=ann)
    assert seen_by_first is not None and seen_by_second is not None
    assert seen_by_first.version == seen_by_second.version == 1
    with session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="shortlisted", note="first's note",
                          decided_by="First", expected_version=seen_by_first.version)
    with pytest.raises(repo.DecisionConflict, match="someone else changed this decision; reload to see it") as info:
        with session_scope(engine) as session:
            repo.set_decision(session, job_id=job_id, candidate_id=ann, status="rejected", note="second's note",
                              decided_by="Second", expected_version=seen_by_second.version)
    current = info.value.current
    assert current is not None and (current.status, current.note, current.version) == ("shortlisted", "first's note", 2)
    with session_scope(engine) as session:  # after a reload, the second recruiter's save goes through
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="rejected", note="second's note",
                          expected_version=current.version)
        history = repo.decision_history(session, job_id=job_id, candidate_id=ann)
    assert [(h.version, h.new_status, h.note) for h in history] == [
        (1, "on hold", "v1"), (2, "shortlisted", "first's note"), (3, "rejected", "second's note")]


def test_expected_version_zero_means_no_decision_yet(engine: Engine) -> None:
    job_id, (ann, *_) = fill_job(engine)
    with session_scope(engine) as session:
        assert repo.set_decision(session, job_id=job_id, candidate_id=ann, status="shortlisted",
                                 expected_version=0).version == 1
    with pytest.raises(repo.DecisionConflict), session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="rejected", expected_version=0)
    with pytest.raises(repo.DecisionConflict), session_scope(engine) as session:  # a version never stored
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="rejected", expected_version=7)
    assert count_rows(engine, DecisionEvent) == 1


def test_bad_statuses_and_long_notes_are_refused_and_notes_are_stored_verbatim(engine: Engine) -> None:
    job_id, (ann, *_) = fill_job(engine)
    with pytest.raises(repo.InvalidDecision, match="not a decision"), session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="hired")
    with pytest.raises(repo.InvalidDecision, match="at most 2,000"), session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="rejected", note="x" * (NOTE_MAX_CHARS + 1))
    hostile = "=HYPERLINK(\"http://x\")\n<script>alert(1)</script> ünï\x00code"
    with session_scope(engine) as session:
        saved = repo.set_decision(session, job_id=job_id, candidate_id=ann, status="rejected", note=hostile)
    assert saved.note == hostile.replace("\x00", "")  # kept as typed; escaped where shown, neutralised in CSV
    assert count_rows(engine, DecisionEvent) == 1


def test_forgetting_a_candidate_erases_their_decisions_and_history_and_logs_the_counts(engine: Engine) -> None:
    job_id, (ann, bo, _) = fill_job(engine)
    with session_scope(engine) as session:
        other_job = repo.create_job(session, title="Other", description="Other job").id
        for status in ("on hold", "shortlisted"):
            repo.set_decision(session, job_id=job_id, candidate_id=ann, status=status, note="private note")
        repo.set_decision(session, job_id=other_job, candidate_id=ann, status="rejected", note="another")
        repo.set_decision(session, job_id=job_id, candidate_id=bo, status="rejected")
    with session_scope(engine) as session:
        counts = repo.forget_candidate(session, candidate_id=ann)
    assert counts is not None and (counts["decisions"], counts["decision_events"]) == (2, 3)
    assert count_rows(engine, Decision) == 1 and count_rows(engine, DecisionEvent) == 1  # Bo's stays
    with session_scope(engine) as session:
        notes = session.scalars(select(DecisionEvent.note)).all() + session.scalars(select(Decision.note)).all()
        assert "private note" not in notes and "another" not in notes
        (entry,) = session.scalars(select(PrivacyLog)).all()
        assert entry.details["decisions"] == 2 and entry.details["decision_events"] == 3


def test_soft_deleted_jobs_and_candidates_keep_their_decisions_and_purge_erases_them(engine: Engine) -> None:
    job_id, (ann, bo, _) = fill_job(engine)
    with session_scope(engine) as session:
        repo.set_decision(session, job_id=job_id, candidate_id=ann, status="shortlisted", note="keep me")
        repo.set_decision(session, job_id=job_id, candidate_id=bo, status="rejected")
        repo.delete_candidate(session, candidate_id=ann)
        repo.delete_job(session, job_id=job_id)
    with session_scope(engine) as session:
        repo.restore_job(session, job_id=job_id)
        repo.restore_candidate(session, candidate_id=ann)
    with session_scope(engine) as session:
        stored = repo.get_decision(session, job_id=job_id, candidate_id=ann)
        assert stored is not None and stored.note == "keep me"
        assert {r.candidate_id: r.decision for r in repo.ranking(session, job_id=job_id)}[ann] == "shortlisted"
        repo.delete_job(session, job_id=job_id)
    with session_scope(engine) as session:
        repo.purge_deleted(session, older_than=timedelta(0))
    assert count_rows(engine, Decision) == 0 and count_rows(engine, DecisionEvent) == 0


def test_documents_remember_whether_their_text_came_from_ocr(engine: Engine) -> None:
    job_id, candidates = fill_job(engine, ocr_first=True)
    with session_scope(engine) as session:
        assert [d.ocr for d in session.scalars(select(Document).order_by(Document.id))] == [True, False, False]
        assert {r.candidate_id: r.ocr for r in repo.ranking(session, job_id=job_id)} == {
            candidates[0]: True, candidates[1]: False, candidates[2]: False}
