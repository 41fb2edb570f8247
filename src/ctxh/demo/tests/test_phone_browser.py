"""The demo city's pages on a phone (390 px) and a laptop (1366 px), in headless Chromium:
nothing makes the whole page scroll sideways, the filters fold away behind one button and
the menu behind the toggler. Screenshots go to test-artifacts/ (kept on failure too)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
PASSWORD = "Demo-phone-2026"
LIST_PAGES = {
    "home": "/",
    "organizations": "/organizations/",
    "facilities": "/organizations/facilities/",
    "map": "/organizations/map/",
    "people": "/workforce/",
    "imports": "/imports/",
    "audit": "/audit/",
    "members": "/accounts/members/",
}


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser
        browser.close()


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", "programme")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_pages_fit_a_phone_and_a_laptop(browser, live_server, transactional_db):
    from ctxh.demo.loader import load_demo
    from ctxh.workforce.models import Person

    load_demo(password=PASSWORD)
    pages = {**LIST_PAGES, "person": f"/workforce/{Person.objects.order_by('pk').first().pk}/"}
    ARTIFACTS.mkdir(exist_ok=True)
    widths: dict[str, int] = {}
    for width in (390, 1366):
        page = browser.new_page(viewport={"width": width, "height": 844})
        try:
            _sign_in(page, live_server.url)
            for name, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
                widths[f"{name}@{width}"] = page.evaluate("document.documentElement.scrollWidth")
            # phone: the menu and the filters are folded; one button unfolds the filters
            page.goto(f"{live_server.url}/organizations/facilities/")
            toggle = page.locator("[data-testid=filters-toggle]")
            menu_link = page.locator("#nav a.nav-link", has_text="Nhân lực")
            if width == 390:
                assert not menu_link.is_visible() and not page.locator("#id_ward").is_visible()
                assert page.locator("#id_q").is_visible()  # the search box always shows
                toggle.click()
                page.locator("#id_ward").wait_for(state="visible")
            else:
                assert menu_link.is_visible() and page.locator("#id_ward").is_visible()
                assert not toggle.is_visible()
        finally:
            page.close()
    too_wide = {key: value for key, value in widths.items() if value > int(key.rsplit("@", 1)[1])}
    assert too_wide == {}, too_wide
