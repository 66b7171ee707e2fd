"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recipient_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recipient_siret', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_code'), ['code'], unique=True)

    op.create_table('model_factor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('manufacturer', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('match_key', sqlmodel.sql.sqltypes.AutoString(length=330), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('total_kgco2e', sa.Float(), nullable=True),
    sa.Column('manufacturing_kgco2e', sa.Float(), nullable=True),
    sa.Column('distribution_kgco2e', sa.Float(), nullable=True),
    sa.Column('end_of_life_kgco2e', sa.Float(), nullable=True),
    sa.Column('uncertainty', sa.Float(), nullable=True),
    sa.Column('yearly_energy_kwh', sa.Float(), nullable=True),
    sa.Column('lifespan_years', sa.Float(), nullable=True),
    sa.Column('weight_kg', sa.Float(), nullable=True),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('quality', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('match_key', 'origin', name='uq_model_factor_key')
    )
    with op.batch_alter_table('model_factor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_factor_match_key'), ['match_key'], unique=False)

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('commune', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('insee_code', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('agents', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_code'), ['code'], unique=True)

    op.create_table('device',
    sa.Column('asset_tag', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('serial', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('manufacturer', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('assignee', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('acquisition_date', sa.Date(), nullable=True),
    sa.Column('acquisition_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('purchase_price_eur', sa.Float(), nullable=True),
    sa.Column('warranty_end', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('condition', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('battery_health_pct', sa.Float(), nullable=True),
    sa.Column('ram_gb', sa.Float(), nullable=True),
    sa.Column('storage_gb', sa.Float(), nullable=True),
    sa.Column('storage_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('cpu_model', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('cpu_generation', sa.Integer(), nullable=True),
    sa.Column('tpm_version', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('screen_size_in', sa.Float(), nullable=True),
    sa.Column('os', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('sensitive_data', sa.Boolean(), nullable=False),
    sa.Column('weight_kg', sa.Float(), nullable=True),
    sa.Column('measured_power_w', sa.Float(), nullable=True),
    sa.Column('retirement_date', sa.Date(), nullable=True),
    sa.Column('declared_value_eur', sa.Float(), nullable=True),
    sa.Column('reuse_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('asset_tag', name='uq_device_asset_tag')
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index('ix_device_manufacturer_model', ['manufacturer', 'model'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_serial'), ['serial'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_status'), ['status'], unique=False)

    op.create_table('device_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('date', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_event_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_event_device_id'), ['device_id'], unique=False)

    op.create_table('erasure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('tool', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('certificate_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('erasure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_device_id'), ['device_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('erasure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_device_id'))

    op.drop_table('erasure')
    with op.batch_alter_table('device_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_event_device_id'))
        batch_op.drop_index(batch_op.f('ix_device_event_date'))

    op.drop_table('device_event')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_status'))
        batch_op.drop_index(batch_op.f('ix_device_site_id'))
        batch_op.drop_index(batch_op.f('ix_device_serial'))
        batch_op.drop_index('ix_device_manufacturer_model')
        batch_op.drop_index(batch_op.f('ix_device_lot_id'))
        batch_op.drop_index(batch_op.f('ix_device_category'))

    op.drop_table('device')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_code'))

    op.drop_table('site')
    with op.batch_alter_table('model_factor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_factor_match_key'))

    op.drop_table('model_factor')
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_code'))

    op.drop_table('lot')
