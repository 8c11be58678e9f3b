"""Do lists, search and pages cost the same at 100,000 incidents as at 1,000?

For each database and each history size, this seeds a scratch database with
`flask seed-history` (and the demo incident), serves every size at once, each
with its own gunicorn (2 workers) on 127.0.0.1, signs in as a responder over
HTTP, and prints the median and p95 time per request of the list, searches,
filters, the API list and its 50th page reached by following `next`, and the
incident page, asking the sizes in turn so machine load weighs on all; then
the ratio largest / smallest history per request (target <= 1.5x), the
incident page's rate against a static file from the same gunicorn (target
>= 0.1x) and the seeding time (target: 100k in < 5 min on SQLite). It ends
with the EXPLAIN plans of the list and search queries on the largest history.

    .venv/bin/python bench/bench_scale.py [--sizes 1000 100000]
        [--database-url sqlite] [--database-url postgresql://user@host/db]
        [--runs 15] [--port 5210]

`sqlite` (the default) is a file in a temporary folder. A PostgreSQL
database is EMPTIED (every table dropped) before each size: give a scratch one.
The machine this runs on is usually shared and noisy: absolute figures move
from run to run, the ratios are the claim.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from postmortem.config import sqlalchemy_url  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway bench user)
EMAIL = "bench-reader@example.com"

REQUESTS = [
    ("list, first page", "/incidents"),
    ("search, common word", "/incidents?" + urlencode({"q": "users"})),
    ("search, rare word", "/incidents?" + urlencode({"q": "kerberos"})),
    ("search, phrase", "/incidents?" + urlencode({"q": '"connection pool"'})),
    ("filter status", "/incidents?status=resolved"),
    ("filter component", "/incidents?component=api"),
    ("filter tag", "/incidents?tag=dns"),
    ("API list", "/api/v1/incidents"),
    ("API list, 10 a page", "/api/v1/incidents?per_page=10"),
    ("API list, 50th page by next", None),
    ("incident page (demo)", None),
]
PLANS = [{}, {"status": "resolved"}, {"component": "api"}, {"tag": "dns"},
         {"q": "users"}, {"q": "kerberos"}, {"q": '"connection pool"'}]


MAIN_QUERY = re.compile(r"count\(\*\)|FROM (search_fts|search_document|"
                        r"incident_facet|incident)\s(?!.*IN \(__\[POSTCOMPILE)", re.S)


def database_url(url: str, folder: str, size: int) -> str:
    """A scratch database per history size: a SQLite file, or on PostgreSQL a
    schema of the given database (so both sizes can be served at once)."""
    if url == "sqlite":
        return f"sqlite:///{folder}/history-{size}.db"
    url = sqlalchemy_url(url)
    if url.startswith("postgresql"):
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}options=-csearch_path%3Dbench_{size}"
    return url


def flask(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT,  # noqa: S603
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def empty_database(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        schema = url.rsplit("search_path%3D", 1)[1]
        with engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    with engine.begin() as connection:
        meta = sa.MetaData()
        meta.reflect(connection)
        meta.drop_all(connection)
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def prepare(url: str, size: int) -> tuple[dict, float, str]:
    """Seed the history; returns the env, the seeding time and an API token."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret",  # noqa: S106
               SESSION_COOKIE_SECURE="false")
    empty_database(url)
    flask(env, "db", "upgrade")
    began = time.perf_counter()
    flask(env, "seed-history", "--incidents", str(size), "--seed", "1")
    seeded = time.perf_counter() - began
    flask(env, "demo")
    flask(env, "create-user", "--email", EMAIL, "--password", PASSWORD,
          "--role", "responder")
    token = flask(env, "create-token", "--email", EMAIL).strip().splitlines()[-1]
    return env, seeded, token


