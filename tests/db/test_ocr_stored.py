"""A scanned CV ranked through the pipeline is stored with ``ocr`` set, and a text CV without it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from core.documents.ocr import ocr_available
from db.models import Document
from db.session import session_scope
from tests.core.test_ocr import encoded, scanned_page
from tests.stubs import LengthScorer


@pytest.mark.skipif(not ocr_available(), reason="tesseract-ocr is not installed (make installs it)")
def test_a_scanned_cv_is_stored_as_ocr_text(engine: Engine, skill_extractor) -> None:  # type: ignore[no-untyped-def]
    from core.documents import UploadedFile
    from core.pipeline import create_job, rank_uploads
    from db import repository as repo

    job_id = create_job(engine, description="Data engineer\nPython, Kubernetes, PostgreSQL.", extractor=skill_extractor)
    outcome = rank_uploads(engine, job_id=job_id, scorer=LengthScorer(), extractor=skill_extractor, uploads=[
        UploadedFile("scan.png", encoded(scanned_page(), "PNG")),
        UploadedFile("typed.txt", b"Ben: Python, Kubernetes and PostgreSQL for five years.")])
    assert not outcome.failures
    with session_scope(engine) as session:
        assert dict(session.execute(select(Document.filename, Document.ocr)).all()) == {
            "scan.png": True, "typed.txt": False}
        assert {r.filename: r.ocr for r in repo.ranking(session, job_id=job_id)} == {"scan.png": True,
                                                                                    "typed.txt": False}
