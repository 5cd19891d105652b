"""Deleting jobs and candidates can be undone until purged; forgetting a person erases them, logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from db import repository as repo
from db.__main__ import main
from db.models import Candidate, ChunkVectors, Document, PrivacyLog, Score, SkillHit
from db.session import session_scope
from tests.db.filled import count_rows, fill_job


def test_a_deleted_job_is_hidden_and_comes_back_on_restore(engine: Engine) -> None:
    job_id, _ = fill_job(engine)
    with session_scope(engine) as session:
        assert repo.delete_job(session, job_id=job_id) and not repo.delete_job(session, job_id=job_id)
    with session_scope(engine) as session:
        assert repo.list_jobs(session) == [] and [j.id for j in repo.deleted_jobs(session)] == [job_id]
        assert repo.restore_job(session, job_id=job_id)
    with session_scope(engine) as session:
        assert [j.id for j in repo.list_jobs(session)] == [job_id]
        assert len(repo.ranking(session, job_id=job_id)) == 3  # nothing was lost meanwhile


def test_a_deleted_candidate_leaves_rankings_and_the_pool_until_restored_or_uploaded_again(engine: Engine) -> None:
    job_id, candidates = fill_job(engine)
    with session_scope(engine) as session:
        assert repo.delete_candidate(session, candidate_id=candidates[2])
    with session_scope(engine) as session:
        assert [r.candidate_id for r in repo.ranking(session, job_id=job_id)] == candidates[1::-1]
        assert len(repo.all_document_ids(session)) == 2
        assert repo.restore_candidate(session, candidate_id=candidates[2])
    with session_scope(engine) as session:
        assert len(repo.ranking(session, job_id=job_id)) == 3
        repo.delete_candidate(session, candidate_id=candidates[0])
    with session_scope(engine) as session:  # the same CV uploaded again brings them back
        doc, created = repo.add_document(session, new=repo.NewDocument(
            content_hash=f"{0:064x}", filename="again.txt", file_type="txt", text="Ann 0, GAAP", pages=1,
            candidate_name="Ann 0"))
        assert not created and doc.candidate.deleted_at is None


def test_forgetting_a_candidate_erases_every_row_of_theirs_and_logs_only_counts(engine: Engine) -> None:
    _, candidates = fill_job(engine)
    with session_scope(engine) as session:
        counts = repo.forget_candidate(session, candidate_id=candidates[1])
        assert repo.forget_candidate(session, candidate_id=999) is None
    assert counts == {"documents": 1, "scores": 1, "chunk_vectors": 1, "skill_hits": 1, "decisions": 0,
                      "decision_events": 0}
    assert (count_rows(engine, Candidate), count_rows(engine, Document), count_rows(engine, Score),
            count_rows(engine, ChunkVectors), count_rows(engine, SkillHit)) == (2, 2, 2, 2, 2)
    with session_scope(engine) as session:
        (entry,) = repo.privacy_log(session)
        assert (entry.action, entry.candidate_id, entry.details) == ("forget candidate", candidates[1], counts)
        texts = [d.text for d in session.scalars(select(Document))]
        assert all("Ann 1" not in t for t in texts)


def test_purge_erases_only_what_was_deleted_long_enough_ago(engine: Engine) -> None:
    job_id, candidates = fill_job(engine)
    with session_scope(engine) as session:
        repo.delete_candidate(session, candidate_id=candidates[0])
        repo.delete_job(session, job_id=job_id)
    with session_scope(engine) as session:
        assert repo.purge_deleted(session, older_than=timedelta(days=30)) == {"jobs": 0, "candidates": 0}
    with session_scope(engine) as session:
        assert repo.purge_deleted(session, older_than=timedelta(0)) == {"jobs": 1, "candidates": 1}
    assert count_rows(engine, Candidate) == 2 and count_rows(engine, Score) == 0 and count_rows(engine, PrivacyLog) == 0


def test_cli_forget_and_purge(engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, candidates = fill_job(engine)
    assert main(["--db", db_url, "forget", str(candidates[0])]) == 0
    assert "erased candidate" in capsys.readouterr().out
    assert main(["--db", db_url, "forget", str(candidates[0])]) == 2
    assert "no candidate" in capsys.readouterr().err
    assert main(["--db", db_url, "purge", "--days", "30"]) == 0
    assert "purged 0 job(s) and 0 candidate(s)" in capsys.readouterr().out
