"""export cache: rendered post-mortem exports, keyed by document fingerprint

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
# After 6a's post-mortem tables (0003); re-chained linearly at merge.
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('fmt', sa.String(length=16), nullable=False),
    sa.Column('postmortem_version', sa.Integer(), nullable=False),
    sa.Column('incident_version', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_export_cache_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_cache')),
    sa.UniqueConstraint('postmortem_id', 'fmt', name=op.f('uq_export_cache_postmortem_id'))
    )
    with op.batch_alter_table('export_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_cache_incident_id'), ['incident_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_cache_incident_id'))
    op.drop_table('export_cache')
