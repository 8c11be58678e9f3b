"""A synthetic history of incidents for benchmarks, demos at scale and checks.

Years of incidents with plausible proportions: mostly short SEV3/SEV4 blips,
a few long SEV1 outages, a handful still open; each with status updates,
timeline events, labels, affected components (with the component changes
its updates carry), some impact samples and action items. Texts are built
from real words, so search is measured on text like ours: some words are in
almost every incident ("users"), some in very few ("kerberos"), and some
phrases recur ("connection pool").

The same seed writes the same history (times are fixed, not "now"). Rows go
in with bulk INSERTs, a batch per transaction, and the search index and
list facets are built for each batch by `search.index.rebuild`.
"""

import html
import math
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from postmortem.domain import page_state
from postmortem.domain.errors import Conflict
from postmortem.domain.search import index as search_index
from postmortem.extensions import db
from postmortem.models import (
    ActionItem,
    AffectedComponent,
    Component,
    ComponentChange,
    ImpactSample,
    Incident,
    IncidentLabel,
    StatusUpdate,
    TimelineEvent,
    User,
)

END = datetime(2026, 11, 1, tzinfo=UTC)
YEARS = 5
BATCH = 2_000
TAG = "synthetic"

COMPONENTS = (
    ("website", "Website", "Web"), ("api", "API", "Platform"),
    ("ios-app", "iOS app", "Apps"), ("android-app", "Android app", "Apps"),
    ("login", "Login", "Platform"), ("payments", "Payments", "Platform"),
    ("search", "Search", "Web"), ("file-uploads", "File uploads", "Platform"),
    ("notifications", "Notifications", "Platform"), ("voice", "Voice mode", "Apps"),
    ("admin-console", "Admin console", "Web"), ("webhooks", "Webhooks", "Platform"),
)
REGIONS = ("us-east", "us-west", "eu-west", "eu-central", "ap-south", "ap-northeast",
           "sa-east")
PLATFORMS = ("web", "ios", "android", "api", "desktop")
TIERS = ("free", "plus", "team", "enterprise")
TAGS = ("database", "deploy", "config", "capacity", "network", "dns", "cdn",
        "third-party", "certificate", "storage", "cache", "queue", "auth",
        "rate-limiting", "memory", "disk", "kubernetes", "rollback", "latency",
        "data-loss-risk", "security", "billing", "migration", "feature-flag")
SYMPTOMS = ("elevated error rates", "increased latency", "failed logins",
            "timeouts", "degraded performance", "a partial outage", "a full outage",
            "failed payments", "missing notifications", "slow page loads",
            "intermittent errors", "stale data", "failed uploads")
THINGS = ("load balancer fleet", "primary database", "read replicas",
          "DNS resolvers", "CDN edge", "message queue", "cache cluster",
          "auth service", "object storage", "inference cluster", "API gateway",
          "session store", "search index", "billing service", "feature flag service")
CAUSES = (
    "a configuration push to the {thing} that removed a required setting",
    "the connection pool of the {thing} being exhausted under peak traffic",
    "an expired TLS certificate on the {thing}",
    "a deploy of the {thing} with a memory leak",
    "a thundering herd of retries after a brief network partition",
    "disk pressure on the {thing} after a log rotation failure",
    "a schema migration that locked a hot table on the {thing}",
    "an upstream provider outage affecting the {thing}",
    "a runaway batch job saturating the {thing}",
    "a bad feature flag rollout that sent all traffic to the {thing}",
    "a failover of the {thing} that did not complete",
    "rate limits on the {thing} set too low after a traffic shift",
)
# Each in about 3% of incidents: what a "rare word" search finds. Rare, yet
# a full page of results at 1,000 incidents as at 100,000, so that the scale
# bench compares a page with a page.
RARE = ("kerberos ticket lifetime misconfigured", "leap second handling bug",
        "BGP route leak from a transit provider", "clock skew on the NTP fleet")
MITIGATIONS = ("rolled back the change", "failed over to the standby",
               "scaled out the {thing}", "restarted the affected pods",
               "raised the limits on the {thing}", "renewed the certificate",
               "drained the bad hosts", "disabled the feature flag")
