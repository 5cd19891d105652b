"""Persistence: SQLAlchemy 2.0 ORM models, engine/session setup, repository functions, migrations.

SQLite file by default (WAL mode), any SQLAlchemy URL by ``RECRUIT_DATABASE_URL``. This package
never imports the model code of ``core``/``models``: it stores plain values.
"""

from __future__ import annotations
