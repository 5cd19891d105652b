"""Repository functions: the only place that builds queries. Keyword-only; ORM, and SQLAlchemy Core
constructs (never SQL strings) where a pool-sized read or write needs them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (DECISION_STATUSES, NOTE_MAX_CHARS, Batch, Candidate, ChunkVectors, Decision, DecisionEvent,
                       Document, Job, PrivacyLog, Score, SkillHit, UploadFailure, utcnow)


@dataclass(frozen=True)
class NewDocument:
    """A parsed CV ready to store (plain values, so ``db`` needs nothing from ``core``)."""

    content_hash: str
    filename: str
    file_type: str
    text: str
    pages: int
    candidate_name: str
    sections: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skill_hits: list[tuple[str, str, int, int]] = field(default_factory=list)  # skill, category, start, end
    ocr: bool = False  # the text was recognised by OCR from scanned pages


@dataclass(frozen=True)
class RankingRow:
    """One line of a job's ranking table."""

    rank: int
    candidate_id: int
    candidate_name: str
    document_id: int
    filename: str
    score: float
    fit_class: str
    matched_skills: list[str]
    missing_skills: list[str]
    model_name: str
    model_version: str
    batch_id: int | None
    scored_at: datetime
    decision: str = "undecided"  # the recruiter's decision for this job (DECISION_STATUSES)
    decision_note: str = ""
    ocr: bool = False  # the CV's text was recognised by OCR


# --- jobs ---------------------------------------------------------------------------------


def create_job(session: Session, *, title: str, description: str, skills: Sequence[str] = ()) -> Job:
    job = Job(title=title.strip()[:300] or "Untitled job", description=description, skills=list(skills))
    session.add(job)
    session.flush()
    return job


def find_job_by_description(session: Session, *, description: str) -> Job | None:
    """The most recent job with exactly this description (so re-running the CLI reuses it)."""
    return session.scalars(
        select(Job).where(Job.description == description).order_by(Job.id.desc()).limit(1)
    ).first()


def list_jobs(session: Session) -> list[Job]:
    """Jobs not deleted, newest first."""
    return list(session.scalars(select(Job).where(Job.deleted_at.is_(None))
                                .order_by(Job.created_at.desc(), Job.id.desc())))