EVENT_TEXTS = {
    "detection": ("Monitoring alert: {symptom} on {component}.",
                  "Outage trackers show a spike of user reports about {component}."),
    "alert": ("Pager alert fired for the {thing}: error budget burn above threshold.",
              "Synthetic checks for {component} failing from {region}."),
    "escalation": ("Escalated to the {thing} on-call team.",
                   "Incident commander paged; SEV raised after customer reports."),
    "communication": ("Posted the first status update and the in-product banner.",
                      "Support briefed with the customer-facing wording."),
    "action": ("Engineers {mitigation}.", "Paused deploys to the {thing}."),
    "mitigation": ("Error rates falling after we {mitigation}.",
                   "Traffic shifted away from {region}."),
    "recovery": ("Service restored for an increasing percentage of users.",
                 "Latency back to normal on {component}."),
    "note": ("Suspect {cause}.", "Customers on the {tier} plan most affected."),
}
ACTION_TITLES = ("Alert on {thing} saturation before users notice",
                 "Add a canary stage for {thing} configuration",
                 "Document the failover runbook for the {thing}",
                 "Load test the {thing} at twice peak traffic",
                 "Automate certificate renewal for the {thing}")


@dataclass
class Batch:
    """Rows of one batch, per table, ready for executemany."""

    rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, **values: Any) -> None:
        self.rows.setdefault(model, []).append(values)


@dataclass
class Ids:
    """Next free id per table: explicit ids let children name their parents
    without reading anything back."""

    next: dict[Any, int]

    def take(self, model: Any) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def _html(text: str) -> str:
    # Generated texts hold no Markdown, so this is what render_markdown gives.
    return f"<p>{html.escape(text)}</p>"


