"""skill hits by skill

An index on (skill, document_id): re-ranking the stored pool reads only the hits of the skills a
job asks for, for a range of documents, and lists the pool's distinct skill names, from this
index alone instead of scanning every mention.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('skill_hits', schema=None) as batch_op:
        batch_op.create_index('ix_skill_hits_skill_document_id', ['skill', 'document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('skill_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_skill_hits_skill_document_id')
