"""sort indexes: every sortable device column, and updated_at for the search index

The inventory sorts 100,000 devices by any column and shows the first page:
with an index on the column the database walks it instead of sorting every
row. Pages are ordered ``(column, id)`` with NULLs first (descending is the
exact reverse, see ``storage/device_pages.py``):

- SQLite: an index on ``column`` already holds the rowid (``id``) as its last
  key, and ascending order puts NULLs first; a one-column index serves both
  directions. SQLite refuses ``NULLS FIRST`` in an index.
- PostgreSQL: a B-tree puts NULLs last by default and does not append the
  key, so the index is ``(column NULLS FIRST, id)``; scanned backwards it gives
  the descending order.

``updated_at`` is indexed so that ``max(updated_at)`` is one index lookup: the
TUI's in-memory search index checks it to know whether it is still fresh.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: Sortable columns without an index before this revision (nullable: NULLs first).
SORTABLE = {
    "manufacturer": True,
    "model": True,
    "assignee": True,
    "condition": False,
    "acquisition_date": True,
    "reuse_channel": True,
}
#: Sortable columns indexed since 0001 by one column: PostgreSQL also needs (column, id).
INDEXED = {"serial": True, "category": False, "status": False}


def _pg_columns(column: str, nullable: bool) -> list:
    return [sa.text(f"{column} NULLS FIRST" if nullable else column), sa.text("id")]


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for column, nullable in SORTABLE.items():
        cols = _pg_columns(column, nullable) if pg else [column]
        op.create_index(f"ix_device_{column}", "device", cols)
    if pg:
        for column, nullable in INDEXED.items():
            op.create_index(f"ix_device_{column}_id", "device", _pg_columns(column, nullable))
    op.create_index("ix_device_updated_at", "device", ["updated_at"])


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_device_updated_at", table_name="device")
    if pg:
        for column in reversed(list(INDEXED)):
            op.drop_index(f"ix_device_{column}_id", table_name="device")
    for column in reversed(list(SORTABLE)):
        op.drop_index(f"ix_device_{column}", table_name="device")
