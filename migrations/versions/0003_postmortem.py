"""postmortem documents: templates, sections, revisions, reviewers, reviews, workflow moves

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:27:38.576651

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('postmortem_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_template')),
    sa.UniqueConstraint('name', name=op.f('uq_postmortem_template_name'))
    )
    op.create_table('template_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['postmortem_template.id'], name=op.f('fk_template_section_template_id_postmortem_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_section')),
    sa.UniqueConstraint('template_id', 'key', name=op.f('uq_template_section_template_id'))
    )
    op.create_table('postmortem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('approved_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_postmortem_approved_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_postmortem_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_postmortem_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['postmortem_template.id'], name=op.f('fk_postmortem_template_id_postmortem_template'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem')),
    sa.UniqueConstraint('incident_id', name=op.f('uq_postmortem_incident_id'))
    )
    with op.batch_alter_table('postmortem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_state'), ['state'], unique=False)

    op.create_table('postmortem_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortem.id'], name=op.f('fk_postmortem_review_postmortem_id_postmortem'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_postmortem_review_reviewer_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_review'))
    )
    with op.batch_alter_table('postmortem_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_review_postmortem_id'), ['postmortem_id'], unique=False)

    op.create_table('postmortem_reviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortem.id'], name=op.f('fk_postmortem_reviewer_postmortem_id_postmortem'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_postmortem_reviewer_requested_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_postmortem_reviewer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_reviewer')),
    sa.UniqueConstraint('postmortem_id', 'user_id', name=op.f('uq_postmortem_reviewer_postmortem_id'))
    )
    with op.batch_alter_table('postmortem_reviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_reviewer_user_id'), ['user_id'], unique=False)

    op.create_table('postmortem_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_postmortem_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortem.id'], name=op.f('fk_postmortem_revision_postmortem_id_postmortem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_revision')),
    sa.UniqueConstraint('postmortem_id', 'number', name=op.f('uq_postmortem_revision_postmortem_id'))
    )
    op.create_table('postmortem_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortem.id'], name=op.f('fk_postmortem_section_postmortem_id_postmortem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_section')),
    sa.UniqueConstraint('postmortem_id', 'key', name=op.f('uq_postmortem_section_postmortem_id'))
    )
    op.create_table('postmortem_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_postmortem_transition_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortem.id'], name=op.f('fk_postmortem_transition_postmortem_id_postmortem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_transition'))
    )
    with op.batch_alter_table('postmortem_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_transition_postmortem_id'), ['postmortem_id'], unique=False)



def downgrade():
    with op.batch_alter_table('postmortem_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_transition_postmortem_id'))

    op.drop_table('postmortem_transition')
    op.drop_table('postmortem_section')
    op.drop_table('postmortem_revision')
    with op.batch_alter_table('postmortem_reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_reviewer_user_id'))

    op.drop_table('postmortem_reviewer')
    with op.batch_alter_table('postmortem_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_review_postmortem_id'))

    op.drop_table('postmortem_review')
    with op.batch_alter_table('postmortem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_state'))

    op.drop_table('postmortem')
    op.drop_table('template_section')
    op.drop_table('postmortem_template')

