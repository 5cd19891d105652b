"""recruiter decisions with their history, documents.ocr

``decisions``: the current decision (shortlisted / on hold / rejected / undecided) and note of a
recruiter on one candidate for one job, one row per pair, with a version for optimistic concurrency.
``decision_events``: every write of a decision, append-only.
``documents.ocr``: the text was recognised by OCR from scanned pages (false for every existing row).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_STATUS_CHECK = "status IN ('undecided', 'shortlisted', 'on hold', 'rejected')"

# Plain CREATE TABLE and ALTER TABLE ... ADD/DROP COLUMN only (see 0004): a batch "move and copy" of
# ``documents`` would drop and re-create it, and with foreign keys on that cascades to its children.


def upgrade() -> None:
    op.add_column('documents', sa.Column('ocr', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('decided_by', sa.String(length=200), nullable=False),
        sa.Column('previous_status', sa.String(length=16), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_STATUS_CHECK, name=op.f('ck_decisions_status')),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_decisions_candidate_id_candidates'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_decisions_job_id_jobs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
        sa.UniqueConstraint('job_id', 'candidate_id', name='uq_decisions_job_candidate'),
    )
    op.create_index(op.f('ix_decisions_candidate_id'), 'decisions', ['candidate_id'], unique=False)
    op.create_table(
        'decision_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('old_status', sa.String(length=16), nullable=True),
        sa.Column('new_status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('decided_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
                                name=op.f('fk_decision_events_candidate_id_candidates'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_decision_events_job_id_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_events')),
    )
    op.create_index('ix_decision_events_job_id_candidate_id', 'decision_events', ['job_id', 'candidate_id'],
                    unique=False)
    op.create_index('ix_decision_events_candidate_id', 'decision_events', ['candidate_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_decision_events_candidate_id', table_name='decision_events')
    op.drop_index('ix_decision_events_job_id_candidate_id', table_name='decision_events')
    op.drop_table('decision_events')
    op.drop_index(op.f('ix_decisions_candidate_id'), table_name='decisions')
    op.drop_table('decisions')
    op.drop_column('documents', 'ocr')
