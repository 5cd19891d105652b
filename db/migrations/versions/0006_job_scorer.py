"""jobs.scorer: the scorer a job is ranked with, when the recruiter chose one

Null (every existing job): the app's scorer (``RECRUIT_SCORER``). A name such as ``minilm-cosine``
ranks that job with that scorer instead, e.g. a posting outside the trained occupations.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Plain ALTER TABLE ... ADD/DROP COLUMN (see 0004): no batch "move and copy" of ``jobs``.


def upgrade() -> None:
    op.add_column('jobs', sa.Column('scorer', sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('jobs', 'scorer')
