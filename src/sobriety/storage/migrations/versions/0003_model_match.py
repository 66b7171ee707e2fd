"""model match: inventory models matched to per-model factors

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('model_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_key', sqlmodel.sql.sqltypes.AutoString(length=330), nullable=False),
    sa.Column('model_factor_id', sa.Integer(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['model_factor_id'], ['model_factor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('model_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_match_match_key'), ['match_key'], unique=True)
        batch_op.create_index(batch_op.f('ix_model_match_model_factor_id'), ['model_factor_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('model_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_match_model_factor_id'))
        batch_op.drop_index(batch_op.f('ix_model_match_match_key'))
    op.drop_table('model_match')
