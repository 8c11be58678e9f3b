"""Published public post-mortems, and only those, reach the status page."""

from datetime import timedelta

from postmortem.domain.postmortem import documents
from postmortem.domain.status import state
from postmortem.extensions import db
from postmortem.models.types import utcnow
from tests import factories


def _pm(incident, author, state_name, public):
    pm = documents.start(incident, author)
    pm.sections[0].body = "Root cause: **a config push**."
    db.session.commit()
    # The workflow (reviews, approvals) is issue 6's and tested there; here
    # only the outcome matters.
    pm.state, pm.is_public = state_name, public
    db.session.commit()
    return pm


def test_only_published_public_postmortems_show(client, admin):
    factories.component("API", slug="api")
    yesterday = utcnow().replace(microsecond=0) - timedelta(days=1)
    shown = factories.incident(admin, title="Shown outage", components=["api"],
                               status="resolved", started_at=yesterday,
                               detected_at=yesterday)
    _pm(shown, admin, "published", True)
    for title, state_name, public in (("Draft one", "draft", False),
                                      ("Approved one", "approved", False),
                                      ("Published private", "published", False)):
        other = factories.incident(admin, title=title, components=["api"],
                                   status="resolved")
        _pm(other, admin, state_name, public)
    hidden = factories.incident(admin, title="Private outage", is_public=False,
                                components=["api"], status="resolved")
    _pm(hidden, admin, "published", True)

    page = client.get(f"/status/incidents/{shown.id}").get_data(as_text=True)
    assert "Post-mortem:" in page and "a config push" in page
    index = client.get("/status").get_data(as_text=True)
    assert index.count("#postmortem") == 1
    for incident_id in range(shown.id + 1, hidden.id):
        page = client.get(f"/status/incidents/{incident_id}").get_data(as_text=True)
        assert "a config push" not in page and "Post-mortem:" not in page
    assert client.get(f"/status/incidents/{hidden.id}").status_code == 404


def test_publishing_moves_the_public_state(admin):
    factories.component("API", slug="api")
    incident = factories.incident(admin, components=["api"], status="resolved")
    pm = _pm(incident, admin, "approved", False)
    before = state.current(db.session)[0]
    pm.state = "published"
    db.session.commit()
    assert state.current(db.session)[0] == before  # published, not yet public
    pm.is_public = True
    db.session.commit()
    assert state.current(db.session)[0] == before + 1
    pm.is_public = False
    db.session.commit()
    assert state.current(db.session)[0] == before + 2
