"""The ranking workflow shared by the dashboard, the CLI and the API.

uploads ─► expand ZIPs ─► parse (or reuse the stored text of a known file) ─► skills ─► score
        ─► persist, one transaction per group of files so a crash keeps what was done.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import ParseLimits
from core.documents import Document, ParseFailure, UploadedFile, expand_uploads, parse_many
from core.errors import InvalidInput
from core.scoring import (Scorer, VectorScore, VectorScorer, stack_vectors, vectors_from_bytes,
                          vectors_to_bytes)
from core.profile import extract_profile
from core.sections import job_scoring_text, title_line
from core.skills import SkillExtractor, SkillMatch, compare_skills
from db import repository as repo
from db.session import session_scope

logger = logging.getLogger(__name__)

BatchProgress = Callable[[float, str], None]
"""Called with (fraction done in [0, 1], what is happening) — a progress bar's two inputs."""


@dataclass(frozen=True)
class RankedFile:
    """A CV of this batch that was scored."""

    filename: str
    document_id: int
    candidate_id: int
    candidate_name: str
    score: float
    fit_class: str
    matched_skills: list[str]
    missing_skills: list[str]
    already_stored: bool  # the same file was uploaded before: no new candidate was created


@dataclass
class BatchOutcome:
    """What one upload produced: scored files, per-file failures, timings."""

    job_id: int
    batch_id: int
    model_name: str
    model_version: str
    ranked: list[RankedFile] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    parse_seconds: float = 0.0
    score_seconds: float = 0.0
    pairs_scored: int = 0
    rescored: int = 0  # the job's earlier CVs, scored by another model version, re-scored by this one

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.ranked if r.already_stored)

    @property
    def repeats(self) -> int:
        """Files that repeat another file of this upload: listed with the failures (with why), read once."""
        return sum(1 for f in self.failures if f.reason == REPEATED_IN_UPLOAD)

    @property
    def unreadable(self) -> int:
        """Failures that are not repeats: the files that could not be read or were refused."""
        return len(self.failures) - self.repeats

    def ranked_by_score(self) -> list[RankedFile]:
        return sorted(self.ranked, key=lambda r: (-r.score, r.filename))


