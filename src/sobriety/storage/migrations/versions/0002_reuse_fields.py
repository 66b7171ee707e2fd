"""reuse fields: repair estimate, lot deed / commitment / proof of reuse

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repair_estimate_eur', sa.Float(), nullable=True))
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('deed_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column('commitment_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column('proof_of_reuse_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column('proof_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_column('proof_date')
        batch_op.drop_column('proof_of_reuse_ref')
        batch_op.drop_column('commitment_ref')
        batch_op.drop_column('deed_ref')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('repair_estimate_eur')
