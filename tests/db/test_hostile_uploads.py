"""The hostile corpus as one upload, through the service the Rank page calls, on SQLite and PostgreSQL.

Every file ends as a ranked CV or a clear per-file failure; none stops the batch, none is written
anywhere, the database takes every name and text (PostgreSQL refuses NUL characters, for one),
and memory stays bounded.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.documents import UploadedFile
from core.pipeline import create_job, rank_uploads
from db import repository as repo
from db.session import session_scope
from tests.hostile_corpus import corpus
from tests.stubs import LengthScorer

pytestmark = pytest.mark.slow


def test_every_hostile_file_is_ranked_or_refused_and_the_batch_goes_on(
    engine: Engine, skill_extractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.chdir(tmp_path)
    cases = corpus()
    job_id = create_job(engine, description="Accountant\nGAAP, QuickBooks, payroll.", extractor=skill_extractor)
    tracemalloc.start()
    outcome = rank_uploads(engine, job_id=job_id, uploads=[UploadedFile(c.name, c.data) for c in cases],
                           scorer=LengthScorer(), extractor=skill_extractor)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    ranked = [r.filename for r in outcome.ranked]
    failed = {f.filename: f.reason for f in outcome.failures}
    for case in cases:
        name = case.name.replace("\x00", "")
        if case.members and case.expected == "ok":  # an opened ZIP: one outcome per member
            got_ok = sum(1 for r in ranked if r.startswith(name + "/"))
            got_failed = sum(1 for f in failed if f.startswith(name + "/"))
            assert (got_ok, got_failed) == (case.members.count("ok"), case.members.count("error")), case.name
            continue
        outcome_ok = any(r == name or r.startswith(name[:200]) for r in ranked)
        outcome_failed = any(f == name or f.startswith(name[:200]) for f in failed)
        assert outcome_ok != outcome_failed, f"{case.name!r}: exactly one outcome expected"
        if case.expected != "either":
            assert outcome_ok == (case.expected == "ok"), (case.name, failed.get(name))
        if case.reason and outcome_failed:
            assert case.reason in next(v for k, v in failed.items() if k.startswith(name[:200])), case.name
    assert all(reason and case_name not in reason for case_name, reason in failed.items())  # sentences, no names
    assert not any(p.name in {"evil.txt", "abs.txt", "win.txt", "passwd"} for p in tmp_path.rglob("*"))
    assert os.listdir(tmp_path) == [] or all(p.suffix in {".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".migrate-lock"}
                                              for p in tmp_path.iterdir())
    assert peak < 400 * 1024 * 1024, f"peak traced memory {peak / 2**20:.0f} MiB"  # the 50 MB file is refused unread

    with session_scope(engine) as session:  # everything stored reads back; names and texts are clean
        rows = repo.ranking(session, job_id=job_id)
        assert len(rows) == len(outcome.ranked)
        assert all("\x00" not in r.filename and "\u202e" not in r.filename for r in rows)
        texts = [repo.get_document(session, document_id=r.document_id).text for r in rows]  # type: ignore[union-attr]
        assert all("\x00" not in t and "\u202e" not in t for t in texts)
