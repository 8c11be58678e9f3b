"""The public status page in headless Chromium: desktop and phone
screenshots, axe-core, no JavaScript needed, and the banner embedded in
another site's page under a strict Content-Security-Policy."""

from datetime import UTC, datetime, timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.domain.status import world as status_world


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_axe(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_status_pages_at_desktop_and_phone_width(page, admin):
    world = status_world.build(admin)
    for width, suffix in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/status")
        expect(page.get_by_role("heading", name="Major System Outage")).to_be_visible()
        expect(page.get_by_role("link", name="API errors for some users").first
               ).to_be_visible()
        shot(page, f"status-{suffix}")
        check_axe(page)
        page.goto(f"/status/incidents/{world.active.id}")
        expect(page.get_by_text("Cause found; fix rolling out.")).to_be_visible()
        shot(page, f"status-incident-{suffix}")
        check_axe(page)
    page.goto(f"/status/maintenance/{world.window.id}")
    check_axe(page)


def test_status_page_needs_no_javascript(page, live_server, admin):
    status_world.build(admin)
    context = page.context.browser.new_context(java_script_enabled=False,
                                               base_url=live_server)
    quiet = context.new_page()
    quiet.goto("/status")
    expect(quiet.get_by_text("Database upgrade").first).to_be_visible()
    expect(quiet.get_by_text("% uptime").first).to_be_visible()
    context.close()


def test_banner_embeds_in_another_site_and_can_be_dismissed(page, live_server,
                                                             admin):
    status_world.build(admin)
    # Another origin (localhost, not 127.0.0.1), also on loopback so that
    # Chromium's private network rules allow it to load from the app.
    product = live_server.replace("127.0.0.1", "localhost") + "/our-product"
    host_page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Product"
        "</title></head><body><main><h1>Our product</h1></main>"
        f'<script src="{live_server}/status/banner.js" async></script></body></html>')
    policy = (f"default-src 'none'; script-src {live_server}; "
              "style-src 'none'; img-src 'none'")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route(product, lambda route: route.fulfill(
        status=200, body=host_page, content_type="text/html",
        headers={"Content-Security-Policy": policy}))
    # Chromium asks before a page reaches a loopback address; say yes.
    page.context.grant_permissions(["local-network-access"])
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(product)
    banner = page.locator("#status-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Temporary service disruption")
    expect(banner).to_contain_text("API errors for some users")
    shot(page, "status-banner-embedded")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.get_by_role("button", name="Dismiss the status notice").click()
    expect(banner).to_have_count(0)
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#status-banner")).to_have_count(0)


def test_admin_schedules_maintenance_in_the_browser(page, admin):
    from tests import factories

    factories.component("API", slug="api")
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Maintenance").click()
    page.get_by_role("link", name="Schedule maintenance").click()
    page.get_by_label("Title").fill("Database upgrade")
    # A month ahead: maintenance may be planned at most two years ahead.
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    page.get_by_label("Starts (UTC)").fill(f"{day}T02:00:00")
    page.get_by_label("Ends (UTC)").fill(f"{day}T04:00:00")
    page.get_by_label("API").check()
    page.get_by_label("Message (Markdown)").fill("Writes pause for **two** minutes.")
    shot(page, "maintenance-new")
    check_axe(page)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Maintenance scheduled")).to_be_visible()
    shot(page, "maintenance-show")
    check_axe(page)
    page.goto("/status")
    expect(page.get_by_role("link", name="Database upgrade")).to_be_visible()
