"""soft delete of jobs and candidates, privacy log

``deleted_at`` on jobs and candidates: a deletion can be undone until the row is purged.
``privacy_log``: that a candidate's data was erased on request, and how much, without any of it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite ≥ 3.35 adds and drops such a column in place): a batch "move and copy"
# would drop and re-create ``candidates``, and with foreign keys on, dropping it cascades to the
# documents of every candidate.


def upgrade() -> None:
    for table in ('jobs', 'candidates'):
        op.add_column(table, sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        op.create_index(f'ix_{table}_deleted_at', table, ['deleted_at'], unique=False)
    op.create_table(
        'privacy_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_log')),
    )


def downgrade() -> None:
    op.drop_table('privacy_log')
    for table in ('candidates', 'jobs'):
        op.drop_index(f'ix_{table}_deleted_at', table_name=table)
        op.drop_column(table, 'deleted_at')
