"""Journey (issue 12), in headless Chromium through the pages users click: the programme
office plans a class (the form, then a session today around the current time) organised
by a trainers' association and opens it for nominations → a ward office nominates two of
its staff (checkboxes) → the association's trainer accepts both and starts the class →
one participant checks in on a phone (390 px) with the address behind the session's QR
code, the other is ticked present by the trainer on the attendance page → the trainer
closes the class (completion computed), issues the certificates → the participant
downloads their certificate from "My training"; pypdf reads their name and the course
title, and the verification address printed in it says, in Vietnamese, that it is
genuine.

Offices work on a desktop window (1366×900), the participant on a phone (390×844).
Screenshots of every open page are kept in test-artifacts/ on failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from ctxh.testing import chromium_executable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
PASSWORD = "Journey-training-2026"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
COURSE_TITLE = "Kỹ năng quản lý trường hợp với trẻ em"
CLASS_NAME = "Quản lý trường hợp – khóa Thủ Đức 2026"
CHECKS_IN = "Trần Thị Mai Anh"  # has an account (Person.user): checks in on her phone
TICKED = "Lê Văn Đức"  # no account: ticked present by the trainer


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


class City:
    """The programme office; a ward office with its officer and two staff in the registry
    (one with an account of her own); a trainers' association with its trainer, which
    provides the course."""

    def __init__(self):
        from django.conf import settings

        from ctxh.geo.models import Province, Ward
        from ctxh.organizations.tests.factories import OrganizationFactory
        from ctxh.testing import make_user
        from ctxh.training.models import Course
        from ctxh.workforce.models import Person
        from ctxh.workforce.tests.factories import PersonFactory, employ

        province, _ = Province.objects.get_or_create(
            code=settings.CTXH_PROVINCE,
            defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
        )
        ward = Ward.objects.create(
            code=990101, name="Phường Thủ Đức", kind="phuong", codename="td", province=province
        )
        self.agency = OrganizationFactory(code="SO-LDTBXH", kind="agency", name="Sở Lao động")
        self.ward_office = OrganizationFactory(
            code="UBND-TD", kind="ward_office", name="UBND Phường Thủ Đức", ward=ward
        )
        self.association = OrganizationFactory(
            code="HOI-CTXH", kind="association", name="Hội Công tác xã hội Thành phố"
        )
        make_user("programme_office", self.agency, username="programme", password=PASSWORD)
        make_user("ward_officer", self.ward_office, username="phuong", password=PASSWORD)
        make_user("trainer", self.association, username="trainer", password=PASSWORD)
        account = make_user(
            "field_instructor", self.ward_office, username="maianh", password=PASSWORD
        )
        self.people = {}
        for name, birth in ((CHECKS_IN, dt.date(1992, 3, 8)), (TICKED, dt.date(1988, 11, 20))):
            person = PersonFactory(full_name=name, date_of_birth=birth)
            employ(person, self.ward_office)
            self.people[name] = person
        Person.objects.filter(pk=self.people[CHECKS_IN].pk).update(user=account)
        self.course = Course.objects.create(
            code="QLTH-TE",
            title=COURSE_TITLE,
            topic="Quản lý trường hợp",
            hours=24,
            level="skills",
            provider=self.association,
        )


@pytest.fixture
def city(transactional_db):
    return City()


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _open(browser, contexts: list, viewport: dict):
    """A page in a browser of its own (each user signs in on their own device)."""
    contexts.append(browser.new_context(viewport=viewport, accept_downloads=True))
    page = contexts[-1].new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions
    return page


def _session_times() -> tuple[str, str]:
    """A session that started a few minutes ago (local time; a check-in now is on time)
    and stays within today."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = max(now - dt.timedelta(minutes=5), midnight)
    ends = min(now + dt.timedelta(hours=2), midnight + dt.timedelta(hours=23, minutes=59))
    return f"{starts:%H:%M}", f"{ends:%H:%M}"


def _move(page, target: str, status: str) -> None:
    from playwright.sync_api import expect

    page.click(f"[data-testid=move-{target}]")  # confirmed in the dialog handler
    expect(page.locator("[data-testid=class-status]")).to_have_text(status)


