"""A `Document` from the stored incident and its post-mortem."""

from typing import Any

import sqlalchemy as sa

from postmortem.domain import charts, component_history
from postmortem.domain.exports import document as doc
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    ImpactSample,
    Incident,
    Postmortem,
    PostmortemReview,
    PostmortemRevision,
    StatusUpdate,
    TimelineEvent,
)


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def incident_part(incident: Incident) -> doc.Incident:
    worst = {w.component.id: w for w in component_history.worst_impact(incident)}
    components = []
    for row in incident.affected:
        w = worst.get(row.component.id)
        components.append(doc.ComponentImpact(
            slug=row.component.slug, name=row.component.name, status=row.status,
            started_at=row.started_at, ended_at=row.ended_at,
            worst_status=w.status if w else None, worst_start=w.start if w else None,
            worst_end=w.end if w else None))
    return doc.Incident(
        id=incident.id, title=incident.title, summary=incident.summary or "",
        summary_html=incident.summary_html or "", severity=incident.severity,
        impact=incident.impact, status=incident.status,
        started_at=incident.started_at, detected_at=incident.detected_at,
        acknowledged_at=incident.acknowledged_at,
        mitigated_at=incident.mitigated_at, resolved_at=incident.resolved_at,
        detection_source=incident.detection_source, is_public=incident.is_public,
        commander=incident.commander.email if incident.commander else None,
        components=tuple(components), regions=tuple(incident.regions),
        platforms=tuple(incident.platforms),
        customer_tiers=tuple(incident.customer_tiers), tags=tuple(incident.tags),
        users_affected=incident.users_affected,
        # As the database returns it, even when just assigned an int in this
        # session: the digest of an approved document must not depend on it.
        percent_users_affected=_float(incident.percent_users_affected),
        peak_user_reports=incident.peak_user_reports, version=incident.version)


def _rows(model, incident: Incident, *order) -> list:
    return list(db.session.scalars(
        sa.select(model).where(model.incident_id == incident.id).order_by(*order)))


def record(incident: Incident) -> dict[str, Any]:
    """The incident's record as Document fields: oldest first throughout."""
    updates = _rows(StatusUpdate, incident, StatusUpdate.posted_at, StatusUpdate.id)
    events = _rows(TimelineEvent, incident, TimelineEvent.occurred_at,
                   TimelineEvent.id)
    items = _rows(ActionItem, incident, ActionItem.id)
    samples = _rows(ImpactSample, incident, ImpactSample.metric, ImpactSample.at)
    return {
        "incident": incident_part(incident),
        "updates": tuple(doc.Update(
            status=u.status, message=u.message, message_html=u.message_html,
            posted_at=u.posted_at, author=_name(u.author),
            component_changes=tuple(doc.ComponentChange(
                slug=c.component.slug, name=c.component.name,
                old_status=c.old_status, new_status=c.new_status)
                for c in u.component_changes)) for u in updates),
        "events": tuple(doc.Event(
            occurred_at=e.occurred_at, kind=e.kind, text=e.text,
            text_html=e.text_html, key=e.key, author=_name(e.author))
            for e in events),
        "action_items": tuple(doc.ActionItem(
            title=a.title, description=a.description or "", owner=a.owner or "",
            kind=a.kind, priority=a.priority, status=a.status,
            due_date=a.due_date, tracker_url=a.tracker_url,
            completed_at=a.completed_at) for a in items),
        "samples": tuple(doc.Sample(at=s.at, metric=s.metric, value=float(s.value))
                         for s in samples),
        "chart_svg": str(charts.impact_chart(samples, incident)),
    }


def _people(pm: Postmortem) -> dict[str, tuple[str, ...]]:
    """Authors (who started it, then whoever saved a revision), reviewers
    and approvers, each once, in order of appearance."""
    savers = db.session.scalars(
        sa.select(PostmortemRevision).where(PostmortemRevision.postmortem_id == pm.id)
        .order_by(PostmortemRevision.number))
    authors = [pm.author] + [r.author for r in savers]
    approvals = db.session.scalars(
        sa.select(PostmortemReview).where(PostmortemReview.postmortem_id == pm.id,
                                          PostmortemReview.decision == "approve")
        .order_by(PostmortemReview.created_at, PostmortemReview.id))
    approvers = [pm.approved_by] + [r.reviewer for r in approvals]

    def names(users) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u.display_name for u in users if u is not None))

    return {"authors": names(authors), "approvers": names(approvers),
            "reviewers": names(r.user for r in pm.reviewers)}


def build(pm: Postmortem) -> doc.Document:
    """The document of post-mortem `pm` with its incident's record."""
    from postmortem.domain.postmortem.rendering import document_sections

    bodies = {s.key: s.body for s in pm.sections}
    sections = tuple(doc.Section(key=key, title=title, body=bodies.get(key, ""),
                                 html=str(html))
                     for key, title, html in document_sections(pm))
    return doc.Document(
        **record(pm.incident), **_people(pm), sections=sections,
        postmortem_id=pm.id, state=pm.state, version=pm.version,
        is_public=pm.is_public, created_at=pm.created_at, updated_at=pm.updated_at,
        approved_at=pm.approved_at, published_at=pm.published_at,
        pdf_sha256=pm.pdf_sha256)
