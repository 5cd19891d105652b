"""rerank_pool: a new job scores the whole stored pool from stored chunk vectors and stores every score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import select

from core.documents import UploadedFile
from core.fit import Thresholds
from core.pipeline import create_job, rank_uploads, rerank_pool
from core.scoring import ChunkAveragedCosineScorer, VectorScorer, vectors_from_bytes
from core.skills import SkillExtractor, compare_skills
from db import repository as repo
from db.models import Document, Score
from db.session import session_scope
from tests.samples import JD, MATCHING_CV, UNRELATED_CV

CVS = {
    "anna_python.txt": MATCHING_CV,
    "ben_chef.txt": UNRELATED_CV,
    "cara_mixed.txt": " ".join([MATCHING_CV, UNRELATED_CV] * 4),  # several chunks
    "dan_java.txt": "Java developer: Spring, MySQL, Jenkins, REST services, Python scripting and SQL on AWS.",
}
NEW_JOB = "Data Engineer\n" + "Pipelines in Python and SQL on AWS, Docker and Kubernetes; PostgreSQL. " * 4


def _store_pool(engine, scorer, extractor) -> None:  # type: ignore[no-untyped-def]
    """The CVs uploaded for another job: stored with their chunk vectors and skill hits."""
    first_job = create_job(engine, description=JD, extractor=extractor)
    rank_uploads(engine, job_id=first_job, uploads=[UploadedFile(n, t.encode()) for n, t in CVS.items()],
                 scorer=scorer, extractor=extractor)


def _stored_scores(engine, job_id: int) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """filename → (row id, score, class, pair matrix, matched, missing, model version) of a job's scores."""
    with session_scope(engine) as s:
        rows = s.execute(select(Score, Document.filename).join(Document, Score.document_id == Document.id)
                         .where(Score.job_id == job_id)).all()
        return {name: (sc.id, sc.score, sc.fit_class, sc.pair_matrix, sc.matched_skills, sc.missing_skills,
                       sc.model_version) for sc, name in rows}


def _job(engine, job_id: int) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        job = repo.get_job(s, job_id=job_id)
        assert job is not None
        return job.description, list(job.skills)


def _assert_same_as_scoring_the_texts(  # type: ignore[no-untyped-def]
        engine, scorer, extractor: SkillExtractor, job_id: int, texts: dict[str, str]) -> None:
    """Every stored score equals what scoring the CV texts gives (with their stored vectors, if any).

    Stored vectors are float16, so scoring from freshly encoded text may differ in the last digit.
    """
    description, job_skills = _job(engine, job_id)
    fresh = scorer.score_batch(description, list(texts.values()))
    if isinstance(scorer, VectorScorer):
        with session_scope(engine) as s:
            ids = {d.filename: d.id for d in s.scalars(select(Document))}
            vectors = repo.load_chunk_vectors(s, encoder_key=scorer.encoder_key)
        known = [vectors_from_bytes(v.data, v.chunks, v.dim) for v in (vectors[ids[name]] for name in texts)]
        results = scorer.score_batch(description, list(texts.values()), known_vectors=known)
    else:
        results = fresh
    expected = dict(zip(texts, results, strict=True))
    stored = _stored_scores(engine, job_id)
    assert set(stored) == set(texts)
    for (name, result), from_scratch in zip(expected.items(), fresh, strict=True):
        _, score, fit_class, matrix, matched, missing, _ = stored[name]
        assert score == pytest.approx(result.score, abs=1e-3), name
        assert score == pytest.approx(from_scratch.score, abs=0.02), name
        assert fit_class == str(result.fit_class), name
        assert np.asarray(matrix).shape == result.pair_matrix.shape
        np.testing.assert_allclose(np.asarray(matrix), result.pair_matrix, atol=1e-3)
        match = compare_skills(job_skills, SkillExtractor.unique_skills(extractor.extract(texts[name])))
        assert (matched, missing) == (list(match.matched), list(match.missing)), name


