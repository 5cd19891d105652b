"""chunk vectors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chunk_vectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('encoder_key', sa.String(length=200), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('vectors', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_chunk_vectors_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chunk_vectors')),
    sa.UniqueConstraint('document_id', 'encoder_key', name='uq_chunk_vectors_document_encoder')
    )
    with op.batch_alter_table('chunk_vectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chunk_vectors_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chunk_vectors_encoder_key'), ['encoder_key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('chunk_vectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chunk_vectors_encoder_key'))
        batch_op.drop_index(batch_op.f('ix_chunk_vectors_document_id'))

    op.drop_table('chunk_vectors')
