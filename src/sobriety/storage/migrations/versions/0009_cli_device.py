"""audit trail: where each history event came from, and the device version it made

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

``device_event.source`` names the command (``sobriety device edit``) or the
screen (``tui/device``) a change came from; ``device_event.device_version`` is
the device's version after the change, so that a write refused for a stale
version can say who changed what, and when, since the version it read.
Earlier events keep both empty.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(sa.Column("device_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device_event", schema=None) as batch_op:
        batch_op.drop_column("device_version")
        batch_op.drop_column("source")
