"""Does the cost of a page grow with the size of an incident or the history?

Seeds a scratch database and prints, from one run:
- SQL query count and median time of the incident page (rendered after a
  change, and kept from an earlier view) and its API GET, for an incident with
  10 timeline entries and one with 2,000 entries and 200 updates;
- median time of the incidents list page with 100 and with 10,000 incidents;
- the ratios, against the targets (same query count; page time at most 5x;
  list time at most 1.5x).

    .venv/bin/python bench/bench_incidents.py [--database-url URL] [--runs N]

SQLite in a temporary folder by default; pass a PostgreSQL URL to measure it
there (the database is emptied first).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from postmortem import create_app  # noqa: E402
from postmortem.config import sqlalchemy_url  # noqa: E402
from postmortem.diagnostics import counting_queries, rebuild_schema  # noqa: E402
from postmortem.domain import (  # noqa: E402
    accounts,
    incidents,
    page_state,
    rendering,
    updates,
)
from postmortem.extensions import db  # noqa: E402
from postmortem.models import Incident, StatusUpdate, TimelineEvent  # noqa: E402

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway bench user)


def make_app(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "bench"})
    with app.app_context():
        rebuild_schema()
    return app


def seed_incident(user, events: int, update_count: int) -> Incident:
    """An incident with `events` timeline events and `update_count` updates,
    written in bulk (seeding speed is not what is measured)."""
    incident = incidents.declare({
        "title": f"Bench incident {events}+{update_count}", "severity": "SEV1",
        "impact": "critical", "started_at": T0, "detected_at": T0,
        "regions": ["eu-west", "us-east"], "tags": ["bench"]}, user)
    for n in range(update_count - 1):
        status = ("investigating", "identified", "monitoring")[n % 3]
        db.session.add(StatusUpdate(
            incident_id=incident.id, status=status, message=f"Update {n}",
            message_html=rendering.render_markdown(f"Update **{n}**"),
            posted_at=T0 + timedelta(minutes=n + 1), author_id=user.id))
    db.session.add_all(
        TimelineEvent(incident_id=incident.id, kind="note", text=f"Event {n}",
                      text_html=f"<p>Event {n}</p>", key=n % 10 == 0,
                      occurred_at=T0 + timedelta(seconds=30 * n), author_id=user.id)
        for n in range(events)
    )
    db.session.flush()
    # The last update goes through the domain so milestones are real.
    updates.post(incident, {"status": "resolved", "message": "Resolved.",
                            "posted_at": T0 + timedelta(hours=20)}, user)
    db.session.commit()
    return incident


def seed_history(count: int, start: int) -> None:
    rows = [{
        "title": f"History incident {n}", "summary": "Older incident",
        "severity": ("SEV1", "SEV2", "SEV3", "SEV4")[n % 4],
        "impact": ("none", "minor", "major", "critical")[n % 4],
        "status": "resolved", "is_public": True, "version": 1,
        "started_at": T0 - timedelta(hours=n + 1),
        "detected_at": T0 - timedelta(hours=n + 1) + timedelta(minutes=5),
        "resolved_at": T0 - timedelta(hours=n),
        "created_at": T0, "updated_at": T0,
    } for n in range(start, start + count)]
    db.session.execute(sa.insert(Incident), rows)
    db.session.commit()


def measure(client, path: str, runs: int, headers=None,
            before=lambda: None) -> tuple[int, float]:
    """(queries of one request, median seconds over `runs` requests); `before`
    runs, untimed, ahead of each request."""
    before()
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    before()
    with counting_queries() as counter:
        client.get(path, headers=headers)
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
    return counter["n"], statistics.median(times)


def changed(incident_id: int):
    """What a write to the incident does to its kept page: the next view
    renders it afresh."""
    def change() -> None:
        page_state.bump(db.session.connection(),
                        [page_state.incident_scope(incident_id)])
        db.session.commit()
    return change


def line(label: str, queries: int | None, seconds: float) -> None:
    q = "" if queries is None else f"{queries:>4} queries"
    print(f"  {label:<62} {q:>12}  {seconds * 1000:8.1f} ms median")


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pm-bench-")
    url = sqlalchemy_url(args.database_url) or f"sqlite:///{folder}/bench.db"
    app = make_app(url)
    print(f"database: {sa.engine.make_url(url).get_backend_name()}, "
          f"{args.runs} runs per figure")
    with app.app_context():
        user = accounts.create_user({"email": "bench@example.com", "role": "admin",
                                     "password": PASSWORD})
        _token, plain = accounts.create_token(user, "bench")
        db.session.commit()
        small = seed_incident(user, events=7, update_count=3)
        big = seed_incident(user, events=1800, update_count=200)
        small_id, big_id = small.id, big.id
        seed_history(98, 0)

    client = app.test_client()
    client.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {plain}"}

    with app.app_context():
        # The floor: what the same app and client cost for a static file.
        _q, floor = measure(client, "/static/app.css", args.runs)
        line("baseline: /static/app.css from the same app", None, floor)
        print("incident page and API GET (10 vs 2,000 timeline entries):")
        figures = {}
        for name, incident_id in (("small", small_id), ("big", big_id)):
            figures[f"page-{name}"] = measure(client, f"/incidents/{incident_id}",
                                              args.runs, before=changed(incident_id))
            figures[f"kept-{name}"] = measure(client, f"/incidents/{incident_id}",
                                              args.runs)
            figures[f"api-{name}"] = measure(
                client, f"/api/v1/incidents/{incident_id}", args.runs, bearer)
        pages = (("page", "/incidents/<id> after a change"),
                 ("kept", "/incidents/<id> kept"),
                 ("api", "/api/v1/incidents/<id>"))
        for kind, label in pages:
            (qs, ts), (qb, tb) = figures[f"{kind}-small"], figures[f"{kind}-big"]
            line(f"{label}, 10 entries", qs, ts)
            line(f"{label}, 2,000 entries + 200 updates", qb, tb)
            print(f"    query count {qs} vs {qb}: {verdict(qs == qb)}; "
                  f"time ratio {tb / ts:.2f}x (target <= 5x): {verdict(tb / ts <= 5)}")

        print("incidents list page (100 vs 10,000 incidents):")
        q100, t100 = measure(client, "/incidents", args.runs)
        seed_history(9_900, 98)
        q10k, t10k = measure(client, "/incidents", args.runs)
        line("/incidents with 100 incidents", q100, t100)
        line("/incidents with 10,000 incidents", q10k, t10k)
        ratio = t10k / t100
        print(f"    query count {q100} vs {q10k}: {verdict(q100 == q10k)}; "
              f"time ratio {ratio:.2f}x (target <= 1.5x): {verdict(ratio <= 1.5)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
