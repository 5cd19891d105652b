"""A small stored job with three scored candidates, and a row counter, for the database tests."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from db import repository as repo
from db.session import session_scope


def fill_job(engine: Engine, *, ocr_first: bool = False) -> tuple[int, list[int]]:
    """An "Accountant" job and three candidates (a document, a skill hit, chunk vectors and a score each).

    ``ocr_first`` marks the first document's text as read by OCR. Returns the job id and the
    candidate ids, best score last.
    """
    with session_scope(engine) as session:
        job = repo.create_job(session, title="Accountant", description="Accountant. GAAP.", skills=["GAAP"])
        candidates = []
        for i in range(3):
            doc, _ = repo.add_document(session, new=repo.NewDocument(
                content_hash=f"{i:064x}", filename=f"cv{i}.txt", file_type="txt", text=f"Ann {i}, GAAP", pages=1,
                candidate_name=f"Ann {i}", skill_hits=[("GAAP", "certification", 7, 11)],
                ocr=ocr_first and i == 0))
            repo.save_chunk_vectors(session, document_id=doc.id, encoder_key="k", chunks=1, dim=2, data=b"\0" * 4)
            repo.upsert_score(session, job_id=job.id, document_id=doc.id, batch_id=None, model_name="m",
                              model_version="1", score=50.0 + i, fit_class="Good Fit", pair_matrix=[[0.5]],
                              matched_skills=["GAAP"], missing_skills=[])
            candidates.append(doc.candidate_id)
        return job.id, candidates


def count_rows(engine: Engine, model: type) -> int:
    """Rows of one ORM model's table."""
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
