"""reuse law: device outer dimension, erasure encryption since installation, lot address,
price and the initial supplier's contract, redeployment requests

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redeployment_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_redeployment_request_category"),
        "redeployment_request",
        ["category"],
        unique=False,
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_dimension_cm", sa.Float(), nullable=True))
    with op.batch_alter_table("erasure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "encrypted_from_install",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_address", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("price_eur", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "supplier_contract_ref",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=True,
            )
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_redeployment_request_category"), table_name="redeployment_request")
    op.drop_table("redeployment_request")
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_column("supplier_contract_ref")
        batch_op.drop_column("price_eur")
        batch_op.drop_column("recipient_address")
    with op.batch_alter_table("erasure", schema=None) as batch_op:
        batch_op.drop_column("encrypted_from_install")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("max_dimension_cm")
