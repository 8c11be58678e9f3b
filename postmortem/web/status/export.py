"""The whole public status page as static files, for hosting it apart from
the app: any web server, object store or CDN serves them with no database and
no Python, so the page stays up when the product (and this app) are down.

Files mirror the URLs (`/status` -> `status/index.html`, `/api/v2/summary.json`
-> `api/v2/summary.json`), so links work when the directory is served at the
root of a host. Each file is replaced atomically, and files the public may no
longer see (an incident made private) are removed.
"""

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from postmortem.domain.status import overview, state, statuspage
from postmortem.domain.visibility import public_clause
from postmortem.extensions import db
from postmortem.models import Incident, Maintenance
from postmortem.models.types import utcnow

MANAGED = ("status", "api/v2", "static/status")
ROOT_INDEX = (b'<!doctype html><meta charset="utf-8"><title>Status</title>'
              b'<meta http-equiv="refresh" content="0; url=status/">'
              b'<a href="status/">Status</a>\n')


def public_paths() -> dict[str, str]:
    """{URL path: file path} of everything public."""
    files = {"/status": "status/index.html"}
    for name in ("history.atom", "history.rss", "banner.json", "banner.js"):
        files[f"/status/{name}"] = f"status/{name}"
    for name in statuspage.DOCUMENTS:
        files[f"/api/v2/{name}.json"] = f"api/v2/{name}.json"
    for incident_id in db.session.scalars(sa.select(Incident.id).where(
            public_clause())):
        files[f"/status/incidents/{incident_id}"] = (
            f"status/incidents/{incident_id}/index.html")
    for maintenance_id in db.session.scalars(sa.select(Maintenance.id)):
        files[f"/status/maintenance/{maintenance_id}"] = (
            f"status/maintenance/{maintenance_id}/index.html")
    return files


def _write(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)


def export(app: Flask, directory: Path, base_url: str) -> list[Path]:
    """Write every public file under `directory`; returns what was written."""
    directory.mkdir(parents=True, exist_ok=True)
    client = app.test_client()
    written: list[Path] = []
    for url, name in public_paths().items():
        response = client.get(url, base_url=base_url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        written.append(directory / name)
        _write(written[-1], response.get_data())
    assets = Path(app.static_folder) / "status"
    for asset in sorted(assets.iterdir()):
        written.append(directory / "static" / "status" / asset.name)
        _write(written[-1], asset.read_bytes())
    written.append(directory / "index.html")
    _write(written[-1], ROOT_INDEX)
    _prune(directory, set(written))
    db.session.rollback()  # end the read transaction: the next run sees news
    return written


def _prune(directory: Path, keep: set[Path]) -> None:
    for managed in MANAGED:
        root = directory / managed
        if not root.exists():
            continue
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_file() and path not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def watch(app: Flask, directory: Path, base_url: str, interval: float,
          report: Callable[[str], None], runs: int | None = None,
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Export, then export again after every public change (polling the
    public state version) and when time moves the page (midnight, a
    maintenance start). `runs` bounds the number of exports (tests)."""
    done = 0
    seen: int | None = None
    due = utcnow()
    while runs is None or done < runs:
        version = state.current(db.session)[0]
        now = utcnow()
        if seen != version or now >= due:
            written = export(app, directory, base_url)
            done += 1
            seen, due = version, overview.valid_until(utcnow())
            report(f"exported {len(written)} files (public state {version})")
        db.session.rollback()
        if runs is not None and done >= runs:
            break
        sleep(interval)


