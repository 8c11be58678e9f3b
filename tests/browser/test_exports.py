"""Hostile post-mortem text, exported as HTML and imported as Markdown, runs
no script in a real browser."""

from postmortem.domain.postmortem import documents
from postmortem.extensions import db
from tests import factories
from tests.domain.exports import records

HOSTILE = ("<script>window.pwned = 1</script>\n\n"
           '<img src="x" onerror="window.pwned = 2">\n\n'
           "[click](javascript:window.pwned=3) "
           "[data](data:text/html,<script>x</script>)"
           '\n\n<a href="#" onclick="window.pwned = 4">z</a>')


def _sign_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/incidents*")


def test_hostile_text_stays_inert_in_exports_and_imports(page, tmp_path):
    author = factories.user("responder", name="Ada")
    pm = records.written(records.outage(author, rows=1, items=1), author)
    documents.save_sections(pm, {"version": pm.version, "sections": [
        {"key": "summary", "body": HOSTILE}]}, author)
    db.session.commit()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    _sign_in(page, author)
    page.goto(f"/incidents/{pm.incident_id}/postmortem.html")
    page.get_by_text("click", exact=True).click()
    page.get_by_text("z", exact=True).click()
    assert page.evaluate("window.pwned") is None

    exported = tmp_path / "hostile.md"
    exported.write_bytes(page.request.get(
        f"/incidents/{pm.incident_id}/postmortem.md").body())
    assert b"window.pwned" in exported.read_bytes()
    page.goto("/incidents/import")
    page.set_input_files("input[type=file]", str(exported))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/incidents/*")
    imported = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(f"/incidents/{imported}/postmortem")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
