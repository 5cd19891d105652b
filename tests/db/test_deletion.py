"""Deleting jobs and candidates can be undone until purged; forgetting a person erases them, logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from db import repository as repo
from db.__main__ import main
from db.models import Candidate, ChunkVectors, Document, PrivacyLog, Score, SkillHit
from db.session import session_scope


def _fill(engine: Engine) -> tuple[int, list[int]]:
    with session_scope(engine) as session:
        job = repo.create_job(session, title="Accountant", description="Accountant. GAAP.", skills=["GAAP"])
        candidates = []
        for i in range(3):
            doc, _ = repo.add_document(session, new=repo.NewDocument(
                content_hash=f"{i:064x}", filename=f"cv{i}.txt", file_type="txt", text=f"Ann {i}, GAAP", pages=1,
                candidate_name=f"Ann {i}", skill_hits=[("GAAP", "certification", 7, 11)]))
            repo.save_chunk_vectors(session, document_id=doc.id, encoder_key="k", chunks=1, dim=2, data=b"\0" * 4)
            repo.upsert_score(session, job_id=job.id, document_id=doc.id, batch_id=None, model_name="m",
                              model_version="1", score=50.0 + i, fit_class="Good Fit", pair_matrix=[[0.5]],
                              matched_skills=["GAAP"], missing_skills=[])
            candidates.append(doc.candidate_id)
        return job.id, candidates


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_deleted_job_is_hidden_and_comes_back_on_restore(engine: Engine) -> None:
    job_id, _ = _fill(engine)
    with session_scope(engine) as session:
        assert repo.delete_job(session, job_id=job_id) and not repo.delete_job(session, job_id=job_id)
    with session_scope(engine) as session:
        assert repo.list_jobs(session) == [] and [j.id for j in repo.deleted_jobs(session)] == [job_id]
        assert repo.restore_job(session, job_id=job_id)
    with session_scope(engine) as session:
        assert [j.id for j in repo.list_jobs(session)] == [job_id]
        assert len(repo.ranking(session, job_id=job_id)) == 3  # nothing was lost meanwhile


def test_a_deleted_candidate_leaves_rankings_and_the_pool_until_restored_or_uploaded_again(engine: Engine) -> None:
    job_id, candidates = _fill(engine)
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
    _, candidates = _fill(engine)
    with session_scope(engine) as session:
        counts = repo.forget_candidate(session, candidate_id=candidates[1])
        assert repo.forget_candidate(session, candidate_id=999) is None
    assert counts == {"documents": 1, "scores": 1, "chunk_vectors": 1, "skill_hits": 1}
    assert (_count(engine, Candidate), _count(engine, Document), _count(engine, Score),
            _count(engine, ChunkVectors), _count(engine, SkillHit)) == (2, 2, 2, 2, 2)
    with session_scope(engine) as session:
        (entry,) = repo.privacy_log(session)
        assert (entry.action, entry.candidate_id, entry.details) == ("forget candidate", candidates[1], counts)
        texts = [d.text for d in session.scalars(select(Document))]
        assert all("Ann 1" not in t for t in texts)


def test_purge_erases_only_what_was_deleted_long_enough_ago(engine: Engine) -> None:
    job_id, candidates = _fill(engine)
    with session_scope(engine) as session:
        repo.delete_candidate(session, candidate_id=candidates[0])
        repo.delete_job(session, job_id=job_id)
    with session_scope(engine) as session:
        assert repo.purge_deleted(session, older_than=timedelta(days=30)) == {"jobs": 0, "candidates": 0}
    with session_scope(engine) as session:
        assert repo.purge_deleted(session, older_than=timedelta(0)) == {"jobs": 1, "candidates": 1}
    assert _count(engine, Candidate) == 2 and _count(engine, Score) == 0 and _count(engine, PrivacyLog) == 0


def test_cli_forget_and_purge(engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, candidates = _fill(engine)
    assert main(["--db", db_url, "forget", str(candidates[0])]) == 0
    assert "erased candidate" in capsys.readouterr().out
    assert main(["--db", db_url, "forget", str(candidates[0])]) == 2
    assert "no candidate" in capsys.readouterr().err
    assert main(["--db", db_url, "purge", "--days", "30"]) == 0
    assert "purged 0 job(s) and 0 candidate(s)" in capsys.readouterr().out
