from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from db import repository as repo
from db.migrate import downgrade, open_database, upgrade
from db.session import dispose_engines, session_scope


def _doc(content_hash: str = "a" * 64, name: str = "anna.pdf") -> repo.NewDocument:
    return repo.NewDocument(
        content_hash=content_hash, filename=name, file_type="pdf", text="Python developer", pages=1,
        candidate_name="anna", sections=[{"name": "skills", "start": 0, "end": 16}], warnings=[],
        skill_hits=[("Python", "programming language", 0, 6)],
    )


def test_schema_is_created_by_migrations_and_sqlite_runs_in_wal_mode(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"jobs", "candidates", "documents", "scores", "skill_hits", "batches", "upload_failures",
            "alembic_version"} <= tables
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        else:
            assert conn.execute(text("SELECT version()")).scalar().startswith("PostgreSQL")


def test_migrations_downgrade_and_upgrade_again(engine) -> None:
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "scores" in inspect(engine).get_table_names()


def test_round_trip_survives_a_restart(db_url: str) -> None:
    engine = open_database(db_url)
    with session_scope(engine) as s:
        job = repo.create_job(s, title="Data engineer", description="We need Python", skills=["Python"])
        doc, created = repo.add_document(s, new=_doc())
        batch = repo.start_batch(s, job_id=job.id, model_name="m", model_version="1")
        repo.upsert_score(s, job_id=job.id, document_id=doc.id, batch_id=batch.id, model_name="m",
                          model_version="1", score=71.5, fit_class="Good Fit", pair_matrix=[[0.7, 0.73]],
                          matched_skills=["Python"], missing_skills=[])
        repo.add_failure(s, batch_id=batch.id, filename="bad.pdf", reason="damaged")
        repo.finish_batch(s, batch_id=batch.id, files_received=2, ranked=1, failed=1, duplicates=0)
        job_id, batch_id = job.id, batch.id
    assert created
    dispose_engines()  # a "restart": new engine, new connections

    engine = open_database(db_url)
    with session_scope(engine) as s:
        (row,) = repo.ranking(s, job_id=job_id)
        assert (row.score, row.fit_class, row.matched_skills, row.filename) == (71.5, "Good Fit", ["Python"], "anna.pdf")
        stored = repo.get_document(s, document_id=row.document_id)
        assert stored is not None and stored.skill_hits[0].skill == "Python"
        assert stored.sections[0]["name"] == "skills"
        (batch,) = repo.list_batches(s, job_id=job_id)
        assert (batch.status, batch.ranked, batch.failed) == ("done", 1, 1)
        assert [f.reason for f in repo.list_failures(s, batch_id=batch_id)] == ["damaged"]


def test_the_same_file_twice_is_one_document_and_one_candidate(engine) -> None:
    with session_scope(engine) as s:
        first, created_first = repo.add_document(s, new=_doc())
        second, created_second = repo.add_document(s, new=_doc(name="anna-again.pdf"))
        other, _ = repo.add_document(s, new=_doc("b" * 64, "bob.pdf"))
    assert created_first and not created_second
    assert first.id == second.id != other.id
    with session_scope(engine) as s:
        assert repo.count_documents(s) == 2 and repo.count_candidates(s) == 2


def test_rescoring_updates_the_score_instead_of_adding_one(engine) -> None:
    with session_scope(engine) as s:
        job = repo.create_job(s, title="t", description="d")
        doc, _ = repo.add_document(s, new=_doc())
        for value in (40.0, 55.0):
            repo.upsert_score(s, job_id=job.id, document_id=doc.id, batch_id=None, model_name="m",
                              model_version="1", score=value, fit_class="Potential Fit", pair_matrix=[[0.5]],
                              matched_skills=[], missing_skills=["SQL"])
        rows = repo.ranking(s, job_id=job.id)
    assert [r.score for r in rows] == [55.0]


def test_ranking_is_best_first_and_uses_the_latest_model(engine) -> None:
    with session_scope(engine) as s:
        job = repo.create_job(s, title="t", description="d")
        docs = [repo.add_document(s, new=_doc(c * 64, f"{c}.pdf"))[0] for c in "abc"]
        for doc, value in zip(docs, (20.0, 80.0, 50.0), strict=True):
            repo.upsert_score(s, job_id=job.id, document_id=doc.id, batch_id=None, model_name="old",
                              model_version="1", score=value, fit_class="No Fit", pair_matrix=[],
                              matched_skills=[], missing_skills=[])
        repo.upsert_score(s, job_id=job.id, document_id=docs[0].id, batch_id=None, model_name="new",
                          model_version="2", score=10.0, fit_class="No Fit", pair_matrix=[],
                          matched_skills=[], missing_skills=[])
        assert [r.filename for r in repo.ranking(s, job_id=job.id, model_name="old", model_version="1")] == [
            "b.pdf", "c.pdf", "a.pdf"]
        assert [r.model_name for r in repo.ranking(s, job_id=job.id)] == ["new"]


def test_cvs_ranked_per_job_count_each_document_once_and_skip_deleted_candidates(engine) -> None:
    with session_scope(engine) as s:
        job, other = repo.create_job(s, title="t", description="d"), repo.create_job(s, title="u", description="e")
        docs = [repo.add_document(s, new=_doc(c * 64, f"{c}.pdf"))[0] for c in "abc"]
        for doc, model in [(docs[0], "old"), (docs[0], "new"), (docs[1], "new"), (docs[2], "old")]:
            repo.upsert_score(s, job_id=job.id, document_id=doc.id, batch_id=None, model_name=model,
                              model_version="1", score=50.0, fit_class="No Fit", pair_matrix=[],
                              matched_skills=[], missing_skills=[])
        assert repo.ranked_document_counts(s) == {job.id: 3}  # two models, one CV: counted once; other: none
        repo.delete_candidate(s, candidate_id=docs[2].candidate_id)
        assert repo.ranked_document_counts(s) == {job.id: 2} and other.id not in repo.ranked_document_counts(s)