def test_reranking_the_pool_gives_what_scoring_the_texts_gives(engine, scorer, skill_extractor) -> None:
    _store_pool(engine, scorer, skill_extractor)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    outcome = rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=skill_extractor)
    assert (outcome.documents, outcome.encoded) == (len(CVS), 0)
    _assert_same_as_scoring_the_texts(engine, scorer, skill_extractor, job_id, CVS)
    stored = _stored_scores(engine, job_id)
    assert stored["anna_python.txt"][1] > stored["ben_chef.txt"][1]
    assert stored["anna_python.txt"][4], "the CV's stored skill hits give matched skills"
    assert len(stored["cara_mixed.txt"][3][0]) > 1 and len(stored["cara_mixed.txt"][3]) > 1, "JD × CV chunks"


def test_stored_cvs_are_not_encoded_again(engine, scorer, skill_extractor, encoded: list[int]) -> None:
    _store_pool(engine, scorer, skill_extractor)
    encoded.clear()
    job_id = create_job(engine, description=NEW_JOB + " Airflow.", extractor=skill_extractor)
    outcome = rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=skill_extractor)
    assert outcome.encoded == 0
    assert sum(encoded) == len(scorer.chunk(_job(engine, job_id)[0])), "only the new job is encoded"


def test_documents_without_vectors_are_encoded_once_and_their_vectors_saved(
        engine, scorer, skill_extractor, encoded: list[int]) -> None:
    _store_pool(engine, scorer, skill_extractor)
    extra = {"erin_devops.txt": "DevOps engineer: Kubernetes, Docker, AWS, Terraform, Python, PostgreSQL.",
             "fred_baker.txt": "Baker: sourdough, viennoiserie, ovens at dawn, food safety."}
    with session_scope(engine) as s:  # stored by an older version: no vectors under this encoder
        for i, (name, text) in enumerate(extra.items()):
            hits = [(h.skill, h.category, h.start, h.end) for h in skill_extractor.extract(text)]
            new = repo.NewDocument(content_hash=f"{i:064x}", filename=name, file_type="txt", text=text,
                                   pages=1, candidate_name=name, skill_hits=hits)
            repo.add_document(s, new=new)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    scorer._job_vectors(_job(engine, job_id)[0])
    encoded.clear()
    outcome = rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=skill_extractor)
    assert (outcome.documents, outcome.encoded) == (len(CVS) + len(extra), len(extra))
    assert sum(encoded) == sum(len(scorer.chunk(t)) for t in extra.values()), "only the new CVs are encoded"
    with session_scope(engine) as s:
        assert len(repo.load_chunk_vectors(s, encoder_key=scorer.encoder_key)) == len(CVS) + len(extra)
    _assert_same_as_scoring_the_texts(engine, scorer, skill_extractor, job_id, CVS | extra)

    first = _stored_scores(engine, job_id)
    encoded.clear()
    again = rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=skill_extractor)
    assert again.encoded == 0 and sum(encoded) == 0
    assert _stored_scores(engine, job_id) == first, "a CV scores the same from its saved vectors"


def test_reranking_again_updates_the_rows_in_place(engine, scorer, skill_extractor) -> None:
    _store_pool(engine, scorer, skill_extractor)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=skill_extractor)
    first = _stored_scores(engine, job_id)
    # Same encoder, chunking, name and version, other thresholds: every row's class changes in place.
    lenient = ChunkAveragedCosineScorer(scorer.encoder, thresholds=Thresholds(0.0, 0.0, "test"),
                                        chunk_tokens=scorer.chunk_tokens, overlap=scorer.overlap)
    assert (lenient.name, lenient.version) == (scorer.name, scorer.version)
    rerank_pool(engine, job_id=job_id, scorer=lenient, extractor=skill_extractor, group_size=3)
    again = _stored_scores(engine, job_id)
    assert {n: r[0] for n, r in again.items()} == {n: r[0] for n, r in first.items()}, "the same rows"
    assert {r[2] for r in again.values()} == {"Good Fit"}
    assert {n: r[1] for n, r in again.items()} == {n: r[1] for n, r in first.items()}
    with session_scope(engine) as s:
        assert len(repo.ranking(s, job_id=job_id)) == len(CVS)
        assert len(s.scalars(select(Score.id).where(Score.job_id == job_id)).all()) == len(CVS)


