"""A person's first outage, end to end, in headless Chromium.

setup → sign out → sign in → add a component → declare an incident → post
three updates → resolve; screenshots go to test-artifacts/, and axe-core
checks the incident page for accessibility violations.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

EMAIL = "lead@example.com"
PASSWORD = "a long enough password"  # noqa: S105


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def setup_and_sign_in(page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    page.get_by_label("Your name").fill("Lead Responder")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_label(re.compile("Load the demo incident")).uncheck()
    shot(page, "01-setup")
    page.get_by_role("button", name="Create admin").click()
    expect(page.get_by_text("Welcome! You are the first admin.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "02-login")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()


def add_component(page) -> None:
    page.goto("/components/new")
    page.get_by_label("Name").fill("Public API")
    page.get_by_label("Slug").fill("api")
    page.get_by_label("Group").fill("Developer platform")
    page.get_by_role("button", name="Add component").click()
    expect(page.get_by_role("cell", name="Public API", exact=True)).to_be_visible()


def declare(page) -> None:
    page.goto("/incidents/new")
    page.get_by_label("Title").fill("API and website returning errors")
    page.get_by_label("Summary (Markdown)").fill(
        "Users report **failed responses** on the website and the API.")
    page.get_by_label("Severity").select_option("SEV1")
    page.get_by_label("Public impact").select_option("critical")
    page.get_by_label("Detection source").select_option("outage_tracker")
    page.get_by_label("Public API").select_option("major_outage")
    page.get_by_label("Regions").fill("eu-west, us-east")
    page.get_by_label("Peak user reports").fill("4200")
    shot(page, "03-declare")
    page.get_by_role("button", name="Declare incident").click()
    expect(page.get_by_role("heading", name="API and website returning errors")
           ).to_be_visible()


def post_update(page, status: str, message: str, api_status: str | None = None):
    form = page.get_by_role("form", name="Post a status update")
    form.get_by_label("Status", exact=True).select_option(status)
    form.get_by_label("Message (Markdown, public)").fill(message)
    if api_status:
        form.locator("summary", has_text="Component status changes").click()
        form.get_by_label("Public API status").select_option(api_status)
    form.get_by_role("button", name="Post update").click()
    expect(page.locator("#updates .updates > li").first).to_contain_text(message)


def test_declare_update_and_resolve_an_incident(page):
    setup_and_sign_in(page)
    add_component(page)
    declare(page)

    post_update(page, "investigating",
                "We are aware of issues affecting the service and are working "
                "urgently to resolve them.")
    post_update(page, "identified", "We have identified the cause and are "
                "rolling out a fix.", api_status="partial_outage")
    post_update(page, "monitoring", "Service is being restored for an increasing "
                "percentage of users.", api_status="degraded_performance")
    shot(page, "04-incident-monitoring")

    updates = page.locator("#updates .updates > li")
    expect(updates).to_have_count(3)
    expect(updates.first).to_contain_text("monitoring")
    expect(updates.last).to_contain_text("investigating")

    post_update(page, "resolved", "This incident has been resolved.",
                api_status="operational")
    expect(page.locator(".incident-head .badges")).to_contain_text("resolved")
    shot(page, "05-incident-resolved")

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.goto("/incidents")
    row = page.get_by_role("row", name=re.compile("API and website returning errors"))
    expect(row).to_contain_text("resolved")
    shot(page, "06-incident-list")