REPEATED_IN_UPLOAD = "the same file appears twice in this upload; ranked once"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def candidate_name_from_filename(filename: str) -> str:
    """'uploads/anna_smith-CV.pdf' → 'anna smith CV': a readable label until profiles land."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem
    return re.sub(r"[\s_\-.]+", " ", stem).strip() or filename


TITLE_LABEL = re.compile(r"^\s*(?:job\s*title|position(?:\s*title)?|title|role|vacancy)\s*(?::|\s[-–—]\s)\s*",
                         re.IGNORECASE)
"""A label some postings put before their title ("Job Title: Anaplan Developer")."""


def candidate_name(document: Document) -> str:
    """The name a CV gives in its header (:func:`core.profile.extract_profile`, ≈ 2 ms), else a label made
    from its file name (anonymised CVs, and CVs whose header names nobody)."""
    return extract_profile(document.text).name or candidate_name_from_filename(document.filename)


def job_title_from_text(text: str, fallback: str = "Untitled job") -> str:
    """The first non-empty line of a JD, shortened, without a "Job title:" label: postings start with their title."""
    line = title_line(text)
    return (TITLE_LABEL.sub("", line).strip() or line) if line else fallback


def required_description(description: str) -> str:
    """The description stripped; an empty one is refused (before any model is loaded for it)."""
    description = description.strip()
    if not description:
        raise InvalidInput("the job description is empty; paste or upload its text")
    return description


def create_job(
    engine: Engine, *, description: str, title: str | None = None, extractor: SkillExtractor
) -> int:
    """Store a job with the skills its description asks for; returns its id."""
    description = required_description(description)
    skills = SkillExtractor.unique_skills(extractor.extract(description))
    with session_scope(engine) as session:
        job = repo.create_job(
            session, title=title or job_title_from_text(description), description=description, skills=skills
        )
        return job.id


@dataclass
class _Item:
    upload: UploadedFile
    digest: str
    document: Document | None = None  # parsed now
    stored_text: str | None = None  # known file: its stored text, not parsed again
    stored_skills: list[str] | None = None
    stored_vectors: object | None = None  # known file: its chunk vectors under this scorer's encoder


def rank_uploads(
    engine: Engine,
    *,
    job_id: int,
    uploads: Iterable[UploadedFile],
    scorer: Scorer,
    extractor: SkillExtractor,
    limits: ParseLimits | None = None,
    progress: BatchProgress | None = None,
    group_size: int = 128,
) -> BatchOutcome:
    """Parse, score and store a batch of uploaded CVs for a job; one bad file never stops it.

    The job's CVs ranked earlier by another model version (an upgrade since) are re-scored by this
    one from their stored vectors (:func:`rerank_pool`), so the ranking, which shows one model
    version, keeps every CV of the job rather than only this batch's.
    """
    limits = limits or ParseLimits()
    report = progress or (lambda _fraction, _message: None)
    with session_scope(engine) as session:
        job = repo.get_job(session, job_id=job_id)
        if job is None:
            raise InvalidInput(f"there is no job #{job_id}; create the job first")
        job_text, job_skills = job_scoring_text(job.title, job.description), list(job.skills)
        batch = repo.start_batch(session, job_id=job_id, model_name=scorer.name, model_version=scorer.version)
        outcome = BatchOutcome(job_id, batch.id, scorer.name, scorer.version)
        # CVs a ranking by this model version would leave out; the last tenth of the progress re-scores them.
        left_out = repo.documents_ranked_by_other_models(session, job_id=job_id, model_name=scorer.name,
                                                         model_version=scorer.version)
        batch_share = 0.9 if left_out else 1.0

    report(0.0, "reading the upload")
    files: list[UploadedFile] = []
    for item in expand_uploads(uploads, limits=limits):
        if isinstance(item, ParseFailure):
            outcome.failures.append(item)
        else:
            files.append(item)
    total = max(len(files), 1)
    refused_on_expansion = len(outcome.failures)  # ZIP members refused before parsing: files too
    seen_in_batch: set[str] = set()
    status = "failed"
    try:
        for begin in range(0, len(files), group_size):
            group = files[begin : begin + group_size]
            _rank_group(engine, outcome, group, job_text, job_skills, scorer, extractor, limits, seen_in_batch,
                        lambda f, msg, b=begin, n=len(group): report(batch_share * min((b + f * n) / total, 1.0), msg))
        status = "done"
    finally:
        with session_scope(engine) as session:
            for failure in outcome.failures:
                repo.add_failure(session, batch_id=outcome.batch_id, filename=failure.filename, reason=failure.reason)
            repo.finish_batch(
                session, batch_id=outcome.batch_id, files_received=len(files) + refused_on_expansion,
                ranked=len(outcome.ranked), failed=outcome.unreadable, duplicates=outcome.duplicates, status=status,
            )
    scored_now = {r.document_id for r in outcome.ranked}
    earlier = [doc_id for doc_id in left_out if doc_id not in scored_now]
    if earlier:
        outcome.rescored = rerank_pool(
            engine, job_id=job_id, scorer=scorer, extractor=extractor, document_ids=earlier,
            progress=lambda f, _msg: report(batch_share + (1 - batch_share) * f,
                                            f"re-scoring {len(earlier)} earlier CV(s) with this model")).documents
    report(1.0, f"ranked {len(outcome.ranked)} CVs, {outcome.unreadable} could not be read")
    return outcome


def _score_row(*, document_id: int, score: float, fit_class: str, pair_matrix: np.ndarray,
               match: SkillMatch) -> repo.ScoreRow:
    """What is stored of a CV's score for a job: the score, its class, the pair matrix, the skills."""
    # float32 values rounded in float64 (exact products): equal to Python's round(v, 4) of each value.
    matrix = np.round(np.asarray(pair_matrix, dtype=np.float64), 4).tolist()
    return repo.ScoreRow(document_id=document_id, score=score, fit_class=str(fit_class), pair_matrix=matrix,
                         matched_skills=match.matched, missing_skills=match.missing)


