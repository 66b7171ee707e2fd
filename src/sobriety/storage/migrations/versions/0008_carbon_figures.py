"""recycled-content purchases (loi AGEC art. 58): amounts excl. VAT per year

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recycled_purchase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_eur", sa.Float(), nullable=False),
        sa.Column("product_type", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("asset_tag", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recycled_purchase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recycled_purchase_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recycled_purchase", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recycled_purchase_year"))
    op.drop_table("recycled_purchase")
