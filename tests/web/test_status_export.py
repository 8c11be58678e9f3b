"""`status-export`: the public page as static files that work with no app."""

import re
from pathlib import Path

from postmortem.domain import incidents
from postmortem.extensions import db
from postmortem.models.types import utcnow
from postmortem.web.status import export
from tests.domain.status import world as status_world
from tests.domain.status.world import SECRET_EVENT, SECRET_TITLE, SECRET_UPDATE


def _target(root: Path, link: str) -> Path:
    path = link.split("#")[0].split("?")[0].lstrip("/")
    found = root / path
    return found / "index.html" if found.is_dir() or not found.suffix else found


def test_export_writes_everything_public_and_links_resolve(app, runner, admin,
                                                           tmp_path):
    world = status_world.build(admin)
    result = runner.invoke(args=["status-export", str(tmp_path),
                                 "--base-url", "https://status.example.com"])
    assert result.exit_code == 0, result.output
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
             if p.is_file()}
    assert {"index.html", "status/index.html", "status/history.atom",
            "status/history.rss", "status/banner.json", "status/banner.js",
            "api/v2/summary.json", "api/v2/scheduled-maintenances/active.json",
            "static/status/status.css",
            f"status/incidents/{world.active.id}/index.html",
            f"status/maintenance/{world.window.id}/index.html"} <= files
    assert f"status/incidents/{world.private.id}/index.html" not in files
    for name in files:
        text = (tmp_path / name).read_text()
        for secret in (SECRET_TITLE, SECRET_UPDATE, SECRET_EVENT):
            assert secret not in text, name
    summary = (tmp_path / "api/v2/summary.json").read_text()
    assert "https://status.example.com/status" in summary
    # Every link and asset of every page is a file in the export.
    for name in files:
        if name.endswith(".html") and name != "index.html":
            html = (tmp_path / name).read_text()
            for link in re.findall(r'(?:href|src)="(/[^"]*)"', html):
                assert _target(tmp_path, link).is_file(), (name, link)


def test_a_second_export_removes_what_became_private(app, admin, tmp_path):
    world = status_world.build(admin)
    export.export(app, tmp_path, "http://localhost")
    page = tmp_path / f"status/incidents/{world.resolved.id}/index.html"
    assert page.is_file()
    incidents.update(world.resolved, {"is_public": False,
                                      "version": world.resolved.version}, admin)
    db.session.commit()
    export.export(app, tmp_path, "http://localhost")
    assert not page.exists()
    assert "Website slow" not in (tmp_path / "status/index.html").read_text()


def test_watch_rewrites_after_a_public_change(app, admin, tmp_path):
    world = status_world.build(admin)
    messages = []

    def change(_seconds):
        status_world.post(world.active, admin, "monitoring", "Fix is live.",
                          utcnow())

    export.watch(app, tmp_path, "http://localhost", 0, messages.append, runs=2,
                 sleep=change)
    assert len(messages) == 2
    assert "Fix is live." in (tmp_path / "status/index.html").read_text()