def _rank_group(
    engine: Engine,
    outcome: BatchOutcome,
    group: Sequence[UploadedFile],
    job_text: str,
    job_skills: list[str],
    scorer: Scorer,
    extractor: SkillExtractor,
    limits: ParseLimits,
    seen_in_batch: set[str],
    report: Callable[[float, str], None],
) -> None:
    items: list[_Item] = []
    for upload in group:
        digest = content_hash(upload.data)
        # Empty files all share one hash: each is reported as empty by the parser, not as a repeat.
        if digest in seen_in_batch and upload.data.strip():
            outcome.failures.append(ParseFailure(upload.filename, REPEATED_IN_UPLOAD))
            continue
        seen_in_batch.add(digest)
        items.append(_Item(upload, digest))

    encoder_key = getattr(scorer, "encoder_key", None)
    with session_scope(engine) as session:
        known = repo.documents_by_hash(session, hashes=[i.digest for i in items])
        stored_vectors = repo.load_chunk_vectors(session, encoder_key=encoder_key,
                                                 document_ids=[d.id for d in known.values()]) if encoder_key else {}
        for item in items:
            if item.digest in known:
                doc = known[item.digest]
                item.stored_text = doc.text
                item.stored_skills = list(dict.fromkeys(hit.skill for hit in doc.skill_hits))
                if doc.id in stored_vectors:
                    v = stored_vectors[doc.id]
                    item.stored_vectors = vectors_from_bytes(v.data, v.chunks, v.dim)

    started = time.perf_counter()
    parsed: list[_Item] = []
    to_read = [i for i in items if i.stored_text is None]
    if to_read:
        report(0.05, f"reading {len(to_read)} file(s)")
    # A process pool for several files; each file that cannot be read becomes its own failure.
    results_read = parse_many([(i.upload.data, i.upload.filename) for i in to_read], limits=limits)
    read = {id(i): r for i, r in zip(to_read, results_read, strict=True)}
    for item in items:
        result = read.get(id(item))
        if isinstance(result, ParseFailure):
            outcome.failures.append(result)
            continue
        if result is not None:
            item.document = result
        parsed.append(item)
    report(0.4, f"read {len(to_read)} file(s)")
    new_docs = [i for i in parsed if i.document is not None]
    hits_per_doc = extractor.extract_many([i.document.text for i in new_docs])  # type: ignore[union-attr]
    names = {i.digest: candidate_name(i.document) for i in new_docs}  # type: ignore[arg-type]
    outcome.parse_seconds += time.perf_counter() - started
    if not parsed:
        return

    started = time.perf_counter()
    texts = [i.document.text if i.document is not None else i.stored_text or "" for i in parsed]
    on_progress = lambda done, all_: report(0.45 + 0.5 * done / max(all_, 1), "scoring")  # noqa: E731
    if encoder_key:  # a stored CV is never encoded twice
        results = scorer.score_batch(job_text, texts, progress=on_progress,  # type: ignore[call-arg]
                                     known_vectors=[i.stored_vectors for i in parsed])
    else:
        results = scorer.score_batch(job_text, texts, progress=on_progress)
    outcome.score_seconds += time.perf_counter() - started
    outcome.pairs_scored += sum(int(r.pair_matrix.size) for r in results)

    hits_by_digest = {i.digest: hits for i, hits in zip(new_docs, hits_per_doc, strict=True)}
    rows: list[repo.ScoreRow] = []
    with session_scope(engine) as session:
        known_now = repo.documents_by_hash(session, hashes=[i.digest for i in parsed if i.document is None])
        for item, result in zip(parsed, results, strict=True):
            if item.document is not None:
                hits = hits_by_digest[item.digest]
                cv_skills = SkillExtractor.unique_skills(hits)
                doc = item.document
                new = repo.NewDocument(
                    content_hash=item.digest,
                    filename=doc.filename,
                    file_type=doc.file_type,
                    text=doc.text,
                    pages=doc.pages,
                    candidate_name=names[item.digest],
                    sections=[{"name": s.name, "start": s.start, "end": s.end} for s in doc.sections],
                    warnings=list(doc.warnings),
                    skill_hits=[(h.skill, h.category, h.start, h.end) for h in hits],
                    ocr=doc.ocr,
                )
                stored, created = repo.add_document(session, new=new)
            else:
                cv_skills = item.stored_skills or []
                stored, created = known_now[item.digest], False
            if encoder_key and item.stored_vectors is None and result.cv_vectors is not None:
                _save_vectors(session, document_id=stored.id, encoder_key=encoder_key,
                              vectors=result.cv_vectors)
            match = compare_skills(job_skills, cv_skills)
            rows.append(_score_row(document_id=stored.id, score=result.score, fit_class=result.fit_class,
                                   pair_matrix=result.pair_matrix, match=match))
            outcome.ranked.append(
                RankedFile(
                    filename=item.upload.filename,
                    document_id=stored.id,
                    candidate_id=stored.candidate_id,
                    candidate_name=stored.candidate.display_name,
                    score=result.score,
                    fit_class=str(result.fit_class),
                    matched_skills=list(match.matched),
                    missing_skills=list(match.missing),
                    already_stored=not created,
                )
            )
        repo.upsert_scores(session, job_id=outcome.job_id, batch_id=outcome.batch_id, model_name=scorer.name,
                           model_version=scorer.version, rows=rows)
    report(1.0, "saved")


