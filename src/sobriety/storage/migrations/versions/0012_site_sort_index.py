"""site sort index: the devices of one site in id order, on PostgreSQL

The device list sorted by site reads one site at a time
(``WHERE site_id = ? ORDER BY id``, see ``storage/device_order.py``). SQLite's
index on ``site_id`` already ends with the rowid; PostgreSQL's does not, so it
gains ``(site_id, id)``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_device_site_id_id", "device", ["site_id", "id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_device_site_id_id", table_name="device")
