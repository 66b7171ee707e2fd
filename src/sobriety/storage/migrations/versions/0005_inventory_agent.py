"""inventory agent: device uuid (indexed, a matching key) and last inventory date

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("last_inventory_date", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_device_uuid"), ["uuid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_uuid"))
        batch_op.drop_column("last_inventory_date")
        batch_op.drop_column("uuid")