def _save_vectors(session: Session, *, document_id: int, encoder_key: str, vectors: np.ndarray) -> bytes:
    """Keep a document's chunk vectors (float16); returns the bytes stored."""
    data = vectors_to_bytes(vectors)
    repo.save_chunk_vectors(session, document_id=document_id, encoder_key=encoder_key,
                            chunks=int(vectors.shape[0]), dim=int(vectors.shape[1]), data=data)
    return data


@dataclass(frozen=True)
class PoolRerank:
    job_id: int
    documents: int
    encoded: int  # documents that had no stored vectors yet
    seconds: float


def rerank_pool(engine: Engine, *, job_id: int, scorer: Scorer, extractor: SkillExtractor,
                progress: BatchProgress | None = None, group_size: int = 4096,
                document_ids: Sequence[int] | None = None) -> PoolRerank:
    """Score every stored CV (or only ``document_ids``) against a job and store the scores, one
    transaction per group of CVs.

    With a ``VectorScorer`` (the default scorer) a group's stored chunk vectors are read in one
    query (not the texts) and scored together (one matrix product for the cosine) — stored CVs
    are never re-chunked or re-encoded; a CV without vectors under the scorer's encoder key is
    encoded once and its vectors saved. Other scorers score the stored texts. Matched / missing
    skills come from the stored skill hits of the job's skills (one query per group); the scores
    are written by bulk upserts (one statement per 1,000 rows), replacing the job's earlier
    scores under the same model version.
    """
    report = progress or (lambda _fraction, _message: None)
    started = time.perf_counter()
    with session_scope(engine) as session:
        job = repo.get_job(session, job_id=job_id)
        if job is None:
            raise InvalidInput(f"there is no job #{job_id}; create the job first")
        job_text, job_skills = job_scoring_text(job.title, job.description), list(job.skills)
        ids = repo.all_document_ids(session) if document_ids is None else sorted(set(document_ids))
        # The pool's skill names that the job asks for (compared as compare_skills does): all that
        # matched / missing skills depend on, so only those hits are read, not every mention.
        wanted = {name.casefold() for name in job_skills}
        skill_names = [n for n in repo.distinct_skills(session) if n.casefold() in wanted]
    message = "re-ranking the stored pool" if document_ids is None else f"re-scoring {len(ids)} stored CV(s)"
    report(0.0, message)
    documents = encoded = 0
    matches: dict[tuple[str, ...], SkillMatch] = {}
    for begin in range(0, len(ids), group_size):
        group = ids[begin : begin + group_size]  # ids ascending: the group is every document in its id range

        def share(fraction: float, message: str, begin: int = begin, size: int = len(group)) -> None:
            report(min((begin + fraction * size) / len(ids), 1.0), message)

        with session_scope(engine) as session:
            # The whole pool by id ranges (no long IN lists); chosen CVs by their ids.
            span: repo.DocumentIds = repo.IdRange(group[0], group[-1]) if document_ids is None else group
            if isinstance(scorer, VectorScorer):
                group, scored, new = _score_stored_vectors(session, scorer, job_text, group, span, share)
                encoded += new
            else:
                texts = repo.document_texts(session, document_ids=span)
                group = [i for i in group if i in texts]
                scored = scorer.score_batch(job_text, [texts[i] for i in group])  # type: ignore[assignment]
            skills = (repo.skills_by_document(session, document_ids=span, names=skill_names)
                      if skill_names else {})
            for doc_id in group:
                cv_skills = tuple(skills.get(doc_id, ()))
                if cv_skills not in matches:  # CVs sharing the job's skills the same way share one comparison
                    matches[cv_skills] = compare_skills(job_skills, cv_skills)
            repo.upsert_scores(session, job_id=job_id, batch_id=None, model_name=scorer.name,
                               model_version=scorer.version,
                               rows=(_score_row(document_id=doc_id, score=s.score, fit_class=s.fit_class,
                                                pair_matrix=s.pair_matrix,
                                                match=matches[tuple(skills.get(doc_id, ()))])
                                     for doc_id, s in zip(group, scored, strict=True)))
            documents += len(group)
        share(1.0, message)
    return PoolRerank(job_id, documents, encoded, time.perf_counter() - started)


