"""Journey (issue 14, the visitor's half), in headless Chromium on a phone-sized window
(390×844), signed in as no one: the visitor opens the public calendar, registers for an
open event and reads the confirmation (the e-mail with the registration code is sent), then
searches a facility in the directory without its accents, opens its page and sees it on the
map (a marker element for it). No page is wider than the phone. Screenshots of the page are
kept in test-artifacts/ on failure."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ctxh.testing import chromium_executable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    executable = chromium_executable()  # skips, or fails in CI (CI=true)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px phone"


def test_a_visitor_registers_for_an_event_and_finds_a_facility_on_the_map(
    browser, live_server, transactional_db, wards, settings
):
    from django.core import mail
    from playwright.sync_api import expect

    from ctxh.cooperation.models import Registration

    from .world import PublicWorld

    settings.CTXH_MAP_TILE_URL = ""  # no tile server here: the markers show on a blank map
    world = PublicWorld(wards)
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    step = "calendar"
    try:
        page.goto(f"{base}/public/")
        _fits_the_phone(page)
        page.get_by_role("link", name="Sự kiện", exact=True).click()
        expect(page.locator("h1")).to_have_text("Lịch sự kiện")
        _fits_the_phone(page)
        page.get_by_role("link", name=world.event.title).click()
        expect(page.locator("h1")).to_have_text(world.event.title)
        expect(page.locator("[data-testid=seats]")).to_have_text("Còn 1 / 2 chỗ")
        _fits_the_phone(page)

        step = "register"
        page.fill("#id_full_name", "Phan Thị Khách")
        page.fill("#id_email", "khach.phone@example.org")
        page.fill("#id_organization_name", "Hội Chữ thập đỏ phường")
        page.click("[data-testid=register]")
        message = page.locator("[data-testid=portal-message]")
        expect(message).to_contain_text("Bạn đã đăng ký thành công")
        expect(message).to_contain_text("khach.phone@example.org")
        expect(page.locator("[data-testid=seats]")).to_have_text("Còn 0 / 2 chỗ")
        row = Registration.objects.get(email="khach.phone@example.org")
        assert row.status == Registration.Status.REGISTERED
        sent = [m for m in mail.outbox if "khach.phone@example.org" in m.to]
        assert len(sent) == 1 and row.code in sent[0].body
        _fits_the_phone(page)

        step = "directory"
        page.get_by_role("link", name="Cơ sở", exact=True).click()
        expect(page.locator("h1")).to_have_text("Cơ sở cung cấp dịch vụ công tác xã hội")
        page.fill("#id_q", "tam binh")  # no accents
        page.get_by_role("button", name="Tìm kiếm").click()
        page.wait_for_url(re.compile(r".*q=tam\+binh.*"))
        listing = page.locator("[data-testid=facility-list]")
        expect(listing).to_contain_text(world.tam_binh.name)
        expect(listing).not_to_contain_text(world.nhi_xuan.name)
        marker = page.locator(f"[data-facility-id='{world.tam_binh.pk}']")
        expect(marker).to_have_count(1)
        _fits_the_phone(page)

        step = "facility"
        listing.get_by_role("link", name=world.tam_binh.name).click()
        expect(page.locator("h1")).to_have_text(world.tam_binh.name)
        expect(page.locator("main")).to_contain_text("1 Đường Tam Bình")
        expect(page.locator("[data-testid=portal-map]")).to_have_attribute("data-loaded", "1")
        marker = page.locator(f"[data-facility-id='{world.tam_binh.pk}']")
        expect(marker).to_be_visible()
        marker.click()  # its popup names it, with the link to its page
        expect(page.locator(".leaflet-popup-content")).to_contain_text(world.tam_binh.name)
        _fits_the_phone(page)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"portal-{step}.png"), full_page=True)
        raise
    finally:
        context.close()
