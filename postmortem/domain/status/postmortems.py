"""Published public post-mortems, linked from their incident on the status
page and shown on its public incident page.

Only a post-mortem that is `published` AND marked public, of a public
incident, ever appears: never a draft, one in review or approved, and never
for a private incident. The approved (frozen) document is what is shown."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.domain.postmortem.rendering import document_sections
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem


@dataclass(frozen=True)
class PublicPostmortem:
    title: str
    published_at: datetime | None
    sections: list[tuple[str, str]]  # (title, sanitised HTML)


def _published() -> sa.ColumnElement[bool]:
    return sa.and_(Postmortem.state == "published", Postmortem.is_public.is_(True))


def shown_publicly() -> sa.ColumnElement[bool]:
    """The rule above as a WHERE clause over Postmortem joined to Incident."""
    return sa.and_(_published(), Incident.is_public.is_(True))


def public_postmortem(incident: Incident) -> PublicPostmortem | None:
    """The incident's post-mortem when it is published and public, else None."""
    if not incident.is_public:
        return None
    found = db.session.scalar(sa.select(Postmortem).where(
        Postmortem.incident_id == incident.id, _published()))
    if found is None:
        return None
    return PublicPostmortem(
        f"{incident.title}", found.published_at,
        [(section.title, str(section.html)) for section in document_sections(found)])


def published_for(incident_ids: list[int]) -> set[int]:
    """Which of these (public) incidents have a published public post-mortem."""
    if not incident_ids:
        return set()
    return set(db.session.scalars(sa.select(Postmortem.incident_id).where(
        Postmortem.incident_id.in_(incident_ids), _published())))


def touches_public(session: so.Session, postmortem: Postmortem) -> bool:
    """Whether writing this post-mortem changes what the public sees: it is,
    or just stopped being, published and public (of a public incident)."""
    from postmortem.domain.status.state import had_value

    def was_or_is(name: str, value) -> bool:
        return (getattr(postmortem, name) == value
                or had_value(session, postmortem, name, value))

    if not (was_or_is("state", "published") and was_or_is("is_public", True)):
        return False
    incident = postmortem.incident or session.get(Incident, postmortem.incident_id)
    return incident is not None and incident.is_public