def get_job(session: Session, *, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def set_job_scorer(session: Session, *, job_id: int, scorer: str | None) -> None:
    """Rank this job with ``scorer`` from now on (None: the app's scorer)."""
    job = session.get(Job, job_id)
    if job is None:
        raise LookupError(f"there is no job #{job_id}")
    job.scorer = scorer or None


# --- documents and candidates -------------------------------------------------------------


def documents_by_hash(session: Session, *, hashes: Iterable[str]) -> dict[str, Document]:
    wanted = list(set(hashes))
    if not wanted:
        return {}
    found = session.scalars(select(Document).where(Document.content_hash.in_(wanted)))
    return {doc.content_hash: doc for doc in found}


def add_document(session: Session, *, new: NewDocument) -> tuple[Document, bool]:
    """Store a CV unless the same file is already stored; returns (document, created).

    Safe against a concurrent insert of the same file: the unique content hash makes the loser
    roll back its savepoint and take the winner's row.
    """
    existing = documents_by_hash(session, hashes=[new.content_hash]).get(new.content_hash)
    if existing is not None:
        if existing.candidate.deleted_at is not None:
            existing.candidate.deleted_at = None  # uploaded again: the recruiter wants them back
        return existing, False
    try:
        with session.begin_nested():
            candidate = Candidate(display_name=new.candidate_name[:300] or "Unnamed candidate")
            document = Document(
                candidate=candidate,
                content_hash=new.content_hash,
                filename=new.filename[:500],
                file_type=new.file_type,
                text=new.text,
                pages=new.pages,
                sections=list(new.sections),
                warnings=list(new.warnings),
                ocr=bool(new.ocr),
            )
            document.skill_hits = [
                SkillHit(skill=skill, category=category, start=start, end=end)
                for skill, category, start, end in new.skill_hits
            ]
            session.add(document)
            session.flush()
    except IntegrityError:
        winner = documents_by_hash(session, hashes=[new.content_hash]).get(new.content_hash)
        if winner is None:
            raise
        return winner, False
    return document, True


def count_candidates(session: Session) -> int:
    return int(session.scalar(select(func.count(Candidate.id))) or 0)


def count_documents(session: Session) -> int:
    return int(session.scalar(select(func.count(Document.id))) or 0)


def get_document(session: Session, *, document_id: int) -> Document | None:
    return session.get(Document, document_id)


@dataclass(frozen=True)
class IdRange:
    """The documents with ``first <= id <= last``: a slice of the pool, queried without a long IN list."""

    first: int
    last: int


DocumentIds = Iterable[int] | IdRange


def _id_filter(column: Any, document_ids: DocumentIds) -> Any:
    if isinstance(document_ids, IdRange):
        return column.between(document_ids.first, document_ids.last)
    return column.in_(list(document_ids))


def document_texts(session: Session, *, document_ids: DocumentIds) -> dict[int, str]:
    """The stored text of each document asked for (only that column), by id, in one query."""
    query = select(Document.id, Document.text).where(_id_filter(Document.id, document_ids))
    return {doc_id: text for doc_id, text in session.execute(query)}


def distinct_skills(session: Session, *, document_ids: DocumentIds | None = None) -> list[str]:
    """Every skill name found in these documents (or in any), once."""
    query = select(SkillHit.skill).distinct()
    if document_ids is not None:
        query = query.where(_id_filter(SkillHit.document_id, document_ids))
    return list(session.scalars(query))


def skills_by_document(session: Session, *, document_ids: DocumentIds, names: Iterable[str] | None = None
                       ) -> dict[int, list[str]]:
    """Each document's distinct skill names (only those in ``names`` when given), sorted by name.

    One query that returns each (document, skill) once, however often the skill is mentioned; a
    document without such skills is absent.
    """
    query = (select(SkillHit.document_id, SkillHit.skill)
             .where(_id_filter(SkillHit.document_id, document_ids))
             .distinct().order_by(SkillHit.document_id, SkillHit.skill))
    if names is not None:
        query = query.where(SkillHit.skill.in_(list(names)))
    found: dict[int, list[str]] = {}
    for doc_id, skill in session.execute(query):
        found.setdefault(doc_id, []).append(skill)
    return found


# --- batches, scores, failures ------------------------------------------------------------


def start_batch(session: Session, *, job_id: int, model_name: str, model_version: str) -> Batch:
    batch = Batch(job_id=job_id, model_name=model_name, model_version=model_version, status="running")
    session.add(batch)
    session.flush()
    return batch


def finish_batch(
    session: Session, *, batch_id: int, files_received: int, ranked: int, failed: int, duplicates: int,
    status: str = "done",
) -> Batch:
    batch = session.get_one(Batch, batch_id)
    batch.files_received = files_received
    batch.ranked = ranked
    batch.failed = failed
    batch.duplicates = duplicates
    batch.status = status
    batch.finished_at = utcnow()
    return batch


def add_failure(session: Session, *, batch_id: int, filename: str, reason: str) -> UploadFailure:
    failure = UploadFailure(batch_id=batch_id, filename=filename[:500], reason=reason)
    session.add(failure)
    return failure


def upsert_score(
    session: Session,
    *,
    job_id: int,
    document_id: int,
    batch_id: int | None,
    model_name: str,
    model_version: str,
    score: float,
    fit_class: str,
    pair_matrix: list[list[float]],
    matched_skills: Sequence[str],
    missing_skills: Sequence[str],
) -> Score:
    """One score per (job, document, model version): re-ranking the same CV updates it."""
    row = session.scalars(
        select(Score).where(
            Score.job_id == job_id,
            Score.document_id == document_id,
            Score.model_name == model_name,
            Score.model_version == model_version,
        )
    ).first()
    if row is None:
        row = Score(job_id=job_id, document_id=document_id, model_name=model_name, model_version=model_version)
        session.add(row)
    row.batch_id = batch_id
    row.score = score
    row.fit_class = fit_class
    row.pair_matrix = pair_matrix
    row.matched_skills = list(matched_skills)
    row.missing_skills = list(missing_skills)
    row.created_at = utcnow()
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One document's score for ``upsert_scores`` (plain values)."""

    document_id: int
    score: float
    fit_class: str
    pair_matrix: list[list[float]]
    matched_skills: Sequence[str]
    missing_skills: Sequence[str]


_UPSERT_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsert_scores(
    session: Session, *, job_id: int, batch_id: int | None, model_name: str, model_version: str,
    rows: Iterable[ScoreRow], rows_per_statement: int = 1000,
) -> None:
    """``upsert_score`` for many documents of one job and model version, in a few executemany statements.

    SQLite and PostgreSQL get ``INSERT ... ON CONFLICT (job, document, model) DO UPDATE``, one
    statement per ``rows_per_statement`` rows (taken lazily from ``rows``, so a generator's rows
    never all exist at once); any other database one ``upsert_score`` per row (same result, slower).
    """
    insert = _UPSERT_INSERTS.get(session.get_bind().dialect.name)
    if insert is None:
        for row in rows:
            upsert_score(session, job_id=job_id, document_id=row.document_id, batch_id=batch_id,
                         model_name=model_name, model_version=model_version, score=row.score,
                         fit_class=row.fit_class, pair_matrix=row.pair_matrix,
                         matched_skills=row.matched_skills, missing_skills=row.missing_skills)
        return
    table = Score.__table__
    statement = insert(table)
    updated = ("batch_id", "score", "fit_class", "pair_matrix", "matched_skills", "missing_skills",
               "created_at")
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.job_id, table.c.document_id, table.c.model_name, table.c.model_version],
        set_={name: statement.excluded[name] for name in updated},
    )
    now = utcnow()
    session.flush()  # Core statements do not autoflush: pending documents must exist first
    rows = iter(rows)
    while chunk := [
        {"job_id": job_id, "document_id": row.document_id, "model_name": model_name,
         "model_version": model_version, "batch_id": batch_id, "score": row.score, "fit_class": row.fit_class,
         "pair_matrix": row.pair_matrix, "matched_skills": row.matched_skills,
         "missing_skills": row.missing_skills, "created_at": now}
        for row in islice(rows, rows_per_statement)
    ]:
        session.execute(statement, chunk)


