"""Does the public status page stand up to an outage-sized spike?

Seeds a scratch database (20 components, 200 past incidents over 90 days, 1
active incident with 15 updates, a maintenance window), serves the app with
gunicorn (2 workers) on loopback, and measures with wrk the requests/second of
`/status`, `/api/v2/summary.json` and `/status/banner.json` against a static
file served by the same gunicorn in the same run (target: each >= 1.0x), then
the same three with conditional requests (If-None-Match: 304s).

    .venv/bin/python bench/bench_status.py [--database-url URL] [--duration S]

SQLite in a temporary folder by default; pass a PostgreSQL URL to measure it
there (the database is emptied first). Needs `wrk` (`make bench-status`
installs the Debian package when run as root).
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from postmortem import create_app  # noqa: E402
from postmortem.config import sqlalchemy_url  # noqa: E402
from postmortem.diagnostics import rebuild_schema  # noqa: E402
from postmortem.domain import accounts, components, incidents, updates  # noqa: E402
from postmortem.domain.status import maintenance  # noqa: E402
from postmortem.extensions import db  # noqa: E402
from postmortem.models.types import utcnow  # noqa: E402

GROUPS = ("Web", "Apps", "Developer platform", "Infrastructure")
STATUSES = ("degraded_performance", "partial_outage", "major_outage")
TARGETS = ("/status", "/api/v2/summary.json", "/status/banner.json")
STATIC = "/static/status/status.css"


def database(url: str, folder: Path) -> str:
    return sqlalchemy_url(url) or f"sqlite:///{folder / 'bench.db'}"


def seed(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        rebuild_schema()
        user = accounts.create_user({"email": "bench@example.com", "role": "admin",
                                     "password": "bench-password-1"})
        slugs = []
        for n in range(20):
            slugs.append(f"component-{n}")
            components.create_component({
                "name": f"Component {n}", "slug": slugs[-1],
                "group": GROUPS[n % 4], "position": n,
                "description": f"Part {n} of the service"}, user)
        now = utcnow().replace(microsecond=0)
        for n in range(200):
            start = now - timedelta(days=89) + timedelta(hours=10.7 * n)
            slug = slugs[n % 20]
            incident = incidents.declare({
                "title": f"Past incident {n}", "severity": "SEV3",
                "impact": ("minor", "major", "critical")[n % 3],
                "started_at": start, "detected_at": start,
                "components": [{"slug": slug, "status": STATUSES[n % 3]}]}, user)
            updates.post(incident, {"status": "identified", "message": "Found it.",
                                    "posted_at": start + timedelta(minutes=20)}, user)
            updates.post(incident, {"status": "resolved", "message": "Fixed.",
                                    "posted_at": start + timedelta(minutes=70),
                                    "component_statuses": {slug: "operational"}},
                         user)
        start = now - timedelta(hours=3)
        active = incidents.declare({
            "title": "Assistant unavailable for many users", "severity": "SEV1",
            "impact": "critical", "started_at": start, "detected_at": start,
            "components": [{"slug": s, "status": "major_outage"}
                           for s in slugs[:4]]}, user)
        for n in range(15):
            updates.post(active, {
                "status": ("investigating", "identified", "monitoring")[min(n // 5, 2)],
                "message": f"Update {n}: **restored** for more users; we keep "
                           f"working on it.", "posted_at": start + timedelta(
                               minutes=10 * (n + 1))}, user)
        maintenance.schedule({"title": "Database upgrade", "components": slugs[5:7],
                              "scheduled_for": now + timedelta(days=2),
                              "scheduled_until": now + timedelta(days=2, hours=2)},
                             user)
        db.session.commit()


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": url, "SESSION_COOKIE_SECURE": "false",
                        "SECRET_KEY": "bench",
                        "STATUS_PAGE_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
        cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 (loopback)
                    f"http://127.0.0.1:{port}/status", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def etag(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:  # noqa: S310
        return r.headers["ETag"]


def wrk(port: int, path: str, seconds: int, connections: int,
        headers: dict | None = None) -> tuple[float, int]:
    """(requests per second, non-2xx/3xx responses)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603
        command + [f"http://127.0.0.1:{port}{path}"], capture_output=True,
        text=True, check=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--duration", type=int, default=5,
                        help="seconds of wrk per figure (bounded: 1-60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 11))
    parser.add_argument("--port", type=int, default=5171)
    args = parser.parse_args()
    seconds = max(1, min(args.duration, 60))
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-status)")
    with tempfile.TemporaryDirectory() as folder:
        url = database(args.database_url, Path(folder))
        print(f"seeding {url.split(':', 1)[0]}: 20 components, 200 past incidents, "
              "1 active incident with 15 updates")
        seed(url)
        server = start_gunicorn(url, args.port)
        try:
            return report(args.port, seconds, args.connections,
                          url.split("+")[0].split(":")[0], args.rounds)
        finally:
            stop(server)


def report(port: int, seconds: int, connections: int, backend: str,
           rounds: int) -> int:
    """Rounds alternate the static file and the three pages, so a neighbour's
    load on this shared machine hits both sides of each ratio alike; figures
    are medians over the rounds."""
    print(f"database: {backend}; gunicorn 2 workers; wrk -t2 -c{connections} "
          f"-d{seconds}s on loopback; {rounds} interleaved rounds, medians")
    tags = {path: etag(port, path) for path in TARGETS}
    runs = [("static", STATIC, None)] + [("full", p, None) for p in TARGETS] + [
        ("304", p, {"If-None-Match": tags[p]}) for p in TARGETS]
    rates: dict[tuple[str, str], list[float]] = {}
    errors: dict[tuple[str, str], int] = {}
    for _round in range(rounds):
        for kind, path, headers in runs:
            rate, failed = wrk(port, path, seconds, connections, headers)
            rates.setdefault((kind, path), []).append(rate)
            errors[(kind, path)] = errors.get((kind, path), 0) + failed
    static = rates[("static", STATIC)]
    print(f"  {'baseline: static file ' + STATIC:<52} "
          f"{statistics.median(static):9.0f} req/s")
    ok = True
    for kind, path, _headers in runs[1:]:
        got = rates[(kind, path)]
        ratio = statistics.median(g / s for g, s in zip(got, static, strict=True))
        label = path if kind == "full" else path + " (304, If-None-Match)"
        failed = errors[(kind, path)]
        if kind == "full":
            ok &= ratio >= 1.0 and failed == 0
        target = " (target >= 1.0x)" if kind == "full" else ""
        print(f"  {label:<52} {statistics.median(got):9.0f} req/s  "
              f"{ratio:5.2f}x static{target}"
              f"{'  NON-2XX/3XX: ' + str(failed) if failed else ''}")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