def test_database_folder_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'deep' / 'er' / 'x.sqlite3').as_posix()}"
    engine = open_database(url)
    assert (tmp_path / "deep" / "er" / "x.sqlite3").exists()
    engine.dispose()


def _scores_of(s, job_id: int) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    from db.models import Score

    return {sc.document_id: (sc.id, sc.score, sc.fit_class, sc.pair_matrix, sc.matched_skills,
                             sc.missing_skills, sc.batch_id)
            for sc in s.scalars(select(Score).where(Score.job_id == job_id))}


def _bulk_rerank(s, job_id: int, docs, value: float) -> None:  # type: ignore[no-untyped-def]
    rows = [repo.ScoreRow(document_id=d.id, score=value + i, fit_class="Potential Fit",
                          pair_matrix=[[0.5, value / 100]], matched_skills=("Python",),
                          missing_skills=["SQL"])
            for i, d in enumerate(docs)]
    repo.upsert_scores(s, job_id=job_id, batch_id=None, model_name="m", model_version="1", rows=iter(rows),
                       rows_per_statement=2)


def test_bulk_upsert_inserts_then_updates_every_row_in_place(engine) -> None:
    with session_scope(engine) as s:
        job = repo.create_job(s, title="t", description="d")
        docs = [repo.add_document(s, new=_doc(c * 64, f"{c}.pdf"))[0] for c in "abcde"]
        _bulk_rerank(s, job.id, docs, 40.0)
        first = _scores_of(s, job.id)
        _bulk_rerank(s, job.id, docs, 60.0)
        again = _scores_of(s, job.id)
    assert len(first) == len(again) == 5
    assert {d: r[0] for d, r in again.items()} == {d: r[0] for d, r in first.items()}, "the same rows"
    assert sorted(r[1] for r in again.values()) == [60.0, 61.0, 62.0, 63.0, 64.0]
    assert {(tuple(map(tuple, r[3])), tuple(r[4]), tuple(r[5])) for r in again.values()} == {
        (((0.5, 0.6),), ("Python",), ("SQL",))}


def test_bulk_upsert_without_a_native_upsert_gives_the_same_rows(  # type: ignore[no-untyped-def]
        engine, monkeypatch) -> None:
    with session_scope(engine) as s:
        job = repo.create_job(s, title="t", description="d")
        docs = [repo.add_document(s, new=_doc(c * 64, f"{c}.pdf"))[0] for c in "abc"]
        _bulk_rerank(s, job.id, docs, 40.0)
        native = _scores_of(s, job.id)
        monkeypatch.setattr(repo, "_UPSERT_INSERTS", {})  # as on a database other than SQLite / PostgreSQL
        _bulk_rerank(s, job.id, docs, 40.0)
        assert _scores_of(s, job.id) == native


def test_pool_reads_by_id_range_and_skill(engine) -> None:
    with session_scope(engine) as s:
        docs = []
        for c, skills in zip("abc", (["Python", "SQL", "Python"], ["SQL"], ["Excel"]), strict=True):
            hits = [(name, "tech", i, i + 1) for i, name in enumerate(skills)]
            new = repo.NewDocument(content_hash=c * 64, filename=f"{c}.pdf", file_type="pdf",
                                   text=f"text {c}", pages=1, candidate_name=c, skill_hits=hits)
            docs.append(repo.add_document(s, new=new)[0])
        a, b, c = (d.id for d in docs)
        assert sorted(repo.distinct_skills(s)) == ["Excel", "Python", "SQL"]
        assert repo.skills_by_document(s, document_ids=repo.IdRange(a, b)) == {a: ["Python", "SQL"],
                                                                               b: ["SQL"]}
        assert repo.skills_by_document(s, document_ids=[a, c], names=["Python", "Excel"]) == {a: ["Python"],
                                                                                             c: ["Excel"]}
        assert repo.document_texts(s, document_ids=repo.IdRange(b, c)) == {b: "text b", c: "text c"}
        repo.save_chunk_vectors(s, document_id=b, encoder_key="k", chunks=1, dim=2, data=b"\x00" * 4)
        assert list(repo.load_chunk_vectors(s, encoder_key="k", document_ids=repo.IdRange(a, c))) == [b]
        assert repo.load_chunk_vectors(s, encoder_key="other", document_ids=[b]) == {}


def test_migration_0003_adds_the_skill_index_and_removes_it_on_downgrade(engine) -> None:
    def indexes() -> set[str]:
        return {i["name"] for i in inspect(engine).get_indexes("skill_hits")}

    assert "ix_skill_hits_skill_document_id" in indexes()
    downgrade(engine, "0002")
    assert "ix_skill_hits_skill_document_id" not in indexes() and "ix_skill_hits_document_id" in indexes()
    upgrade(engine)
    assert "ix_skill_hits_skill_document_id" in indexes()


@pytest.mark.postgresql
def test_a_plain_postgresql_url_uses_psycopg(postgres_url: str) -> None:
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    engine = open_database(plain)
    assert engine.dialect.driver == "psycopg"
    with session_scope(engine) as s:
        assert repo.create_job(s, title="t", description="d").id == 1
