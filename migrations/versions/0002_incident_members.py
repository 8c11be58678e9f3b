"""incident members: who may see a private incident

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 05:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_member_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_incident_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_member')),
    sa.UniqueConstraint('incident_id', 'user_id', name=op.f('uq_incident_member_incident_id'))
    )
    with op.batch_alter_table('incident_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_member_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('incident_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_member_user_id'))
    op.drop_table('incident_member')
