"""The on-call experience in headless Chromium: correcting an update, a
double submit on a slow network, a back-dated declare, the phone layout and
the live page seen from a second browser; axe-core at 1280 and 390 px."""

import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from postmortem.domain import impact, updates
from postmortem.extensions import db
from postmortem.models import StatusUpdate
from tests import factories
from tests.browser.conftest import ARTIFACTS
from tests.factories import at

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()


def seeded_incident(responder):
    factories.component("Public API", slug="api")
    factories.component("Website", slug="website")
    incident = factories.incident(
        responder, title="API and website returning errors for "
        "https://status.example.com/incidents/very-long-unbroken-url-pasted-here",
        components=[{"slug": "api", "status": "major_outage"}])
    updates.post(incident, {"status": "investigating", "posted_at": at(12),
                            "message": "We are aware of issues affecting the API."},
                 responder)
    impact.record(incident, [{"at": at(m), "metric": "user_reports", "value": v}
                             for m, v in ((5, 120), (20, 4200), (60, 900))],
                  responder)
    db.session.commit()
    return incident


def axe_clean(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_correct_an_update_and_double_submit_on_a_slow_network(page, responder):
    incident = seeded_incident(responder)
    sign_in(page, responder)
    page.goto(f"/incidents/{incident.id}")

    # Edit the first update: the page then says it was edited.
    page.get_by_role("link", name=re.compile(r"^Edit update of")).click()
    page.get_by_label("Message (Markdown, public)").fill(
        "We are aware of issues affecting the **API** and the website.")
    axe_clean(page)
    shot(page, "oncall-01-edit-update")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("#updates .updates > li").first).to_contain_text(
        "edited")

    # A slow network: the POST takes a second; the responder clicks twice.
    def slow(route):
        time.sleep(1)
        route.continue_()

    page.route(re.compile(r".*/incidents/\d+/updates$"), slow)
    form = page.get_by_role("form", name="Post a status update")
    form.get_by_label("Status", exact=True).select_option("identified")
    form.get_by_label("Message (Markdown, public)").fill("Cause identified.")
    form.get_by_role("button", name="Post update").dblclick()
    expect(page.locator("#updates .updates > li").first).to_contain_text(
        "Cause identified.", timeout=20_000)
    page.unroute(re.compile(r".*/incidents/\d+/updates$"))

    # Back, then submit the restored form again: still one record.
    page.go_back()
    again = page.get_by_role("form", name="Post a status update")
    if not again.get_by_label("Message (Markdown, public)").input_value():
        again.get_by_label("Message (Markdown, public)").fill("Cause identified.")
        again.get_by_label("Status", exact=True).select_option("identified")
    again.get_by_role("button", name="Post update").click()
    expect(page.get_by_text("saved only once")).to_be_visible()
    db.session.expire_all()
    posted = db.session.scalars(db.select(StatusUpdate).where(
        StatusUpdate.message == "Cause identified.")).all()
    assert len(posted) == 1
    axe_clean(page)
    shot(page, "oncall-02-incident-1280")

    page.set_viewport_size(PHONE)
    page.goto(f"/incidents/{incident.id}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"sideways scroll: {width}px"
    expect(page.locator("#action-items")).to_be_visible()
    axe_clean(page)
    shot(page, "oncall-03-incident-390")


def test_a_back_dated_declare_and_its_errors(page, responder):
    factories.component("Public API", slug="api")
    sign_in(page, responder)
    page.goto("/incidents/new")
    page.get_by_label("Title").fill("Outage we write up later")
    page.get_by_label("Impact started (UTC)").fill("21-03-01 10:00")
    page.get_by_role("button", name="Declare incident").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Impact started (UTC) must be written")
    axe_clean(page)
    shot(page, "oncall-04-declare-errors")
    page.set_viewport_size(PHONE)
    axe_clean(page)
    page.set_viewport_size(DESKTOP)

    page.get_by_label("Impact started (UTC)").fill("2021-03-01 10:00")
    page.get_by_role("button", name="Declare incident").click()
    expect(page.get_by_role("heading", name="Outage we write up later")
           ).to_be_visible()
    detected = page.locator(".durations li").nth(1)
    expect(detected).to_contain_text("0m")
    expect(detected).to_contain_text("2021-03-01 10:00 UTC")


def test_the_live_page_shows_another_responders_post(page, responder, live_server):
    incident = seeded_incident(responder)
    other = factories.user("responder")
    sign_in(page, responder)
    page.goto(f"/incidents/{incident.id}")
    expect(page.locator("#live-status")).to_contain_text("updated just now")

    second = page.context.browser.new_context(viewport=PHONE, base_url=live_server)
    try:
        them = second.new_page()
        sign_in(them, other)
        them.goto(f"/incidents/{incident.id}")
        form = them.get_by_role("form", name="Post a status update")
        form.get_by_label("Status", exact=True).select_option("monitoring")
        form.get_by_label("Message (Markdown, public)").fill(
            "A fix is rolling out.")
        form.get_by_role("button", name="Post update").click()
        expect(them.locator("#updates .updates > li").first).to_contain_text(
            "A fix is rolling out.")
        shot(them, "oncall-05-second-responder-390")
    finally:
        second.close()

    # The page polls every few seconds, and at once when its window is back
    # in focus, as here.
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("#updates .updates > li").first).to_contain_text(
        "A fix is rolling out.", timeout=15_000)
    expect(page.locator("#incident-head")).to_contain_text("monitoring")
    expect(page.locator("#live-status")).to_contain_text("updated just now")
    shot(page, "oncall-06-live-1280")
