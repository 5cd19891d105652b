"""ORM models. Schema changes go through an Alembic migration in ``db/migrations/versions``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text,
    UniqueConstraint, false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


# Named constraints: SQLite batch migrations and PostgreSQL both need names to alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Job(Base):
    """A vacancy: its description and the skills it asks for."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    # The scorer this job is ranked with when the recruiter chose one; None: the app's (RECRUIT_SCORER).
    scorer: Mapped[str | None] = mapped_column(String(200), nullable=True)

    batches: Mapped[list[Batch]] = relationship(back_populates="job", cascade="all, delete-orphan")
    scores: Mapped[list[Score]] = relationship(back_populates="job", cascade="all, delete-orphan")


class Candidate(Base):
    """A person; today one per distinct CV, later merged by profile."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)

    documents: Mapped[list[Document]] = relationship(back_populates="candidate", cascade="all, delete-orphan")


class Document(Base):
    """A parsed CV file; the content hash keeps one row per distinct file, whoever uploads it."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    file_type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    sections: Mapped[list[Any]] = mapped_column(default=list)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    # The text was recognised by OCR from scanned pages (migration 0005): names and numbers may be misread.
    ocr: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    candidate: Mapped[Candidate] = relationship(back_populates="documents")
    skill_hits: Mapped[list[SkillHit]] = relationship(back_populates="document", cascade="all, delete-orphan")


class SkillHit(Base):
    """One skill mention in a document, with its character span (for highlighting)."""

    __tablename__ = "skill_hits"
    # Re-ranking the pool reads the hits of a job's skills for a range of documents (migration 0003).
    __table_args__ = (Index("ix_skill_hits_skill_document_id", "skill", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="skill_hits")


class Batch(Base):
    """One upload-and-rank run for a job."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    files_received: Mapped[int] = mapped_column(Integer, default=0)
    ranked: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="running")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    job: Mapped[Job] = relationship(back_populates="batches")
    failures: Mapped[list[UploadFailure]] = relationship(back_populates="batch", cascade="all, delete-orphan")


class UploadFailure(Base):
    """A file of a batch that could not be ranked, with the reason shown to the recruiter."""

    __tablename__ = "upload_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)

    batch: Mapped[Batch] = relationship(back_populates="failures")


class Score(Base):
    """A document's score for a job under one model version (re-ranking updates it in place)."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("job_id", "document_id", "model_name", "model_version", name="uq_scores_job_document_model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id", ondelete="SET NULL"), nullable=True)
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    fit_class: Mapped[str] = mapped_column(String(32))
    pair_matrix: Mapped[list[Any]] = mapped_column(default=list)
    matched_skills: Mapped[list[Any]] = mapped_column(default=list)
    missing_skills: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    job: Mapped[Job] = relationship(back_populates="scores")
    document: Mapped[Document] = relationship()


class ChunkVectors(Base):
    """A document's chunk vectors under one encoder, so a stored CV is never encoded twice."""

    __tablename__ = "chunk_vectors"
    __table_args__ = (UniqueConstraint("document_id", "encoder_key", name="uq_chunk_vectors_document_encoder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    encoder_key: Mapped[str] = mapped_column(String(200), index=True)
    chunks: Mapped[int] = mapped_column(Integer)
    dim: Mapped[int] = mapped_column(Integer)
    vectors: Mapped[bytes] = mapped_column(LargeBinary)  # float16, row-major (chunks × dim)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrivacyLog(Base):
    """That a person's data was erased on request (and how many rows), never the data itself."""

    __tablename__ = "privacy_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(64))
    candidate_id: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


DECISION_STATUSES = ("undecided", "shortlisted", "on hold", "rejected")
"""A recruiter's decision on a candidate for a job; "undecided" is also what no row means."""
NOTE_MAX_CHARS = 2_000
_STATUS_CHECK = "status IN ('undecided', 'shortlisted', 'on hold', 'rejected')"


class Decision(Base):
    """The recruiter's current decision on one candidate for one job, with a note (migration 0005).

    One row per (job, candidate), written by an upsert; ``version`` counts the writes, so a save
    that started from an older version is refused instead of overwriting someone else's change.
    Every write also appends a :class:`DecisionEvent`. Soft-deleting the job or candidate keeps
    the row; erasing the candidate (forget, purge) or the job deletes it.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("job_id", "candidate_id", name="uq_decisions_job_candidate"),
        CheckConstraint(_STATUS_CHECK, name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    previous_status: Mapped[str | None] = mapped_column(String(16), nullable=True)  # before the last write
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DecisionEvent(Base):
    """One write of a decision, append-only: no decision or note is ever lost by a later one."""

    __tablename__ = "decision_events"
    __table_args__ = (
        Index("ix_decision_events_job_id_candidate_id", "job_id", "candidate_id"),
        Index("ix_decision_events_candidate_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)  # the decision's version this write produced
    old_status: Mapped[str | None] = mapped_column(String(16), nullable=True)  # None: no decision before
    new_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