def list_batches(session: Session, *, job_id: int) -> list[Batch]:
    return list(session.scalars(select(Batch).where(Batch.job_id == job_id).order_by(Batch.id.desc())))


def list_failures(session: Session, *, batch_id: int) -> list[UploadFailure]:
    return list(session.scalars(select(UploadFailure).where(UploadFailure.batch_id == batch_id).order_by(UploadFailure.id)))


def ranking(session: Session, *, job_id: int, model_name: str | None = None, model_version: str | None = None) -> list[RankingRow]:
    """A job's candidates, best first, under one model version (by default the latest used)."""
    if model_name is None or model_version is None:
        latest = session.execute(
            select(Score.model_name, Score.model_version).where(Score.job_id == job_id)
            .order_by(Score.created_at.desc(), Score.id.desc()).limit(1)
        ).first()
        if latest is None:
            return []
        model_name, model_version = latest
    rows = session.execute(
        select(Score, Document, Candidate, Decision.status, Decision.note)
        .join(Document, Score.document_id == Document.id)
        .join(Candidate, Document.candidate_id == Candidate.id)
        .outerjoin(Decision, (Decision.job_id == Score.job_id) & (Decision.candidate_id == Candidate.id))
        .where(Score.job_id == job_id, Score.model_name == model_name, Score.model_version == model_version,
               Candidate.deleted_at.is_(None))
        .order_by(Score.score.desc(), Document.id)
    ).all()
    return [
        RankingRow(
            rank=i,
            candidate_id=candidate.id,
            candidate_name=candidate.display_name,
            document_id=document.id,
            filename=document.filename,
            score=score.score,
            fit_class=score.fit_class,
            matched_skills=list(score.matched_skills),
            missing_skills=list(score.missing_skills),
            model_name=score.model_name,
            model_version=score.model_version,
            batch_id=score.batch_id,
            scored_at=score.created_at,
            decision=status or "undecided",
            decision_note=note or "",
            ocr=bool(document.ocr),
        )
        for i, (score, document, candidate, status, note) in enumerate(rows, start=1)
    ]


# --- chunk vectors ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredVectors:
    """Raw chunk vectors of one document (float16 bytes; ``core`` turns them into arrays)."""

    document_id: int
    chunks: int
    dim: int
    data: bytes


def save_chunk_vectors(session: Session, *, document_id: int, encoder_key: str, chunks: int, dim: int,
                       data: bytes) -> None:
    """Keep a document's chunk vectors for an encoder (replacing older ones for the same key)."""
    row = session.scalars(select(ChunkVectors).where(ChunkVectors.document_id == document_id,
                                                     ChunkVectors.encoder_key == encoder_key)).first()
    if row is None:
        row = ChunkVectors(document_id=document_id, encoder_key=encoder_key)
        session.add(row)
    row.chunks, row.dim, row.vectors = chunks, dim, data
    session.flush()


