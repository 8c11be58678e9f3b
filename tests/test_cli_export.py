"""`flask export` and `flask import`."""

import json

import sqlalchemy as sa

from postmortem.extensions import db
from postmortem.models import Incident, Postmortem
from tests import factories
from tests.domain.exports import records
from tests.domain.exports.test_importer import HAND_WRITTEN
from tests.test_cli import run


def _published(author, title):
    pm = records.written(records.outage(author, rows=2, items=1, title=title), author)
    pm.state = "published"
    db.session.commit()
    return pm


def test_export_one_in_each_format(runner, tmp_path):
    author = factories.user("responder", name="Ada")
    pm = records.written(records.outage(author, rows=2, items=1), author)
    for fmt, start in (("md", b"---\n"), ("json", b"{"), ("html", b"<!doctype"),
                       ("pdf", b"%PDF-")):
        target = tmp_path / f"out.{fmt}"
        result = run(runner, "export", str(pm.incident_id), "--format", fmt,
                     "-o", str(target))
        assert result.exit_code == 0, result.output
        assert target.read_bytes().startswith(start)
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["incident"]["title"] == "Website and API down"


def test_export_refusals(runner, tmp_path):
    assert "No such incident" in run(runner, "export", "12345").output
    assert run(runner, "export").exit_code == 2
    incident = factories.incident()
    result = run(runner, "export", str(incident.id))
    assert result.exit_code == 1 and "no post-mortem" in result.output


def test_export_all_published(runner, tmp_path):
    author = factories.user("responder", name="Ada")
    factories.component("Other", slug="other")
    published = _published(author, "First").incident_id
    draft = records.written(factories.incident(author, title="Draft one"),
                            author).incident_id
    result = run(runner, "export", "--all", str(tmp_path / "out"), "--format", "md")
    assert result.exit_code == 0, result.output
    assert "Exported 1 published post-mortems" in result.output
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"postmortem-incident-{published}.md"]
    assert draft != published


def test_export_all_says_which_are_internal_and_can_leave_them_out(runner, tmp_path):
    author = factories.user("responder", name="Ada")
    factories.component("Other", slug="other")
    public = _published(author, "Public one")
    public.is_public = True
    db.session.get(Incident, public.incident_id).is_public = True
    internal = records.written(factories.incident(author, title="Internal one"),
                               author)
    internal.state, internal.is_public = "published", False
    db.session.commit()
    public_incident = public.incident_id
    result = run(runner, "export", "--all", str(tmp_path / "all"), "--format", "md")
    assert "Exported 2 published post-mortems" in result.output
    assert "1 of them internal" in result.output
    result = run(runner, "export", "--all", str(tmp_path / "public"), "--format", "md",
                 "--public-only")
    assert result.exit_code == 0 and "Exported 1 published" in result.output
    assert "internal" not in result.output
    assert [p.name for p in (tmp_path / "public").iterdir()] == [
        f"postmortem-incident-{public_incident}.md"]


def test_import_round_trip_and_hand_written(runner, tmp_path):
    author = factories.user("responder", name="Ada")
    pm = records.written(records.outage(author, rows=2, items=1), author)
    exported = tmp_path / "pm.md"
    run(runner, "export", str(pm.incident_id), "--format", "md", "-o", str(exported))
    result = run(runner, "import", str(exported))
    assert result.exit_code == 0, result.output
    assert "Imported incident #" in result.output
    hand = tmp_path / "hand.md"
    hand.write_text(HAND_WRITTEN)
    assert run(runner, "import", str(hand)).exit_code == 0
    titles = set(db.session.scalars(sa.select(Incident.title)))
    assert titles == {"Website and API down", "Chat outage of 16 November"}
    assert db.session.scalar(sa.select(sa.func.count(Postmortem.id))) == 3


def test_import_refuses_a_bad_file_cleanly(runner, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\na: *nope\n---\n# T\n")
    result = run(runner, "import", str(bad))
    assert result.exit_code == 1 and "front matter" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 0