def _fits(page) -> None:
    """Nothing on the page is wider than the window (tables scroll inside themselves)."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_training_journey(browser, live_server, city, settings):
    from playwright.sync_api import expect

    from ctxh.documents.tests.helpers import pdf_text
    from ctxh.training.models import Attendance, Enrollment, TrainingClass

    settings.CTXH_BASE_URL = live_server.url  # in the QR code and under the certificate's
    base = live_server.url
    contexts: list = []
    today = timezone.localdate()
    step = "plan"
    try:
        # --- the programme office plans the class, adds today's session, opens it ----------
        programme = _open(browser, contexts, DESKTOP)
        _sign_in(programme, base, "programme")
        programme.goto(f"{base}/training/")
        programme.click("[data-testid=new-class]")
        programme.select_option("#id_course", str(city.course.pk))
        programme.fill("#id_code", "QLTH-TD-2026")
        programme.fill("#id_name", CLASS_NAME)
        programme.select_option("#id_organizer", str(city.association.pk))
        programme.select_option("#id_provider", str(city.association.pk))
        programme.fill("#id_starts_on", f"{today:%d/%m/%Y}")
        programme.fill("#id_ends_on", f"{today + dt.timedelta(days=14):%d/%m/%Y}")
        programme.fill("#id_capacity", "30")
        programme.select_option("#id_funding", "programme")
        programme.fill("#id_min_attendance", "80")
        programme.fill("#id_venue", "Hội trường UBND Phường Thủ Đức")
        programme.click("[data-testid=save]")
        programme.wait_for_url(re.compile(r".*/training/classes/\d+/$"))
        class_url = programme.url
        klass = TrainingClass.objects.get(code="QLTH-TD-2026")
        assert (klass.organizer_id, klass.status) == (city.association.pk, "planned")

        step = "session"
        starts, ends = _session_times()
        programme.click("[data-testid=add-session]")
        programme.fill("#id_date", f"{today:%d/%m/%Y}")
        programme.fill("#id_starts_at", starts)
        programme.fill("#id_ends_at", ends)
        programme.fill("#id_topic", "Đánh giá nhu cầu của trẻ")
        programme.click("[data-testid=save]")
        programme.wait_for_url(class_url)
        assert (
            "Đánh giá nhu cầu của trẻ" in programme.locator("[data-testid=sessions]").inner_text()
        )
        _move(programme, "open", "Đang nhận cử học viên")

        # --- the ward office nominates its two staff -------------------------------------
        step = "nominate"
        ward = _open(browser, contexts, DESKTOP)
        _sign_in(ward, base, "phuong")
        ward.goto(f"{base}/training/")
        ward.locator("[data-testid=classes]").get_by_role("link", name=CLASS_NAME).click()
        ward.click("[data-testid=nominate]")
        staff = ward.locator("[data-testid=staff]")
        for name in (CHECKS_IN, TICKED):
            staff.get_by_label(name).check()
        ward.click("[data-testid=nominate-submit]")
        ward.wait_for_url(class_url)
        participants = ward.locator("[data-testid=participants]")
        for name in (CHECKS_IN, TICKED):
            assert "Được cử" in participants.locator("tr", has_text=name).inner_text()

        # --- the trainer (the organiser) accepts both and starts the class ----------------
        step = "accept"
        trainer = _open(browser, contexts, DESKTOP)
        _sign_in(trainer, base, "trainer")
        trainer.goto(class_url)
        for name in (CHECKS_IN, TICKED):
            trainer.locator("[data-testid=participants]").get_by_label(name).check()
        trainer.click("[data-testid=accept-selected]")
        expect(trainer.locator("[data-testid=places]")).to_contain_text("2")
        assert Enrollment.objects.filter(training_class=klass, status="accepted").count() == 2
        _move(trainer, "running", "Đang diễn ra")

        # --- one participant checks in on her phone with the QR code's address -----------
        step = "qr"
        trainer.click("[data-testid=session-qr]")  # the session's row on the class page
        qr = trainer.locator("[data-testid=checkin-qr]")
        expect(qr.locator("svg")).to_be_visible()
        checkin_url = qr.get_attribute("data-checkin-url")
        assert checkin_url.startswith(f"{base}/training/checkin/")
        assert trainer.locator("[data-testid=checkin-url]").get_attribute("href") == checkin_url

        step = "checkin"
        phone = _open(browser, contexts, PHONE)
        _sign_in(phone, base, "maianh")
        phone.goto(checkin_url)
        assert CLASS_NAME in phone.locator("h1").inner_text()
        _fits(phone)
        phone.click("[data-testid=checkin-button]")
        recorded = phone.locator("[data-testid=checkin-recorded]")
        expect(recorded).to_contain_text("Điểm danh của bạn đã được ghi nhận")
        _fits(phone)
        mine = Attendance.objects.get(enrollment__person=city.people[CHECKS_IN])
        assert (mine.method, mine.status) == (Attendance.Method.QR, Attendance.Status.PRESENT)
        phone.reload()  # scanning again records nothing more
        expect(phone.locator("[data-testid=checkin-button]")).to_have_count(0)

        # --- the trainer ticks the other present on the attendance page ------------------
        step = "attendance"
        trainer.goto(class_url)
        trainer.click("[data-testid=attendance-link]")
        session_card = trainer.locator("section[id^=session-]").first
        session_card.get_by_label(f"{TICKED}: Có mặt").check()
        session_card.locator("[data-testid=save-attendance]").click()
        expect(trainer.locator(".alert-success")).to_contain_text("Đã lưu điểm danh")
        grid = trainer.locator("[data-testid=attendance-grid]")
        for name in (CHECKS_IN, TICKED):
            assert "1/1" in grid.locator("tr", has_text=name).inner_text()

        # --- the trainer closes the class and issues the certificates --------------------
        step = "close"
        trainer.goto(class_url)
        _move(trainer, "closed", "Đã kết thúc")
        completed = Enrollment.objects.filter(training_class=klass, completed=True)
        assert completed.count() == 2
        trainer.click("[data-testid=certificates-link]")
        trainer.click("[data-testid=issue-all]")
        expect(trainer.locator("[data-testid=certificate-counts]")).to_contain_text(
            "2 giấy chứng nhận"
        )

        # --- the participant downloads her certificate; its code verifies -----------------
        step = "download"
        phone.goto(f"{base}/training/me/")
        _fits(phone)
        with phone.expect_download() as download:
            phone.click("[data-testid=my-certificate]")
        text = pdf_text(Path(download.value.path()).read_bytes())
        flat = " ".join(text.split())
        assert CHECKS_IN in flat and COURSE_TITLE in flat, text
        assert TICKED not in flat

        step = "verify"
        found = re.search(r"https?://\S+?/verify/[\w-]+/", text.replace("\n", ""))
        assert found, text
        stranger = _open(browser, contexts, PHONE)  # anyone with the paper, not signed in
        stranger.goto(found.group(0))
        valid = stranger.locator("[data-testid=verify-valid]")
        assert "Văn bản thật và còn hiệu lực." in valid.inner_text()
        _fits(stranger)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [p for context in contexts for p in context.pages]
        for i, p in enumerate(pages):
            p.screenshot(path=str(ARTIFACTS / f"training-{step}-{i}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
