"""The document read from the stored incident and post-mortem."""

from postmortem.domain import events
from postmortem.domain.exports import builder, service
from postmortem.extensions import db
from postmortem.models import ExportCache
from tests.factories import at


def test_document_from_the_record(written_pm, author):
    document = builder.build(written_pm)
    assert document.incident.title == "Website and API down"
    assert [s.key for s in document.sections][:2] == ["summary", "impact"]
    impact = next(s for s in document.sections if s.key == "impact")
    assert "<svg" in impact.html
    assert document.authors == ("Ada Author",)
    assert len(document.updates) == 3 and len(document.events) == 5
    worst = {c.slug: c.worst_status for c in document.incident.components}
    assert worst == {"website": "major_outage", "api": "partial_outage"}
    assert document.incident.durations()["total"] == 160 * 60


def test_second_export_comes_from_the_cache_until_something_changes(
        written_pm, author):
    first = service.export(written_pm, "html")
    db.session.commit()
    row = db.session.query(ExportCache).one()
    assert row.content == first and row.postmortem_version == written_pm.version
    # A stale-looking row proves the cache is read, not re-rendered.
    row.content = b"from the cache"
    db.session.commit()
    assert service.export(written_pm, "html") == b"from the cache"
    # Adding an event bumps no version, but changes the document.
    events.add(written_pm.incident, {"occurred_at": at(30), "kind": "note",
                                     "text": "Late note", "key": True}, author)
    db.session.commit()
    fresh = service.export(written_pm, "html")
    assert b"Late note" in fresh
    db.session.commit()
    assert db.session.query(ExportCache).one().content == fresh
