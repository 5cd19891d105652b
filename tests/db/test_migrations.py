"""Migrations on SQLite and PostgreSQL: a database filled at the first revision reaches head with
every row intact, and head goes down to base and up again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, inspect, select

from db import repository as repo
from db.migrate import downgrade, upgrade
from db.session import get_engine, session_scope

FIRST = "0001"
TABLES_0001 = ["jobs", "candidates", "batches", "documents", "scores", "skill_hits", "upload_failures"]
DOCUMENTS = 40


def _rows_0001() -> dict[str, list[dict[str, Any]]]:
    """Rows for every table of revision 0001, parents first; ids come from the database (1, 2, ...)."""
    start = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    jobs = [{"title": f"Job {j} — Buchhalter", "description": f"Accountant {j}. GAAP, payroll, Excel.",
             "skills": ["GAAP", "payroll", {"name": "Excel", "level": "nice"}], "created_at": start}
            for j in (1, 2)]
    candidates = [{"display_name": f"Ann {i} Ünïcode", "created_at": start + timedelta(minutes=i)}
                  for i in range(1, DOCUMENTS + 1)]
    batches = [{"job_id": 1 + b % 2, "model_name": "minilm-cosine", "model_version": "1",
                "files_received": 21, "ranked": 20, "failed": 1, "duplicates": 0, "status": "done",
                "created_at": start, "finished_at": start + timedelta(seconds=30 + b)} for b in range(2)]
    documents = [{"candidate_id": i, "content_hash": f"{i:064x}", "filename": f"cv{i}.pdf",
                  "file_type": "pdf", "text": f"CV {i}: GAAP, payroll — ünïcode\nline two", "pages": 1 + i % 3,
                  "sections": [{"name": "skills", "start": 0, "end": 4}],
                  "warnings": ["scanned page"] if i % 7 == 0 else [],
                  "created_at": start + timedelta(minutes=i)} for i in range(1, DOCUMENTS + 1)]
    scores = [{"job_id": j, "document_id": i, "batch_id": j, "model_name": "minilm-cosine",
               "model_version": "1", "score": 30.0 + i + j / 4, "fit_class": "Potential Fit",
               "pair_matrix": [[0.25, 0.5], [0.125, 1.0]], "matched_skills": ["GAAP"],
               "missing_skills": ["payroll"], "created_at": start}
              for j in (1, 2) for i in range(1, DOCUMENTS + 1)]
    hits = [{"document_id": i, "skill": skill, "category": "finance", "start": k * 6, "end": k * 6 + 4}
            for i in range(1, DOCUMENTS + 1) for k, skill in enumerate(("GAAP", "payroll"))]
    failures = [{"batch_id": b, "filename": f"bad{b}.pdf", "reason": "damaged PDF: no xref"} for b in (1, 2)]
    return {"jobs": jobs, "candidates": candidates, "batches": batches, "documents": documents,
            "scores": scores, "skill_hits": hits, "upload_failures": failures}


def _documents(engine: Engine) -> Any:
    meta = MetaData()
    meta.reflect(engine, only=["documents"])
    return meta.tables["documents"]


def _dump(engine: Engine, names: list[str], columns: dict[str, list[str]] | None = None
          ) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables, ordered by id; only the given columns of each table when ``columns``."""
    meta = MetaData()
    meta.reflect(engine, only=names)
    out = {}
    with engine.connect() as connection:
        for name in names:
            table = meta.tables[name]
            chosen = [table.c[c] for c in columns[name]] if columns else list(table.c)
            out[name] = [tuple(r) for r in connection.execute(select(*chosen).order_by(table.c.id))]
    return out


