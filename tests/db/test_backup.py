"""`python -m db backup` / `restore`: a whole database round-trips, nothing is lost on a bad restore."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db import repository as repo
from db.__main__ import main
from db.backup import BackupError, backup, restore
from db.migrate import open_database
from db.models import Base
from db.session import session_scope

NewUrl = Callable[[], str]  # another empty database of the backend under test


def _fill(engine: Engine) -> None:
    with session_scope(engine) as session:
        job = repo.create_job(session, title="Accountant <b>", description="Accountant. GAAP.", skills=["GAAP"])
        batch = repo.start_batch(session, job_id=job.id, model_name="m", model_version="1")
        for i in range(3):
            doc, _ = repo.add_document(session, new=repo.NewDocument(
                content_hash=f"{i:064x}", filename=f"cv{i}.txt", file_type="txt", text=f"CV {i} — GAAP, ünïcode",
                pages=1, candidate_name=f"Ann {i}", sections=[{"name": "skills", "start": 0, "end": 4}],
                skill_hits=[("GAAP", "certification", 8, 12)], ocr=i == 1))
            repo.save_chunk_vectors(session, document_id=doc.id, encoder_key="k", chunks=1, dim=2,
                                    data=bytes([i, 255, 0, 7]))
            repo.upsert_score(session, job_id=job.id, document_id=doc.id, batch_id=batch.id, model_name="m",
                              model_version="1", score=50.0 + i, fit_class="Good Fit", pair_matrix=[[0.5]],
                              matched_skills=["GAAP"], missing_skills=[])
        repo.add_failure(session, batch_id=batch.id, filename="bad.pdf", reason="damaged")
        for status in ("on hold", "shortlisted"):
            repo.set_decision(session, job_id=job.id, candidate_id=doc.candidate_id, status=status,
                              note=f"{status}: =SUM(A1) <b>ünï</b>\nline two", decided_by="Dana")


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


def test_a_database_round_trips_row_for_row(engine: Engine, tmp_path: Path, new_db_url: NewUrl) -> None:
    _fill(engine)
    file = tmp_path / "backup.jsonl.gz"
    summary = backup(engine, file)
    assert summary.rows["documents"] == 3 and summary.rows["chunk_vectors"] == 3
    assert summary.rows["decisions"] == 1 and summary.rows["decision_events"] == 2
    fresh = open_database(new_db_url())
    restored = restore(fresh, file)
    assert restored.rows == {k: v for k, v in summary.rows.items() if v}
    assert _dump(fresh) == _dump(engine)  # bytes, JSON, datetimes, unicode: all equal
    with session_scope(fresh) as session:  # new rows get fresh ids after a restore
        job = repo.create_job(session, title="Next", description="Next job")
        assert job.id == 2
        (scanned,) = [r for r in repo.ranking(session, job_id=1) if r.ocr]
        assert scanned.filename == "cv1.txt"
        (decided,) = [r for r in repo.ranking(session, job_id=1) if r.decision != "undecided"]
        assert decided.decision == "shortlisted"
        assert decided.decision_note == "shortlisted: =SUM(A1) <b>ünï</b>\nline two"
        # the decision's version and history carry on after a restore
        again = repo.set_decision(session, job_id=1, candidate_id=decided.candidate_id, status="rejected",
                                  expected_version=2)
        assert again.version == 3
        assert len(repo.decision_history(session, job_id=1, candidate_id=decided.candidate_id)) == 3


def test_restore_refuses_a_non_empty_database_unless_replacing_and_keeps_a_copy(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    file = tmp_path / "b.jsonl.gz"
    backup(engine, file)
    with pytest.raises(BackupError, match="already holds"):
        restore(engine, file)
    with session_scope(engine) as session:
        repo.create_job(session, title="Added after the backup", description="x")
    restore(engine, file, replace=True)
    saved = list(tmp_path.glob("before-restore-*.jsonl.gz"))
    assert len(saved) == 1  # what was replaced is kept
    with session_scope(engine) as session:
        assert [j.title for j in repo.list_jobs(session)] == ["Accountant <b>"]


def test_a_damaged_backup_restores_nothing(engine: Engine, tmp_path: Path, new_db_url: NewUrl) -> None:
    _fill(engine)
    file = tmp_path / "b.jsonl.gz"
    backup(engine, file)
    lines = gzip.open(file, "rt", encoding="utf-8").read().splitlines()
    damaged = tmp_path / "damaged.jsonl.gz"
    with gzip.open(damaged, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines[:4] + ["{not json"] + lines[4:]) + "\n")
    fresh = open_database(new_db_url())
    with pytest.raises(BackupError, match="line 5 is damaged"):
        restore(fresh, damaged)
    assert all(not rows for rows in _dump(fresh).values())
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(BackupError, match="not a backup"):
        restore(fresh, tmp_path / "plain.txt")
    with pytest.raises(BackupError, match="no backup file"):
        restore(fresh, tmp_path / "missing.gz")


def test_a_backup_from_another_schema_revision_is_refused(engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "b.jsonl.gz"
    backup(engine, file)
    text = gzip.open(file, "rt", encoding="utf-8").read()
    head, rest = text.split("\n", 1)
    with gzip.open(file, "wt", encoding="utf-8") as out:
        out.write(head.replace('"revision": "', '"revision": "old') + "\n" + rest)
    with pytest.raises(BackupError, match="schema revision"):
        restore(engine, file)


def test_cli_backup_and_restore(engine: Engine, db_url: str, new_db_url: NewUrl, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    _fill(engine)
    file = tmp_path / "cli.jsonl.gz"
    assert main(["--db", db_url, "backup", str(file)]) == 0
    assert "backed up" in capsys.readouterr().out
    other = new_db_url()
    assert main(["--db", other, "restore", str(file)]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["--db", other, "restore", str(file)]) == 2
    assert "already holds" in capsys.readouterr().err


def test_cli_refuses_a_mistyped_database_instead_of_creating_an_empty_one(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo.db"
    assert main(["--db", f"sqlite:///{missing}", "backup", str(tmp_path / "b.gz")]) == 2
    assert "there is no database at" in capsys.readouterr().err and not missing.exists()
    assert main(["--db", "not a url", "purge"]) == 2
    assert "is not a database URL" in capsys.readouterr().err