def _score_stored_vectors(session: Session, scorer: VectorScorer, job_text: str, group: list[int],
                          span: repo.DocumentIds, report: BatchProgress
                          ) -> tuple[list[int], list[VectorScore], int]:
    """Scores of a group of stored CVs from their stored vectors; CVs without any are encoded and saved.

    Returns the ids scored (a CV deleted meanwhile drops out), their scores and how many were encoded.
    """
    stored = repo.load_chunk_vectors(session, encoder_key=scorer.encoder_key, document_ids=span)
    missing = [i for i in group if i not in stored]
    texts = repo.document_texts(session, document_ids=span if scorer.pair_scores_read_texts else missing)
    missing = [i for i in missing if i in texts]
    if missing:
        _, vectors = scorer.encode_documents(
            [texts[i] for i in missing],
            progress=lambda done, all_: report(0.9 * done / max(all_, 1), "encoding CVs without vectors"))
        for doc_id, v in zip(missing, vectors, strict=True):
            # Scored from what is stored (float16), like every later re-rank of the same CV.
            data = _save_vectors(session, document_id=doc_id, encoder_key=scorer.encoder_key, vectors=v)
            stored[doc_id] = repo.StoredVectors(doc_id, len(v), v.shape[1], data)
    group = [i for i in group if i in stored]
    if not group:
        return [], [], len(missing)
    found = [stored[i] for i in group]
    counts = [v.chunks for v in found]
    pool = stack_vectors([v.data for v in found], sum(counts), found[0].dim)
    cv_texts = [texts[i] for i in group] if scorer.pair_scores_read_texts else None
    return group, scorer.score_vectors(job_text, pool, counts, cv_texts=cv_texts), len(missing)