def test_progress_is_reported_group_by_group_up_to_one(engine, scorer, skill_extractor) -> None:
    _store_pool(engine, scorer, skill_extractor)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    events: list[float] = []
    rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=skill_extractor, group_size=2,
                progress=lambda fraction, _message: events.append(fraction))
    assert events == sorted(events) and events[0] == 0.0 and events[-1] == 1.0
    assert len(set(events)) >= 3, "one step per group of two CVs"


class TextAwareScorer(ChunkAveragedCosineScorer):
    """Pair scores that also read the CV text (as the trained head's lexical features do)."""

    def pair_matrices(self, job_text: str, jd_vectors: np.ndarray, cv_texts: Sequence[str],
                      cv_vectors: Sequence[np.ndarray]) -> list[np.ndarray]:
        return [np.clip(jd_vectors @ v.T, 0.0, 1.0) * min(1.0, len(text) / 400)
                for text, v in zip(cv_texts, cv_vectors, strict=True)]


def test_a_scorer_with_its_own_pair_scores_is_routed_through_them(
        engine, scorer, skill_extractor, encoded: list[int]) -> None:
    custom = TextAwareScorer(scorer.encoder, thresholds=scorer.thresholds, chunk_tokens=scorer.chunk_tokens,
                             overlap=scorer.overlap)
    assert custom.pair_scores_read_texts and not scorer.pair_scores_read_texts
    assert isinstance(custom, VectorScorer) and custom.encoder_key == scorer.encoder_key
    _store_pool(engine, scorer, skill_extractor)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    custom._job_vectors(_job(engine, job_id)[0])
    encoded.clear()
    outcome = rerank_pool(engine, job_id=job_id, scorer=custom, extractor=skill_extractor)
    assert outcome.encoded == 0 and sum(encoded) == 0, "the stored vectors are reused"
    _assert_same_as_scoring_the_texts(engine, custom, skill_extractor, job_id, CVS)
    stored = _stored_scores(engine, job_id)
    assert stored["ben_chef.txt"][1] < scorer.score_batch(_job(engine, job_id)[0], [UNRELATED_CV])[0].score
    with pytest.raises(ValueError, match="cv_texts"):
        custom.score_vectors(NEW_JOB, np.zeros((1, scorer.encoder.dimension), np.float32), [1])


def test_a_scorer_that_chunks_otherwise_keeps_its_own_vectors(engine, scorer, skill_extractor) -> None:
    from models.baselines import FirstChunkCosineScorer

    first_chunk = FirstChunkCosineScorer(scorer.encoder, chunk_tokens=scorer.chunk_tokens,
                                         overlap=scorer.overlap)
    assert first_chunk.encoder_key != scorer.encoder_key
    _store_pool(engine, scorer, skill_extractor)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    outcome = rerank_pool(engine, job_id=job_id, scorer=first_chunk, extractor=skill_extractor)
    assert outcome.encoded == len(CVS), "the pool's vectors are of all chunks: not this scorer's"
    _assert_same_as_scoring_the_texts(engine, first_chunk, skill_extractor, job_id, CVS)


def test_a_scorer_without_vectors_scores_the_stored_texts(engine, scorer, skill_extractor) -> None:
    from models.baselines import TfidfCosineScorer

    tfidf = TfidfCosineScorer()
    assert not isinstance(tfidf, VectorScorer)
    _store_pool(engine, scorer, skill_extractor)
    job_id = create_job(engine, description=NEW_JOB, extractor=skill_extractor)
    outcome = rerank_pool(engine, job_id=job_id, scorer=tfidf, extractor=skill_extractor)
    assert (outcome.documents, outcome.encoded) == (len(CVS), 0)
    _assert_same_as_scoring_the_texts(engine, tfidf, skill_extractor, job_id, CVS)