class Client:
    """One keep-alive HTTP connection, with the session cookie."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        # A token makes this an API client (no cookie); None: the session.
        self.bearer: str | None = None

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict | None = None) -> tuple[int, str, dict]:
        headers = dict(headers or {})
        if self.bearer and path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.bearer}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def login(self) -> None:
        _status, page, _h = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = {"email": EMAIL, "password": PASSWORD}
        if token:
            form["csrf_token"] = token.group(1)
        status, _t, _h = self.request(
            "POST", "/login", urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"sign-in failed with {status}")


def serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:app"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                "GET", "/static/app.css")
            return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def timed(clients: dict[int, "Client"], paths: dict[int, str], runs: int,
          headers: dict | None = None) -> dict[int, tuple[float, float]]:
    """Median and p95 ms per history size. Requests to the histories take
    turns, so the load of a shared machine weighs on all of them alike."""
    times: dict[int, list[float]] = {size: [] for size in clients}
    for _ in range(3):  # warm both workers
        for size, client in clients.items():
            client.request("GET", paths[size], headers=headers)
    order = list(clients)
    for run in range(runs):
        for size in order if run % 2 else order[::-1]:
            began = time.perf_counter()
            status, _text, _h = clients[size].request("GET", paths[size],
                                                      headers=headers)
            times[size].append(time.perf_counter() - began)
            if status != 200:
                raise SystemExit(f"{paths[size]}: HTTP {status}")
    out = {}
    for size, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        out[size] = (statistics.median(values) * 1000, p95 * 1000)
    return out


def fiftieth_page(client: Client) -> tuple[str, int]:
    """The 50th page of the API list at 10 a page, reached by following
    `next` from the first. At 25 a page a history of 1,000 incidents has
    fewer than 50 pages; at 10 it has about 100, so both histories are
    measured on a full page in the middle of the list."""
    path, page = "/api/v1/incidents?per_page=10", 1
    while page < 50:
        _s, body, _h = client.request("GET", path)
        following = json.loads(body).get("next")
        if not following:
            break
        path, page = following, page + 1
    return path, page


def demo_path(client: Client, token: str) -> str:
    _s, body, _h = client.request(
        "GET", "/api/v1/incidents?" + urlencode({"tag": "demo"}),
        headers={"Authorization": f"Bearer {token}"})
    items = json.loads(body)["items"]
    if not items:
        raise SystemExit("the demo incident is missing")
    return f"/incidents/{items[0]['id']}"


def _paths(name: str, path: str | None, setups: dict, clients: dict,
           figures: dict) -> dict[int, str]:
    if name.startswith("API list, 50th"):
        paths = {}
        for size, client in clients.items():
            paths[size], figures[size]["deep page number"] = fiftieth_page(client)
        return paths
    if name.startswith("incident page"):
        return {size: demo_path(clients[size], setups[size][1]) for size in setups}
    return dict.fromkeys(setups, path)


def measure(setups: dict[int, tuple[dict, str]], port: int, runs: int
            ) -> dict[int, dict[str, Any]]:
    """Serve every history at once (one gunicorn each) and time each request
    on all of them in turn."""
    servers, clients = {}, {}
    try:
        for offset, (size, (env, token)) in enumerate(setups.items()):
            servers[size] = serve(env, port + offset)
            clients[size] = Client(port + offset)
            clients[size].login()
            clients[size].bearer = token  # for /api/ paths only
        figures: dict[int, dict[str, Any]] = {size: {} for size in setups}
        for name, path in [("static file", "/static/app.css"), *REQUESTS]:
            paths = _paths(name, path, setups, clients, figures)
            for size, figure in timed(clients, paths, runs).items():
                figures[size][name] = figure
        return figures
    finally:
        for server in servers.values():
            stop(server)


def plans(url: str) -> list[str]:
    from postmortem import create_app
    from postmortem.domain import incident_list, query_plans
    from postmortem.domain.accounts import user_by_email
    from postmortem.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    out = []
    with app.app_context():
        reader = user_by_email(EMAIL)
        for args in PLANS:
            filters = incident_list.clean_filters(args)
            statements = query_plans.statements_of(
                lambda f=filters: incident_list.list_page(f, reader, 25))
            # The count and the page (or the search); not the loads of what
            # rows show, which go by primary key.
            for statement, parameters in statements:
                if not MAIN_QUERY.search(statement):
                    continue
                plan = query_plans.explain(statement, parameters)
                scans = query_plans.full_scans(plan)
                head = " ".join(statement.split())[:90]
                out.append(f"  {json.dumps(args)}: {head}…")
                out += [f"      {line}" for line in plan]
                if scans & {"incident", "search_document", "incident_facet"}:
                    out.append(f"      FULL SCAN of {sorted(scans)}")
        db.engine.dispose()
    return out


def report(name: str, sizes: list[int], results: dict, seeding: dict) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\n== {name}: median / p95 ms per request over HTTP, "
          f"{small:,} vs {large:,} incidents")
    for size in sizes:
        target = "target < 300 s" if size == 100_000 and name == "sqlite" else ""
        print(f"  seed-history --incidents {size:,}: {seeding[size]:.0f} s {target}")
    print(f"  {'request':32}" + "".join(f"{f'{s:,}':>18}" for s in sizes)
          + "   ratio (target <= 1.5x)")
    for request in results[small]:
        if request == "deep page number":
            continue
        cells = "".join(f"{results[s][request][0]:9.1f} /{results[s][request][1]:6.1f}"
                        for s in sizes)
        ratio = results[large][request][0] / results[small][request][0]
        verdict = "" if request == "static file" else (
            "ok" if ratio <= 1.5 else "OVER TARGET")
        print(f"  {request:32}{cells}   {ratio:5.2f}x {verdict}")
    for size in sizes:
        static = results[size]["static file"][0]
        page = results[size]["incident page (demo)"][0]
        first = results[size]["API list, 10 a page"][0]
        fifty = results[size]["API list, 50th page by next"][0]
        deep = results[size]["deep page number"]
        print(f"  {size:,}: incident page at {static / page:.2f}x the static-file "
              f"rate (target >= 0.1x); API page {deep} by next / first page "
              f"{fifty / first:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--database-url", action="append", dest="urls")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--port", type=int, default=5210)
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    folder = tempfile.mkdtemp(prefix="pm-scale-")
    print(f"{args.runs} runs per figure, gunicorn with 2 workers on "
          f"127.0.0.1:{args.port}, signed in as a responder (visibility applies)")
    try:
        for raw in args.urls or ["sqlite"]:
            name = "sqlite" if raw == "sqlite" else urlsplit(raw).scheme.split("+")[0]
            setups, seeding = {}, {}
            for size in sizes:
                url = database_url(raw, folder, size)
                print(f"[{name}] seeding {size:,} incidents…", flush=True)
                env, seeding[size], token = prepare(url, size)
                setups[size] = (env, token)
            results = measure(setups, args.port, args.runs)
            plan_lines = plans(database_url(raw, folder, sizes[-1]))
            report(name, sizes, results, seeding)
            print(f"  EXPLAIN on {sizes[-1]:,} incidents (the count, then the "
                  "page or the search):")
            print("\n".join(plan_lines))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
