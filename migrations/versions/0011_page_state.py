"""page state: a change counter per incident page (and the catalog they share)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_state',
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_page_state'))
    )


def downgrade():
    op.drop_table('page_state')
