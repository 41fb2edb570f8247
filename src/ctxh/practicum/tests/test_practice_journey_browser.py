"""Journey (issue 11), in headless Chromium through the pages users click: a student in
practice logs three days of last week — the third from a phone (390 × 844) whose network
is cut while sending: the page says the entry is kept on the device, and once the
network is back it is sent and appears once → the field instructor approves the whole
week in one action → the instructor's final evaluation and the student's two evaluations
(site, instructor) on the school's rubric are submitted, each side seeing the other's only
once all are in → the facility confirms completion → the completion letter PDF downloads,
its text names the student, the facility and the hours, and its verification page says
it is genuine. Screenshots of every open page are kept in test-artifacts/ on failure.

The city starts with an accepted placement in practice (round from 20 days ago to 10 days
ahead, 16 required hours), the school's rubric, and the field instructor's account linked
to their FieldInstructor record.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from .test_practicum_journey_browser import (
    ARTIFACTS,
    DESKTOP,
    PASSWORD,
    PHONE,
    _open,
    _sign_in,
    browser,  # noqa: F401  (the module's fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDENT = "Phạm Thị Mai"
FACILITY = "Trung tâm Công tác xã hội Thành phố"
INSTRUCTOR = "Huỳnh Văn Đức"
DAYS = [  # last week's Monday, Tuesday, Wednesday: hours, description
    ("6", "Vãng gia gia đình thân chủ, lập hồ sơ ca"),
    ("5", "Sinh hoạt nhóm kỹ năng sống cho trẻ"),
    ("5", "Họp giao ban, ghi chép tiến trình ca"),
]


class PracticeCity:
    """A school with its rubric (1–5, three competencies), a facility with its manager
    and a field instructor whose account is linked, and one placement in practice."""

    def __init__(self):
        from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
        from ctxh.practicum.models import (
            Competency,
            Offer,
            PeriodInstructor,
            Placement,
            PlacementPeriod,
            Round,
            Rubric,
            Student,
        )
        from ctxh.testing import make_user
        from ctxh.workforce.models import FieldInstructor
        from ctxh.workforce.tests.factories import PersonFactory, employ

        now, today = timezone.now(), timezone.localdate()
        agency = OrganizationFactory(code="SO-LDTBXH", kind="agency", name="Sở Lao động")
        self.school = OrganizationFactory(
            code="DHKHXHNV", kind="school", name="Trường Đại học Khoa học Xã hội và Nhân văn"
        )
        self.facility = FacilityFactory(code="TTCTXH-TP", name=FACILITY)
        make_user("school_coordinator", self.school, username="coordinator", password=PASSWORD)
        make_user("facility_manager", self.facility, username="manager", password=PASSWORD)
        instructor_user = make_user(
            "field_instructor", self.facility, username="instructor", password=PASSWORD
        )
        student_user = make_user("student", self.school, username="mai", password=PASSWORD)
        rubric = Rubric.objects.create(school=self.school, name="Bảng tiêu chí CTXH cá nhân")
        for i, (name, weight) in enumerate(
            (("Đạo đức nghề nghiệp", 40), ("Kỹ năng vấn đàm", 30), ("Lập kế hoạch", 30))
        ):
            Competency.objects.create(rubric=rubric, position=i, name=name, weight=weight)
        period = PlacementPeriod.objects.create(
            organizer=agency,
            name="Kỳ thực tập học kỳ I",
            starts_on=today - dt.timedelta(days=20),
            ends_on=today + dt.timedelta(days=10),
            preference_deadline=now - dt.timedelta(days=50),
            acceptance_deadline=now - dt.timedelta(days=30),
            max_choices=3,
            status=PlacementPeriod.Status.CLOSED,
        )
        rnd = Round.objects.create(
            period=period,
            school=self.school,
            name="Thực hành CTXH cá nhân – khóa 2022",
            practice_type="casework",
            level="university_3",
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            required_hours=16,
        )
        person = PersonFactory(full_name=INSTRUCTOR)
        employ(person, self.facility)
        instructor = PeriodInstructor.objects.create(
            period=period,
            facility=self.facility,
            instructor=FieldInstructor.objects.create(
                person=person, user=instructor_user, trained_in_supervision=True, max_students=4
            ),
            capacity=2,
        )
        offer = Offer.objects.create(
            period=period,
            facility=self.facility,
            practice_type="casework",
            level="university_3",
            seats=2,
            status=Offer.Status.PUBLISHED,
            published_at=now - dt.timedelta(days=60),
        )
        offer.instructors.add(instructor)
        student = Student.objects.create(
            round=rnd, user=student_user, student_code="SV2201", full_name=STUDENT, gender="female"
        )
        self.placement = Placement.objects.create(
            student=student,
            offer=offer,
            period=period,
            school=self.school,
            facility=self.facility,
            instructor=instructor,
            rank=1,
            status=Placement.Status.IN_PRACTICE,
            proposed_at=now - dt.timedelta(days=40),
            decided_at=now - dt.timedelta(days=35),
            started_at=now - dt.timedelta(days=20),
        )
        self.rubric = rubric
        monday = today - dt.timedelta(days=today.weekday() + 7)
        self.days = [monday + dt.timedelta(days=i) for i in range(3)]


@pytest.fixture
def city(transactional_db):
    return PracticeCity()


def _add_entry(page, day: dt.date, hours: str, description: str) -> None:
    page.fill("#id_date", day.isoformat())
    page.fill("#id_hours", hours)
    page.select_option("#id_activity", "casework")
    page.fill("#id_description", description)
    page.click("[data-testid=send-entry]")


def _entries(page):
    return page.locator("[data-testid=entry]")


def test_practice_journey(browser, live_server, city, settings):  # noqa: F811
    from playwright.sync_api import expect

    from ctxh.documents.tests.helpers import pdf_text
    from ctxh.practicum.models import Evaluation, LogEntry

    settings.CTXH_BASE_URL = live_server.url  # printed in the letter under its QR code
    base = live_server.url
    placement = city.placement
    logbook_url = f"{base}/practicum/placements/{placement.pk}/logbook/"
    evaluations_url = f"{base}/practicum/placements/{placement.pk}/evaluations/"
    contexts: list = []
    step = "log"
    try:
        # --- the student logs two days on a desktop ------------------------------------
        student = _open(browser, contexts, DESKTOP)
        _sign_in(student, base, "mai")
        student.goto(f"{base}/practicum/")
        student.locator("[data-testid=board-hours] a[href$='/logbook/']").click()
        student.wait_for_url(logbook_url)
        for n, (day, (hours, text)) in enumerate(zip(city.days[:2], DAYS[:2], strict=True)):
            _add_entry(student, day, hours, text)
            expect(_entries(student)).to_have_count(n + 1)  # the page reloads once sent

        # --- the third from a phone whose network drops while sending ------------------
        step = "offline"
        phone = _open(browser, contexts, PHONE)
        _sign_in(phone, base, "mai")
        phone.goto(logbook_url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        contexts[-1].set_offline(True)
        hours, text = DAYS[2]
        _add_entry(phone, city.days[2], hours, text)
        status = phone.locator("[data-offline-status]")
        expect(status).to_contain_text("đã được lưu trên thiết bị này")
        assert LogEntry.objects.count() == 2
        contexts[-1].set_offline(False)  # the "online" event sends it, then the page reloads
        expect(_entries(phone)).to_have_count(3)
        expect(_entries(phone).filter(has_text=text)).to_have_count(1)
        assert LogEntry.objects.filter(description=text).count() == 1
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert LogEntry.objects.filter(status="submitted").count() == 3
        for url in (f"{base}/practicum/", evaluations_url, f"{base}/accounts/profile/"):
            phone.goto(url)  # the student's other pages fit the phone too
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url

        # --- the field instructor approves the week in one action ----------------------
        step = "approve"
        instructor = _open(browser, contexts, DESKTOP)
        _sign_in(instructor, base, "instructor")
        instructor.goto(f"{base}/practicum/?period={placement.period_id}")
        instructor.locator("[data-testid=to-approve] a").click()
        expect(instructor.locator("[data-testid=count]")).to_have_text("3")
        assert instructor.locator("[data-testid=approve-week]").count() == 1
        instructor.click("[data-testid=approve-week]")  # the confirmation is accepted
        instructor.locator("[data-testid=empty]").wait_for()
        assert LogEntry.objects.filter(status="approved").count() == 3

        # --- both final evaluations, visible to the other side only once all are in ----
        step = "evaluate-instructor"
        instructor.goto(evaluations_url)
        instructor.click("[data-testid=due-instructor_final]")
        for competency in city.rubric.competencies.all():
            instructor.select_option(f"select[name=score-{competency.pk}]", "4")
        instructor.fill("#id_comment", "Sinh viên chủ động, tôn trọng thân chủ.")
        instructor.click("button[type=submit][data-confirm]")
        instructor.wait_for_url(evaluations_url)
        instructor.locator("[data-testid=evaluation-instructor_final]").wait_for()

        step = "evaluate-student"
        student.goto(evaluations_url)
        student.locator("[data-testid=blind]").wait_for()
        assert student.locator("[data-testid=evaluation-instructor_final]").count() == 0
        for n, kind in enumerate(("student_site", "student_instructor")):
            student.click(f"[data-testid=due-{kind}]")
            student.select_option("#id_rating", "5")
            student.fill("#id_comment", "Cơ sở hướng dẫn tận tình.")
            student.click("button[type=submit][data-confirm]")
            student.wait_for_url(evaluations_url)
            if n == 0:  # one of the student's two is in: still blind both ways
                assert student.locator("[data-testid=evaluation-instructor_final]").count() == 0
                instructor.goto(evaluations_url)
                assert instructor.locator("[data-testid=evaluation-student_site]").count() == 0
        student.locator("[data-testid=evaluation-instructor_final]").wait_for()
        assert "tôn trọng thân chủ" in student.locator("main").inner_text()
        instructor.goto(evaluations_url)
        instructor.locator("[data-testid=evaluation-student_site]").wait_for()
        instructor.locator("[data-testid=evaluation-student_instructor]").wait_for()
        assert Evaluation.objects.filter(placement=placement).count() == 3

        # --- the facility confirms completion ------------------------------------------
        step = "complete"
        facility = _open(browser, contexts, DESKTOP)
        _sign_in(facility, base, "manager")
        facility.goto(f"{base}/practicum/placements/{placement.pk}/")
        expect(facility.locator("[data-testid=complete]")).to_be_enabled()
        facility.click("[data-testid=complete]")
        expect(facility.locator("[data-testid=status]")).to_have_text("Hoàn thành")

        # --- the student downloads the completion letter; it verifies ------------------
        step = "letter"
        student.goto(f"{base}/practicum/placements/{placement.pk}/")
        with student.expect_download() as download:
            student.click("[data-testid=completion-letter]")
        text = pdf_text(Path(download.value.path()).read_bytes())
        flat = " ".join(text.split())
        assert STUDENT in flat and FACILITY in flat, flat
        assert re.search(r"\b16\b", flat) and "giờ" in flat, flat
        assert "GIẤY XÁC NHẬN" in flat.upper()

        step = "verify"
        found = re.search(r"https?://\S+?/verify/[\w-]+/", text.replace("\n", ""))
        assert found, text
        stranger = _open(browser, contexts, PHONE)
        stranger.goto(found.group(0))
        valid = stranger.locator("[data-testid=verify-valid]")
        assert "Văn bản thật và còn hiệu lực." in valid.inner_text()
        assert stranger.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [p for context in contexts for p in context.pages]
        for i, p in enumerate(pages):
            p.screenshot(path=str(ARTIFACTS / f"practice-{step}-{i}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