def load_chunk_vectors(session: Session, *, encoder_key: str, document_ids: DocumentIds | None = None
                       ) -> dict[int, StoredVectors]:
    """Stored vectors under ``encoder_key`` (of the documents asked for, or all) by document id; one query."""
    query = (select(ChunkVectors.document_id, ChunkVectors.chunks, ChunkVectors.dim, ChunkVectors.vectors)
             .where(ChunkVectors.encoder_key == encoder_key))
    if document_ids is not None:
        query = query.where(_id_filter(ChunkVectors.document_id, document_ids))
    return {doc_id: StoredVectors(doc_id, chunks, dim, data)
            for doc_id, chunks, dim, data in session.execute(query)}


def documents_ranked_by_other_models(session: Session, *, job_id: int, model_name: str, model_version: str
                                     ) -> list[int]:
    """The job's CVs (candidates not deleted) scored by another model or version and not by this one:
    what a ranking under this model would leave out. Ascending ids."""
    under_this = (select(Score.document_id)
                  .where(Score.job_id == job_id, Score.model_name == model_name, Score.model_version == model_version))
    query = (select(Score.document_id).distinct()
             .join(Document, Score.document_id == Document.id)
             .join(Candidate, Document.candidate_id == Candidate.id)
             .where(Score.job_id == job_id, Candidate.deleted_at.is_(None), Score.document_id.not_in(under_this))
             .order_by(Score.document_id))
    return list(session.scalars(query))


def count_documents_not_ranked_for(session: Session, *, job_id: int) -> int:
    """Stored CVs (candidates not deleted) with no score at all for this job: what ranking the
    stored pool for it would add."""
    ranked = select(Score.document_id).where(Score.job_id == job_id)
    return int(session.scalar(
        select(func.count(Document.id)).join(Candidate, Document.candidate_id == Candidate.id)
        .where(Candidate.deleted_at.is_(None), Document.id.not_in(ranked))) or 0)


def ranked_document_counts(session: Session) -> dict[int, int]:
    """For each job, how many stored CVs (candidates not deleted) it has a score for, by any model or route
    (an upload, the stored pool, a re-score)."""
    query = (select(Score.job_id, func.count(func.distinct(Score.document_id)))
             .join(Document, Score.document_id == Document.id)
             .join(Candidate, Document.candidate_id == Candidate.id)
             .where(Candidate.deleted_at.is_(None)).group_by(Score.job_id))
    return {int(job_id): int(n) for job_id, n in session.execute(query)}


def all_document_ids(session: Session) -> list[int]:
    """The stored pool: documents of candidates not deleted."""
    return list(session.scalars(select(Document.id).join(Candidate, Document.candidate_id == Candidate.id)
                                .where(Candidate.deleted_at.is_(None)).order_by(Document.id)))


# --- deleting, undoing, forgetting ------------------------------------------------------------


def _mark_deleted(session: Session, model: type[Job] | type[Candidate], row_id: int, deleted: bool) -> bool:
    """Set or clear ``deleted_at``; False when there is no such row or it is already so."""
    row = session.get(model, row_id)
    if row is None or (row.deleted_at is not None) == deleted:
        return False
    row.deleted_at = utcnow() if deleted else None
    return True


def delete_job(session: Session, *, job_id: int) -> bool:
    """Hide a job (and its ranking) until restored or purged; False when there is no such job."""
    return _mark_deleted(session, Job, job_id, True)


def delete_candidate(session: Session, *, candidate_id: int) -> bool:
    """Take a candidate out of every ranking and the pool until restored or purged."""
    return _mark_deleted(session, Candidate, candidate_id, True)


def restore_job(session: Session, *, job_id: int) -> bool:
    return _mark_deleted(session, Job, job_id, False)


def restore_candidate(session: Session, *, candidate_id: int) -> bool:
    return _mark_deleted(session, Candidate, candidate_id, False)


def deleted_jobs(session: Session) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.deleted_at.is_not(None)).order_by(Job.deleted_at.desc())))


def deleted_candidates(session: Session) -> list[Candidate]:
    return list(session.scalars(select(Candidate).where(Candidate.deleted_at.is_not(None))
                                .order_by(Candidate.deleted_at.desc())))