def test_a_database_filled_at_the_first_revision_migrates_to_head_with_every_row(db_url: str) -> None:
    engine = get_engine(db_url)
    upgrade(engine, FIRST)
    assert set(inspect(engine).get_table_names()) == {*TABLES_0001, "alembic_version"}
    meta = MetaData()
    meta.reflect(engine)
    rows = _rows_0001()
    with engine.begin() as connection:
        for name in TABLES_0001:
            connection.execute(meta.tables[name].insert(), rows[name])
    before = _dump(engine, TABLES_0001)
    assert {n: len(r) for n, r in before.items()} == {n: len(r) for n, r in rows.items()}
    documents = {c: i for i, c in enumerate(meta.tables["documents"].c.keys())}
    first_document = before["documents"][0]
    assert first_document[documents["id"]] == 1
    assert first_document[documents["text"]] == rows["documents"][0]["text"]
    assert first_document[documents["sections"]] == [{"name": "skills", "start": 0, "end": 4}]

    first_columns = {name: list(meta.tables[name].c.keys()) for name in TABLES_0001}
    upgrade(engine)  # 0001 -> head (later revisions add columns: the first revision's are compared)
    assert _dump(engine, TABLES_0001, first_columns) == before, "every row, every value, as it was"
    assert "ix_skill_hits_skill_document_id" in {i["name"] for i in inspect(engine).get_indexes("skill_hits")}
    assert {"decisions", "decision_events", "privacy_log"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:  # 0005: documents stored before it were not read by OCR
        assert set(connection.execute(select(_documents(engine).c.ocr)).scalars()) == {False}
    with session_scope(engine) as session:  # the migrated database takes new rows (ids continue)
        job = repo.create_job(session, title="After", description="after the migration")
        doc, created = repo.add_document(session, new=repo.NewDocument(
            content_hash="f" * 64, filename="new.txt", file_type="txt", text="new", pages=1,
            candidate_name="New"))
        again, created_again = repo.add_document(session, new=repo.NewDocument(
            content_hash=f"{1:064x}", filename="renamed.pdf", file_type="pdf", text="x", pages=1,
            candidate_name="x"))
        repo.save_chunk_vectors(session, document_id=doc.id, encoder_key="k", chunks=1, dim=1,
                                data=b"\x00" * 4)
        assert (job.id, doc.id, created, again.id, created_again) == (3, DOCUMENTS + 1, True, 1, False)
        (top, *_) = repo.ranking(session, job_id=2)
        assert (top.document_id, top.score, top.matched_skills) == (DOCUMENTS, DOCUMENTS + 30.5, ["GAAP"])
        assert (top.decision, top.ocr) == ("undecided", False)
        repo.set_decision(session, job_id=2, candidate_id=top.candidate_id, status="shortlisted", note="migrated")

    downgrade(engine, FIRST)  # head -> 0001 keeps the rows of the first revision's tables
    assert not {"chunk_vectors", "decisions", "decision_events"} & set(inspect(engine).get_table_names())
    assert "ocr" not in {c["name"] for c in inspect(engine).get_columns("documents")}
    after_down = _dump(engine, TABLES_0001)
    assert after_down["documents"][:DOCUMENTS] == before["documents"]
    assert len(after_down["documents"]) == DOCUMENTS + 1


def test_head_downgrades_to_base_and_upgrades_again(engine: Engine) -> None:
    with session_scope(engine) as session:
        repo.create_job(session, title="t", description="d")
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {*TABLES_0001, "chunk_vectors"} <= set(inspect(engine).get_table_names())
    with session_scope(engine) as session:
        assert repo.list_jobs(session) == []
        assert repo.create_job(session, title="t", description="d").id == 1


def test_first_runs_at_once_on_a_new_sqlite_file_all_succeed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two `core rank` runs started together on a new install crashed ("table candidates already exists")."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = ("from db.migrate import open_database, current_tables; import sys; "
            "print(len(current_tables(open_database(sys.argv[1]))))")
    for attempt in range(3):
        url = f"sqlite:///{tmp_path / f'new{attempt}.db'}"
        runs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=root, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [(r.wait(timeout=120), r.stdout.read(), r.stderr.read()) for r in runs]
        assert all(rc == 0 for rc, _, _ in results), [err[-300:] for _, _, err in results]
        assert len({out for _, out, _ in results}) == 1  # the same tables for all three
