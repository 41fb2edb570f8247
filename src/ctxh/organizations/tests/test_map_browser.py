"""Journey: the programme office opens the facilities map in headless Chromium with no
tile server reachable; the markers still load (scoped JSON, CSP-clean script), the notice
explains the missing background, and the list beside the map links to each facility.
A screenshot is kept under test-artifacts/ on failure."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from ctxh.testing import chromium_executable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    executable = chromium_executable()  # skips, or fails in CI (CI=true)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def test_map_works_without_tiles(browser, live_server, programme_user, facility_a, facility_b):
    from ctxh.core.scoping import SYSTEM
    from ctxh.organizations.models import TargetGroup
    from ctxh.organizations.services import headcount_submit

    # Transactional tests flush the tables, reference lists included: make sure it is there.
    TargetGroup.objects.get_or_create(
        code="children", defaults={"name_vi": "Trẻ em", "name_en": "Children"}
    )
    profile = facility_a.facility
    profile.latitude, profile.longitude = Decimal("10.780000"), Decimal("106.700000")
    profile.save()
    profile.target_groups.set([])
    headcount_submit(
        by=SYSTEM,
        facility=facility_a,
        period_end=dt.date(2025, 6, 30),
        counts={"children": 12},
    )
    programme_user.set_password("Browser-pass-2026")
    programme_user.save()

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    # No internet here, and none assumed: refuse every request to another host.
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if not route.request.url.startswith(live_server.url)
            else route.continue_()
        ),
    )
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", programme_user.username)
        page.fill("#id_password", "Browser-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/organizations/map/")
        page.wait_for_selector("#facility-map[data-loaded='1']", timeout=10_000)
        page.wait_for_selector("#map-notice:not(.d-none)", timeout=10_000)
        assert page.locator(".leaflet-interactive").count() == 1
        assert page.locator("[data-testid=missing-coordinates]").is_visible()
        page.click(f"[data-show-facility='{facility_a.pk}']")
        page.wait_for_selector(".leaflet-popup-content a", timeout=5_000)
        page.click(".leaflet-popup-content a")
        page.wait_for_url(f"{live_server.url}/organizations/{facility_a.pk}/")
        assert page.locator("[data-period-total='12']").count() == 1
        assert errors == []
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map-journey.png"), full_page=True)
        raise
    finally:
        page.close()


HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def test_names_on_the_map_are_text_not_html(browser, live_server, programme_user, facility_a):
    """An organisation's name goes into the tooltip, the popup and the list as text: the
    markup shows as typed, no element is created, no script runs, CSP reports nothing."""
    facility_a.name = HOSTILE_NAME
    facility_a.save()
    profile = facility_a.facility
    profile.latitude, profile.longitude = Decimal("10.780000"), Decimal("106.700000")
    profile.save()
    programme_user.set_password("Browser-pass-2026")
    programme_user.save()

    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if not route.request.url.startswith(live_server.url)
            else route.continue_()
        ),
    )
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", programme_user.username)
        page.fill("#id_password", "Browser-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/organizations/map/")
        page.wait_for_selector("#facility-map[data-loaded='1']", timeout=10_000)
        page.hover(".leaflet-interactive")
        tooltip = page.wait_for_selector(".leaflet-tooltip", timeout=5_000)
        assert tooltip.inner_text() == HOSTILE_NAME
        page.click(f"[data-show-facility='{facility_a.pk}']")
        popup_link = page.wait_for_selector(".leaflet-popup-content a", timeout=5_000)
        assert popup_link.inner_text() == HOSTILE_NAME
        assert page.locator("[data-testid=map-list]").inner_text().startswith(HOSTILE_NAME)
        assert page.locator("#facility-map img[src='x'], [data-testid=map-list] img").count() == 0
        # tile requests are refused on purpose; anything else is a problem
        assert [p for p in problems if "net::ERR_FAILED" not in p] == []
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map-names-as-text.png"), full_page=True)
        raise
    finally:
        page.close()