class Generator:
    def __init__(self, seed: int, total: int, components: list[int],
                 users: list[int]):
        self.rng = random.Random(seed)  # noqa: S311 (reproducible, not secret)
        self.total = total
        self.components = components
        self.users = users
        span = timedelta(days=365 * YEARS).total_seconds()
        starts = sorted(self.rng.random() * span for _ in range(total))
        self.starts = [END - timedelta(seconds=span - s) for s in starts]

    def words(self) -> dict[str, str]:
        r = self.rng
        return {"thing": r.choice(THINGS), "region": r.choice(REGIONS),
                "component": r.choice(COMPONENTS)[1], "symptom": r.choice(SYMPTOMS),
                "tier": r.choice(TIERS), "mitigation": r.choice(MITIGATIONS)}

    def text(self, template: str, words: dict[str, str]) -> str:
        filled = template.format(**words)
        return filled.format(**words)  # templates may name {thing} twice deep

    def incident(self, batch: Batch, ids: Ids, number: int) -> None:
        r = self.rng
        incident_id = ids.take(Incident)
        started = self.starts[number]
        w = self.words()
        w["cause"] = self.text(r.choice(CAUSES), w)
        # Spread evenly rather than drawn, so that a small history holds its
        # share too: each rare cause in one incident of 32.
        if number % 8 == 3:
            w["cause"] = RARE[number // 8 % len(RARE)]
        severity = r.choices(("SEV1", "SEV2", "SEV3", "SEV4"), (3, 12, 45, 40))[0]
        impact = {"SEV1": "critical", "SEV2": "major", "SEV3": "minor",
                  "SEV4": r.choice(("minor", "none"))}[severity]
        # The newest few are still open, as on any real day.
        open_now = number >= self.total - max(1, self.total // 500)
        status = r.choice(("investigating", "identified", "monitoring")) \
            if open_now else "resolved"
        minutes = min(60 * 24 * 3, r.lognormvariate(4.0, 0.9))
        detected = started + timedelta(minutes=r.uniform(0.5, 15))
        acknowledged = detected + timedelta(minutes=r.uniform(1, 10))
        resolved = started + timedelta(minutes=max(minutes, 30))
        mitigated = acknowledged + (resolved - acknowledged) * r.uniform(0.3, 0.9)
        if open_now:
            mitigated = mitigated if status == "monitoring" else None
            resolved = None
        percent = round(r.uniform(0.5, 60 if severity in ("SEV1", "SEV2") else 10), 1)
        title = self.text("{component} {symptom}", w)
        if r.random() < 0.5:
            title += f" in {w['region']}"
        summary = (f"Between {started:%H:%M} and "
                   f"{(resolved or END):%H:%M} UTC about {percent}% of users saw "
                   f"{w['symptom']} on the {w['component']}. The cause was "
                   f"{w['cause']}. We {w['mitigation'].format(**w)} and "
                   "added follow-up work to prevent a repeat.")
        private = r.random() < 0.04
        commander = r.choice(self.users) if self.users else None
        batch.add(Incident, id=incident_id, title=title[:200], summary=summary,
                  summary_html=_html(summary), severity=severity, impact=impact,
                  status=status, detection_source=r.choice(
                      ("monitoring", "monitoring", "user_reports", "internal",
                       "outage_tracker", "customer_support")),
                  is_public=not private, commander_id=commander, started_at=started,
                  detected_at=detected, acknowledged_at=acknowledged,
                  mitigated_at=mitigated, resolved_at=resolved,
                  users_affected=int(percent * r.randint(1_000, 50_000)),
                  percent_users_affected=percent,
                  peak_user_reports=r.randint(0, 5_000), created_at=detected,
                  updated_at=resolved or detected, version=1)
        affected = self.labels_and_scope(batch, ids, incident_id, started, resolved)
        self.updates(batch, ids, incident_id, w, status,
                     (acknowledged, mitigated, resolved), affected, commander)
        self.events(batch, ids, incident_id, w, started, resolved or END, commander)
        self.follow_up(batch, ids, incident_id, w, started, severity, resolved)

    def labels_and_scope(self, batch: Batch, ids: Ids, incident_id: int,
                         started: datetime, resolved: datetime | None
                         ) -> list[tuple[int, str]]:
        r = self.rng
        chosen = {("region", v) for v in r.sample(REGIONS, r.choice((1, 1, 2, 3)))}
        chosen |= {("platform", v) for v in r.sample(PLATFORMS, r.randint(0, 2))}
        chosen |= {("customer_tier", v) for v in r.sample(TIERS, r.randint(0, 2))}
        tags = r.sample(TAGS, r.choice((1, 1, 2, 3)))
        chosen |= {("tag", v) for v in (*tags, TAG)}
        for kind, value in sorted(chosen):
            batch.add(IncidentLabel, id=ids.take(IncidentLabel),
                      incident_id=incident_id, kind=kind, value=value)
        affected = []
        for component_id in r.sample(self.components, r.choice((1, 1, 2, 3))):
            status = r.choice(("degraded_performance", "partial_outage",
                               "partial_outage", "major_outage"))
            batch.add(AffectedComponent, id=ids.take(AffectedComponent),
                      incident_id=incident_id, component_id=component_id,
                      status="operational" if resolved else status,
                      started_at=started, ended_at=resolved)
            affected.append((component_id, status))
        return affected

    def updates(self, batch: Batch, ids: Ids, incident_id: int, w: dict[str, str],
                status: str, times: tuple, affected: list[tuple[int, str]],
                author: int | None) -> None:
        acknowledged, mitigated, resolved = times
        steps = [("investigating", acknowledged,
                  f"We are investigating reports of {w['symptom']} on the "
                  f"{w['component']}. Some users may be unable to use it.")]
        if self.rng.random() < 0.7:
            steps.append(("identified", acknowledged + (
                (mitigated or acknowledged + timedelta(minutes=20)) - acknowledged) / 2,
                f"We have identified the cause: {w['cause']}. A fix is rolling out."))
        if mitigated:
            steps.append(("monitoring", mitigated,
                          "A fix has been implemented and we are monitoring the "
                          "results. Service is restored for most users."))
        if resolved:
            steps.append(("resolved", resolved,
                          "This incident has been resolved. We will publish a "
                          "post-mortem in the coming days."))
        if status != "resolved":
            order = ("investigating", "identified", "monitoring")
            steps = [s for s in steps if order.index(s[0]) <= order.index(status)
                     ] if status in order else steps
        for position, (kind, posted, message) in enumerate(steps):
            update_id = ids.take(StatusUpdate)
            batch.add(StatusUpdate, id=update_id, incident_id=incident_id,
                      status=kind, message=message, message_html=_html(message),
                      posted_at=posted, author_id=author, created_at=posted,
                      updated_at=posted)
            if position == 0 or kind == "resolved":
                for component_id, hit in affected:
                    batch.add(ComponentChange, id=ids.take(ComponentChange),
                              status_update_id=update_id, component_id=component_id,
                              old_status="operational" if position == 0 else hit,
                              new_status=hit if position == 0 else "operational")

    def events(self, batch: Batch, ids: Ids, incident_id: int, w: dict[str, str],
               started: datetime, ended: datetime, author: int | None) -> None:
        r = self.rng
        kinds = ["detection", *r.sample(list(EVENT_TEXTS)[1:], r.randint(1, 5))]
        span = max(60.0, (ended - started).total_seconds())
        moments = sorted(r.uniform(0, span) for _ in kinds)
        for kind, offset in zip(kinds, moments, strict=True):
            text = self.text(r.choice(EVENT_TEXTS[kind]), w)
            batch.add(TimelineEvent, id=ids.take(TimelineEvent),
                      incident_id=incident_id,
                      occurred_at=started + timedelta(seconds=offset), kind=kind,
                      text=text, text_html=_html(text), key=r.random() < 0.3,
                      author_id=author, created_at=started + timedelta(seconds=offset))

    def follow_up(self, batch: Batch, ids: Ids, incident_id: int, w: dict[str, str],
                  started: datetime, severity: str, resolved: datetime | None) -> None:
        r = self.rng
        if severity in ("SEV1", "SEV2") or r.random() < 0.1:
            # The spike of user reports and the gradual recovery, every 5 minutes.
            peak = r.randint(200, 20_000)
            for step in range(12):
                batch.add(ImpactSample, id=ids.take(ImpactSample),
                          incident_id=incident_id, metric="user_reports",
                          at=started + timedelta(minutes=5 * step),
                          value=float(int(peak * math.exp(-((step - 3) ** 2) / 6))))
        for _ in range(r.choice((0, 0, 1, 2, 3)) if resolved else 0):
            due = (resolved + timedelta(days=r.randint(7, 60))).date()
            done = r.random() < 0.6
            batch.add(ActionItem, id=ids.take(ActionItem), incident_id=incident_id,
                      title=self.text(r.choice(ACTION_TITLES), w),
                      description=f"Follow-up to {w['cause']}.",
                      owner=f"team-{r.choice(TAGS)}", kind=r.choice(
                          ("prevent", "mitigate", "detect", "process")),
                      priority=r.choice(("P1", "P2", "P3")),
                      status="done" if done else r.choice(("open", "in_progress")),
                      due_date=due, completed_at=resolved + timedelta(days=3)
                      if done else None, created_at=resolved, updated_at=resolved,
                      version=1)


TABLE_ORDER = (Incident, IncidentLabel, AffectedComponent, StatusUpdate,
               ComponentChange, TimelineEvent, ImpactSample, ActionItem)


def _next_ids() -> Ids:
    return Ids({model: (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1
                for model in TABLE_ORDER})


def _components() -> list[int]:
    have = {slug for (slug,) in db.session.execute(sa.select(Component.slug))}
    rows = [{"name": name, "slug": slug, "group": group, "position": n,
             "description": f"The {name}."}
            for n, (slug, name, group) in enumerate(COMPONENTS) if slug not in have]
    if rows:
        db.session.execute(sa.insert(Component), rows)
        # Bulk inserts pass the page hook by: open incident pages offer these.
        page_state.bump(db.session.connection(), [page_state.CATALOG])
    wanted = [slug for slug, _name, _group in COMPONENTS]
    return list(db.session.scalars(
        sa.select(Component.id).where(Component.slug.in_(wanted))
        .order_by(Component.id)))


def _users(count: int = 12) -> list[int]:
    emails = [f"responder{n}@history.example" for n in range(1, count + 1)]
    have = set(db.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    missing = [e for e in emails if e not in have]
    if missing:
        # Nobody signs in as these; a random password nobody knows.
        unusable = generate_password_hash(secrets.token_urlsafe(24))
        db.session.execute(sa.insert(User), [
            {"email": e, "name": e.split("@")[0].capitalize(), "role": "responder",
             "password_hash": unusable, "active": True} for e in missing])
        page_state.bump(db.session.connection(), [page_state.CATALOG])
    return list(db.session.scalars(
        sa.select(User.id).where(User.email.in_(emails)).order_by(User.id)))


def _reset_sequences() -> None:
    """PostgreSQL: explicit ids leave the sequences behind; catch them up."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (*TABLE_ORDER, Component, User):
        table = model.__tablename__
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))"))


def seed(incidents: int, seed: int = 1, force: bool = False,
         progress: Callable[[int], None] | None = None) -> int:
    """Write `incidents` synthetic incidents; returns how many were written.

    Refuses a database that already holds incidents unless `force`: a
    synthetic history mixed into a real one cannot be told apart in counts.
    """
    existing = db.session.scalar(sa.select(sa.func.count(Incident.id))) or 0
    if existing and not force:
        raise Conflict(f"This database already holds {existing} incidents; "
                       "seed-history writes into an empty one (--force to add "
                       "to it anyway).")
    generator = Generator(seed, incidents, _components(), _users())
    ids = _next_ids()
    done = 0
    while done < incidents:
        size = min(BATCH, incidents - done)
        batch = Batch()
        first = ids.next[Incident]
        for number in range(done, done + size):
            generator.incident(batch, ids, number)
        connection = db.session.connection()
        for model in TABLE_ORDER:
            if rows := batch.rows.get(model):
                connection.execute(sa.insert(model.__table__), rows)
        search_index.rebuild(connection, list(range(first, ids.next[Incident])))
        db.session.commit()
        done += size
        if progress:
            progress(size)
    _reset_sequences()
    _tidy()
    return done


def _tidy() -> None:
    """Fresh statistics for the planner, and (SQLite) the full-text index
    merged into one segment as a long-lived index ends up."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text(
            "INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return
    db.session.commit()
    # VACUUM cannot run in a transaction; it also lets counts read indexes only.
    with db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