def _erase_candidate(session: Session, candidate: Candidate) -> dict[str, int]:
    """Delete a candidate with every row that holds their data; the counts of what went."""
    document_ids = [d.id for d in candidate.documents]
    counts = {
        "documents": len(document_ids),
        "scores": session.scalar(select(func.count()).select_from(Score).where(Score.document_id.in_(document_ids))) or 0,
        "chunk_vectors": session.scalar(select(func.count()).select_from(ChunkVectors)
                                        .where(ChunkVectors.document_id.in_(document_ids))) or 0,
        "skill_hits": session.scalar(select(func.count()).select_from(SkillHit)
                                     .where(SkillHit.document_id.in_(document_ids))) or 0,
        # Notes are personal data: the decisions and their whole history go too.
        "decisions": session.execute(delete(Decision).where(Decision.candidate_id == candidate.id)).rowcount or 0,
        "decision_events": session.execute(delete(DecisionEvent)
                                           .where(DecisionEvent.candidate_id == candidate.id)).rowcount or 0,
    }
    for model in (Score, ChunkVectors):
        for row in session.scalars(select(model).where(model.document_id.in_(document_ids))):
            session.delete(row)
    session.delete(candidate)  # documents and skill hits go with it (ORM cascade)
    return counts


def forget_candidate(session: Session, *, candidate_id: int) -> dict[str, int] | None:
    """Erase a person on request: CV text, skills, vectors, scores, decisions with their notes and
    history, the candidate row. Logged.

    The log keeps the candidate's id and the number of rows erased, none of the data.
    Returns those counts, or None when there is no such candidate.
    """
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    counts = _erase_candidate(session, candidate)
    session.add(PrivacyLog(action="forget candidate", candidate_id=candidate_id, details=counts))
    session.flush()
    return counts


def purge_deleted(session: Session, *, older_than: timedelta) -> dict[str, int]:
    """Erase for good what was deleted more than ``older_than`` ago: jobs (with their rankings and
    decisions) and candidates (with their documents, vectors, scores and decisions)."""
    cutoff = utcnow() - older_than
    jobs = list(session.scalars(select(Job).where(Job.deleted_at.is_not(None), Job.deleted_at < cutoff)))
    candidates = list(session.scalars(select(Candidate).where(Candidate.deleted_at.is_not(None),
                                                               Candidate.deleted_at < cutoff)))
    for job in jobs:
        session.execute(delete(DecisionEvent).where(DecisionEvent.job_id == job.id))
        session.execute(delete(Decision).where(Decision.job_id == job.id))
        session.delete(job)  # batches and scores go with it (ORM cascade)
    for candidate in candidates:
        _erase_candidate(session, candidate)
    session.flush()
    return {"jobs": len(jobs), "candidates": len(candidates)}


def privacy_log(session: Session) -> list[PrivacyLog]:
    return list(session.scalars(select(PrivacyLog).order_by(PrivacyLog.id)))


# --- recruiter decisions ------------------------------------------------------------------------


class DecisionConflict(Exception):
    """A decision was saved from an older version than the stored one: someone else changed it."""

    def __init__(self, current: DecisionView | None) -> None:
        super().__init__("someone else changed this decision; reload to see it")
        self.current = current  # what is stored now (None: nothing, e.g. the candidate was erased)


class InvalidDecision(ValueError):
    """A status that is not a decision, or a note that is too long."""


@dataclass(frozen=True)
class DecisionView:
    """A decision as stored (plain values, safe to keep after the session closes)."""

    job_id: int
    candidate_id: int
    status: str
    note: str
    version: int
    decided_by: str
    previous_status: str | None
    updated_at: datetime


@dataclass(frozen=True)
class DecisionChange:
    """One entry of a decision's history."""

    version: int
    old_status: str | None
    new_status: str
    note: str
    decided_by: str
    at: datetime


