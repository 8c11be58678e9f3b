"""The post-mortem pages in headless Chromium: writing with a server-side
preview, hostile payloads inert (no script runs), and axe-core checks."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from postmortem.domain.postmortem import documents
from postmortem.extensions import db
from tests import factories
from tests.browser.conftest import ARTIFACTS
from tests.postmortem_data import build_outage

HOSTILE = (
    "<script>window.pwned = 1</script>\n\n"
    '<img src=x onerror="window.pwned = 2">\n\n'
    "[click](javascript:window.pwned=3) [data](data:text/html,<script>1</script>)\n\n"
    '<a href="#" onclick="window.pwned = 4">handler</a>\n\n'
    '<svg onload="window.pwned = 5"></svg><iframe src="javascript:1"></iframe>'
)


def test_write_preview_save_with_hostile_text(page):
    author = factories.user("responder", name="Ada Author")
    outage = build_outage(author)
    documents.start(outage, author)
    db.session.commit()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message),
                                      dialog.dismiss()))
    page.goto("/login")
    page.get_by_label("Email").fill(author.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/incidents/{outage.id}/postmortem/edit")
    expect(page.get_by_text("Keep asking why")).to_be_visible()
    page.get_by_role("textbox", name="Summary").fill(HOSTILE + "\n\n**Bold words**")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".pm-preview strong", has_text="Bold words")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "postmortem-preview.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/postmortem$"))
    expect(page.get_by_text("Saved as revision 2.")).to_be_visible()
    hrefs = page.eval_on_selector_all(".pm-document a", "as => as.map(a => a.href)")
    assert not [h for h in hrefs if h.startswith(("javascript:", "data:"))], hrefs
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    html = page.content()
    assert "onerror" not in html and "javascript:" not in html
    page.screenshot(path=str(ARTIFACTS / "postmortem.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
