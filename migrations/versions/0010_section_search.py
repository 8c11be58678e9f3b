"""search post-mortem sections: index the sections written before they were
searchable (data only, no schema change)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:10:00

New and edited sections are indexed as they are flushed (search.index); this
copies the existing ones, as 0008 did for incidents, updates and events.
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Oldest first, so document ids follow time as they do for new writes.
BACKFILL = (
    "INSERT INTO search_document (incident_id, kind, ref_id, body) "
    "SELECT p.incident_id, 'section', s.id, coalesce(s.body, '') "
    "FROM postmortem_section s JOIN postmortem p ON p.id = s.postmortem_id "
    "WHERE NOT EXISTS (SELECT 1 FROM search_document d "
    "WHERE d.kind = 'section' AND d.ref_id = s.id) "
    "ORDER BY p.created_at, s.id"
)


def upgrade():
    op.execute(BACKFILL)


def downgrade():
    op.execute("DELETE FROM search_document WHERE kind = 'section'")