def _clean_decision(status: str, note: str, decided_by: str) -> tuple[str, str, str]:
    status = (status or "").strip().casefold()
    if status not in DECISION_STATUSES:
        raise InvalidDecision(f"{status!r} is not a decision; use one of: {', '.join(DECISION_STATUSES)}")
    note = (note or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidDecision(f"the note has {len(note):,} characters; at most {NOTE_MAX_CHARS:,} are kept")
    return status, note, (decided_by or "").replace("\x00", "").strip()[:200]


_DECISION_COLUMNS = (Decision.job_id, Decision.candidate_id, Decision.status, Decision.note, Decision.version,
                     Decision.decided_by, Decision.previous_status, Decision.updated_at)


def set_decision(
    session: Session, *, job_id: int, candidate_id: int, status: str, note: str = "", decided_by: str = "",
    expected_version: int | None = None,
) -> DecisionView:
    """Record a recruiter's decision (and note) on a candidate for a job, and append it to the history.

    One statement decides the write, so concurrent writers never lose or double a row on SQLite or
    PostgreSQL: with ``expected_version=None`` an upsert (last writer wins, every write counted in
    ``version`` and in the history); with ``expected_version=N`` the write happens only if the
    stored version is still N (0: no decision stored yet), else :class:`DecisionConflict`.

    Raises:
        InvalidDecision: an unknown status, or a note longer than ``NOTE_MAX_CHARS``.
        DecisionConflict: ``expected_version`` is not the stored version.
    """
    status, note, decided_by = _clean_decision(status, note, decided_by)
    now = utcnow()
    table = Decision.__table__
    changes = {"status": status, "note": note, "decided_by": decided_by, "updated_at": now,
               "version": table.c.version + 1, "previous_status": table.c.status}
    new_row = {"job_id": job_id, "candidate_id": candidate_id, "status": status, "note": note,
               "decided_by": decided_by, "version": 1, "previous_status": None, "created_at": now,
               "updated_at": now}
    keys = (table.c.job_id == job_id) & (table.c.candidate_id == candidate_id)
    dialect_insert = _UPSERT_INSERTS.get(session.get_bind().dialect.name)
    session.flush()  # Core statements do not autoflush
    if expected_version is not None and expected_version > 0:
        statement: Any = update(table).where(keys, table.c.version == expected_version).values(**changes)
    elif dialect_insert is None:  # another database: lock the row, then insert or update it
        current = session.execute(select(table.c.version).where(keys).with_for_update()).scalar()
        if current is None:
            statement = insert(table).values(**new_row)
        elif expected_version == 0:
            statement = None
        else:
            statement = update(table).where(keys).values(**changes)
    else:
        statement = dialect_insert(table).values(**new_row)
        if expected_version == 0:
            statement = statement.on_conflict_do_nothing(index_elements=[table.c.job_id, table.c.candidate_id])
        else:
            statement = statement.on_conflict_do_update(index_elements=[table.c.job_id, table.c.candidate_id],
                                                        set_=changes)
    written = None if statement is None else session.execute(statement.returning(*_DECISION_COLUMNS)).first()
    if written is None:
        raise DecisionConflict(get_decision(session, job_id=job_id, candidate_id=candidate_id))
    view = DecisionView(*written)
    session.execute(insert(DecisionEvent.__table__).values(
        job_id=job_id, candidate_id=candidate_id, version=view.version,
        old_status=view.previous_status if view.version > 1 else None, new_status=status, note=note,
        decided_by=decided_by, created_at=now))
    return view


def get_decision(session: Session, *, job_id: int, candidate_id: int) -> DecisionView | None:
    """The stored decision, or None (undecided)."""
    found = session.execute(select(*_DECISION_COLUMNS).where(Decision.job_id == job_id,
                                                             Decision.candidate_id == candidate_id)).first()
    return DecisionView(*found) if found is not None else None


def decision_history(session: Session, *, job_id: int, candidate_id: int) -> list[DecisionChange]:
    """Every write of the decision on this candidate for this job, oldest first."""
    query = (select(DecisionEvent.version, DecisionEvent.old_status, DecisionEvent.new_status, DecisionEvent.note,
                    DecisionEvent.decided_by, DecisionEvent.created_at)
             .where(DecisionEvent.job_id == job_id, DecisionEvent.candidate_id == candidate_id)
             .order_by(DecisionEvent.version, DecisionEvent.id))
    return [DecisionChange(*row) for row in session.execute(query)]


def decision_counts(session: Session) -> dict[int, dict[str, int]]:
    """For each job, how many of its candidates (not deleted) have each decision."""
    query = (select(Decision.job_id, Decision.status, func.count())
             .join(Candidate, Decision.candidate_id == Candidate.id)
             .where(Candidate.deleted_at.is_(None)).group_by(Decision.job_id, Decision.status))
    counts: dict[int, dict[str, int]] = {}
    for job_id, status, n in session.execute(query):
        counts.setdefault(job_id, {})[status] = int(n)
    return counts
