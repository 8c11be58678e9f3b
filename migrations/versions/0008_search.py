"""full-text search, list facets and a shared cache

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:45:00

The full-text index is the database's own: FTS5 (external content, kept by
triggers) on SQLite, a generated tsvector column with a GIN index on
PostgreSQL. Existing incidents, updates and events are indexed here.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_document', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
]
POSTGRES_FTS = [
    "ALTER TABLE search_document ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
]
# Oldest first, so document ids follow time as they do for new writes.
BACKFILL = [
    "INSERT INTO search_document (incident_id, kind, ref_id, body) "
    "SELECT id, 'incident', id, title || ' ' || coalesce(summary, '') "
    "FROM incident ORDER BY started_at, id",
    "INSERT INTO search_document (incident_id, kind, ref_id, body) "
    "SELECT incident_id, 'update', id, message FROM status_update "
    "ORDER BY posted_at, id",
    "INSERT INTO search_document (incident_id, kind, ref_id, body) "
    "SELECT incident_id, 'event', id, text FROM timeline_event "
    "ORDER BY occurred_at, id",
    "INSERT INTO incident_facet (facet, value, incident_id, started_at, is_public, "
    "commander_id) SELECT 'component', CAST(a.component_id AS VARCHAR(64)), "
    "a.incident_id, i.started_at, i.is_public, i.commander_id "
    "FROM affected_component a JOIN incident i ON i.id = a.incident_id",
    "INSERT INTO incident_facet (facet, value, incident_id, started_at, is_public, "
    "commander_id) SELECT 'tag', l.value, l.incident_id, i.started_at, "
    "i.is_public, i.commander_id "
    "FROM incident_label l JOIN incident i ON i.id = l.incident_id "
    "WHERE l.kind = 'tag'",
]


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_search_document_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_search_document_kind'))
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_document_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_facet',
    sa.Column('facet', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('commander_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_facet_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('facet', 'value', 'incident_id', name=op.f('pk_incident_facet'))
    )
    with op.batch_alter_table('incident_facet', schema=None) as batch_op:
        batch_op.create_index('ix_incident_facet_list', ['facet', 'value', 'started_at', 'incident_id', 'is_public', 'commander_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_facet_incident_id'), ['incident_id'], unique=False)

    op.create_table('cache_entry',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_cache_entry'))
    )

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index('ix_incident_list', ['started_at', 'id', 'is_public', 'commander_id'], unique=False)
        batch_op.create_index('ix_incident_status_list', ['status', 'started_at', 'id', 'is_public', 'commander_id'], unique=False)
        batch_op.create_index('ix_incident_severity_list', ['severity', 'started_at', 'id', 'is_public', 'commander_id'], unique=False)
        batch_op.create_index('ix_incident_public_list', ['is_public', 'started_at', 'id', 'commander_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == 'sqlite' else POSTGRES_FTS:
        op.execute(statement)
    for statement in BACKFILL:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('search_document_ai', 'search_document_ad', 'search_document_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_public_list')
        batch_op.drop_index('ix_incident_severity_list')
        batch_op.drop_index('ix_incident_status_list')
        batch_op.drop_index('ix_incident_list')
    op.drop_table('cache_entry')
    with op.batch_alter_table('incident_facet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_facet_incident_id'))
        batch_op.drop_index('ix_incident_facet_list')
    op.drop_table('incident_facet')
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_document_incident_id'))
    op.drop_table('search_document')
