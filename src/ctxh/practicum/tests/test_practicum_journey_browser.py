"""Journey (issue 10), in headless Chromium through the pages users click: a school
coordinator opens a round and imports its students from Excel → two students rank offers on
their phones (the coordinator enters the third's ranking) → the programme office freezes
the preferences, runs the allocation twice with different lottery seeds, compares the runs
and commits one → the facility accepts one student in bulk with a field instructor and
declines the other with a reason → the second allocation places the declined student at
their second choice → the coordinator issues and downloads the referral letter; its text
names the student and the facility, and the verification address printed in it says, in
Vietnamese, that the letter is genuine.

The city is built so that every outcome is certain: three students of one school rank the
same two offers (Tam Bình: 2 seats, Nhị Xuân: 2 seats). The lottery shuffles the sorted
student ids, so with three students seed "1" leaves the second id last (sent to Nhị Xuân)
and seed "2" the third: the two runs differ by two students whatever the ids are. Tam Bình
then declines one of its two; Nhị Xuân has a seat left for them. Screenshots of every open
page are kept in test-artifacts/ on failure.
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
PASSWORD = "Journey-practicum-2026"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
STUDENTS = [  # code, name, gender (the Excel rows)
    ("SV2401", "Nguyễn Thị Lan", "Nữ"),
    ("SV2402", "Trần Văn Bình", "Nam"),
    ("SV2403", "Lê Thị Hồng", "Nữ"),
]
DECLINE_REASON = "Cơ sở đang sửa chữa khu nội trú nữ trong tháng đầu."


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
    """The programme office, one school, two facilities with a trained field instructor
    each, and a placement period taking preferences with one published offer per facility
    (casework, university year 3, 2 seats)."""

    def __init__(self):
        from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
        from ctxh.practicum.models import Offer, PeriodInstructor, PlacementPeriod, PracticeSite
        from ctxh.testing import make_user
        from ctxh.workforce.models import FieldInstructor
        from ctxh.workforce.tests.factories import PersonFactory, employ

        now = timezone.now()
        today = timezone.localdate()
        self.agency = OrganizationFactory(code="SO-LDTBXH", kind="agency", name="Sở Lao động")
        self.school = OrganizationFactory(
            code="DHLDXH", kind="school", name="Trường Đại học Lao động – Xã hội (Cơ sở II)"
        )
        self.tam_binh = FacilityFactory(code="TTBTTE-TB", name="Trung tâm Bảo trợ Trẻ em Tam Bình")
        self.nhi_xuan = FacilityFactory(code="CSXH-NX", name="Cơ sở Xã hội Nhị Xuân")
        make_user("programme_office", self.agency, username="programme", password=PASSWORD)
        make_user("school_coordinator", self.school, username="coordinator", password=PASSWORD)
        make_user("facility_manager", self.tam_binh, username="tambinh", password=PASSWORD)
        self.period = PlacementPeriod.objects.create(
            organizer=self.agency,
            name="Kỳ thực tập học kỳ II",
            starts_on=today + dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=120),
            preference_deadline=now + dt.timedelta(days=10),
            acceptance_deadline=now + dt.timedelta(days=20),
            max_choices=3,
            status=PlacementPeriod.Status.PREFERENCES,
        )
        self.offers, self.instructors = {}, {}
        for facility, instructor_name in (
            (self.tam_binh, "Võ Thị Kiểm"),
            (self.nhi_xuan, "Đặng Văn Huấn"),
        ):
            PracticeSite.objects.create(
                facility=facility,
                practice_types=["casework"],
                levels=["university_3"],
                address=f"1 Đường Số 1, {facility.name}",
                contact_name="Cô Lan",
            )
            person = PersonFactory(full_name=instructor_name)
            employ(person, facility)
            instructor = PeriodInstructor.objects.create(
                period=self.period,
                facility=facility,
                instructor=FieldInstructor.objects.create(
                    person=person, trained_in_supervision=True, max_students=4
                ),
                capacity=2,
            )
            offer = Offer.objects.create(
                period=self.period,
                facility=facility,
                practice_type="casework",
                level="university_3",
                seats=2,
                status=Offer.Status.PUBLISHED,
                published_at=now,
            )
            offer.instructors.add(instructor)
            self.offers[facility.pk], self.instructors[facility.pk] = offer, instructor


@pytest.fixture
def city(transactional_db):
    return City()


def _students_xlsx(path: Path, round_pk: int) -> Path:
    from openpyxl import Workbook

    from ctxh.core.importing import get_kind

    kind = get_kind("practicum_students")
    wb = Workbook()
    sheet = wb.active
    sheet.title = kind.sheet_title
    sheet.append([c.header for c in kind.columns])
    for code, name, gender in STUDENTS:
        sheet.append([str(round_pk), code, name, gender, "15/04/2004", None, None, "Có"])
    wb.save(path)
    return path


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


def _run(page, seed: str, *, second: bool = False) -> str:
    """Start a run from the runs page (it is on screen) and wait for its preview; return
    the run page's address."""
    page.fill("#id_seed", seed)
    page.click("[data-testid=start-second]" if second else "[data-testid=start-run]")
    page.wait_for_url(re.compile(r".*/practicum/runs/\d+/$"))
    page.locator("[data-testid=outcomes]").wait_for()  # the page reloads once the job ends
    return page.url


def _commit_run(page) -> None:
    from playwright.sync_api import expect

    page.click("[data-testid=commit]")
    page.click("[data-testid=commit-confirm]")  # in the confirmation dialog
    expect(page.locator("[data-testid=run-status]")).to_have_text("Đã chốt")


def test_practicum_journey(browser, live_server, city, settings, tmp_path):
    from playwright.sync_api import expect

    from ctxh.accounts.models import User
    from ctxh.documents.tests.helpers import pdf_text
    from ctxh.practicum.models import AllocationRun, Student
    from ctxh.practicum.services.students import student_username

    settings.CTXH_BASE_URL = live_server.url  # printed in the letter under its QR code
    base = live_server.url
    contexts: list = []  # one browser per user: desktops for offices, phones for students
    tam_binh, nhi_xuan = city.tam_binh, city.nhi_xuan
    step = "round"
    try:
        # --- the school coordinator opens a round and imports its students -------------
        school = _open(browser, contexts, DESKTOP)
        _sign_in(school, base, "coordinator")
        school.goto(f"{base}/practicum/")
        school.locator("[data-testid=board-school]").get_by_role("link", name="Mở đợt mới").click()
        school.fill("#id_name", "Thực hành CTXH cá nhân – khóa 2022")
        school.select_option("#id_practice_type", "casework")
        school.select_option("#id_level", "university_3")
        school.fill("#id_starts_on", f"{city.period.starts_on:%d/%m/%Y}")
        school.fill("#id_ends_on", f"{city.period.ends_on:%d/%m/%Y}")
        school.fill("#id_required_hours", "240")
        school.click("[data-testid=save]")
        school.wait_for_url(re.compile(r".*/practicum/rounds/\d+/$"))
        round_pk = int(re.search(r"/rounds/(\d+)/$", school.url).group(1))

        step = "import"
        school.click("[data-testid=import-link]")
        school.set_input_files("#id_file", str(_students_xlsx(tmp_path / "sv.xlsx", round_pk)))
        school.click("[data-testid=upload]")
        school.locator("[data-testid=import-job][data-status=done]").wait_for()
        assert school.locator("[data-testid=count-new]").inner_text() == "3"
        assert school.locator("[data-testid=count-rejected]").inner_text() == "0"
        for _code, name, _gender in STUDENTS:
            assert name in school.locator("[data-testid=preview-rows]").inner_text()
        school.click("[data-testid=commit]")
        school.locator("[data-testid=committed]").wait_for()
        school.goto(f"{base}/practicum/rounds/{round_pk}/")
        assert school.locator("[data-testid=total]").inner_text() == "3"
        students = {s.student_code: s for s in Student.objects.filter(round_id=round_pk)}
        assert sorted(students) == [code for code, _n, _g in STUDENTS]
        for student in students.values():  # the accounts the import made get a password
            assert student.user.username == student_username(city.school, student.student_code)
            user = User.objects.get(pk=student.user_id)
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])

        # --- two students rank the offers on their phones --------------------------------
        first, second = city.offers[tam_binh.pk], city.offers[nhi_xuan.pk]
        for code, name, _gender in STUDENTS[:2]:
            step = f"rank-{code}"
            phone = _open(browser, contexts, PHONE)
            _sign_in(phone, base, students[code].user.username)
            phone.goto(f"{base}/practicum/")
            board = phone.locator("[data-testid=board-student]")
            board.locator("a[href*='/practicum/preferences/']").click()
            phone.wait_for_url(re.compile(r".*/practicum/preferences/.*"))
            assert phone.locator("[data-testid=no-ranking]").is_visible()
            phone.click(f"[data-testid=add-{first.pk}]")
            phone.locator("[data-testid=ranking]").wait_for()
            phone.click(f"[data-testid=add-{second.pk}]")
            ranking = phone.locator("[data-testid=ranking] li")
            ranking.nth(1).wait_for()
            assert tam_binh.name in ranking.nth(0).inner_text()
            assert nhi_xuan.name in ranking.nth(1).inner_text()
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            phone.goto(f"{base}/practicum/")
            assert tam_binh.name in phone.locator("[data-testid=board-ranking]").inner_text()

        step = "rank-by-school"  # the third student's ranking, entered by the coordinator
        third = students[STUDENTS[2][0]]
        school.click(f"[data-testid=preferences-{third.pk}]")
        assert STUDENTS[2][1] in school.locator("h1").inner_text()
        school.select_option(f"#rank-{first.pk}", "1")
        school.select_option(f"#rank-{second.pk}", "2")
        school.click("[data-testid=save]")
        school.locator("[data-testid=ranking] li").nth(1).wait_for()
        school.goto(f"{base}/practicum/rounds/{round_pk}/")
        assert school.locator("[data-testid=with-preferences]").inner_text() == "3"

        # --- the programme office freezes, runs twice, compares, commits ----------------
        step = "freeze"
        programme = _open(browser, contexts, DESKTOP)
        _sign_in(programme, base, "programme")
        programme.goto(f"{base}/practicum/periods/{city.period.pk}/")
        programme.click("[data-testid=transition-allocation]")
        expect(programme.locator("[data-testid=status]")).to_have_text("Phân bổ")

        step = "runs"
        programme.goto(f"{base}/practicum/?period={city.period.pk}")
        programme.click("[data-testid=board-runs]")
        runs_url = programme.url
        _run(programme, "1")
        assert programme.locator("[data-testid=outcomes] tbody tr").count() == 3
        programme.goto(runs_url)
        _run(programme, "2")
        run_one, run_two = AllocationRun.objects.filter(period=city.period).order_by("number")
        assert (run_one.seed, run_two.seed) == ("1", "2")

        step = "compare"
        programme.goto(runs_url)
        programme.click("[data-testid=compare-runs]")
        programme.select_option("#id_a", str(run_one.pk))
        programme.select_option("#id_b", str(run_two.pk))
        programme.click("[data-testid=compare]")
        programme.locator("[data-testid=compare-figures]").wait_for()
        assert programme.locator("[data-testid=moved-count]").inner_text() == "2"
        moves = programme.locator("[data-testid=moves]").inner_text()
        assert tam_binh.name in moves and nhi_xuan.name in moves

        step = "commit"
        programme.goto(f"{base}/practicum/runs/{run_two.pk}/")
        _commit_run(programme)

        # --- the facility accepts one student in bulk and declines the other -----------
        step = "decide"
        facility = _open(browser, contexts, DESKTOP)
        _sign_in(facility, base, "tambinh")
        facility.goto(f"{base}/practicum/")
        facility.click("[data-testid=decide]")
        rows = facility.locator("[data-testid=proposal]")
        assert rows.count() == 2
        accepted_name, declined_name = (
            [name for _c, name, _g in STUDENTS if name in rows.nth(i).inner_text()][0]
            for i in (0, 1)
        )
        row = rows.filter(has_text=accepted_name)
        row.locator("[data-testid=select]").check()
        instructor = row.locator("[data-testid=instructor]")
        instructor.wait_for()
        assert instructor.input_value() == str(city.instructors[tam_binh.pk].pk)
        facility.click("[data-testid=accept-selected]")
        expect(rows).to_have_count(1)
        assert declined_name in rows.first.inner_text()
        rows.first.locator("[data-testid=select]").check()
        facility.fill("#reason", DECLINE_REASON)
        facility.click("[data-testid=decline-selected]")
        facility.locator("[data-testid=proposals-empty]").wait_for()
        facility.goto(f"{base}/practicum/accepted/?period={city.period.pk}")
        accepted_list = facility.locator("main").inner_text()
        assert accepted_name in accepted_list and "Võ Thị Kiểm" in accepted_list

        # --- the second allocation places the declined student elsewhere ---------------
        step = "second-allocation"
        programme.goto(runs_url)
        _run(programme, "", second=True)
        outcome = programme.locator("[data-testid=outcomes] tbody tr", has_text=declined_name)
        assert nhi_xuan.name in outcome.inner_text()
        _commit_run(programme)
        declined = Student.objects.get(full_name=declined_name)

        # --- the school downloads the referral letter; its code verifies ---------------
        step = "letter"
        school.goto(f"{base}/practicum/?period={city.period.pk}")
        school.locator("[data-testid=board-school]").get_by_role(
            "link", name="Thực hành CTXH cá nhân – khóa 2022"
        ).click()
        school.click(f"[data-testid=placement-{declined.pk}]")
        assert nhi_xuan.name in school.locator("main").inner_text()
        school.click("[data-testid=referral-letter]")
        with school.expect_download() as download:
            school.click("[data-testid=issue-letter]")
        pdf = Path(download.value.path()).read_bytes()
        text = pdf_text(pdf)
        assert declined_name in text and nhi_xuan.name in text
        assert tam_binh.name not in text
        assert "GIẤY GIỚI THIỆU" in text

        step = "verify"
        found = re.search(r"https?://\S+?/verify/[\w-]+/", text.replace("\n", ""))
        assert found, text
        stranger = _open(browser, contexts, PHONE)  # anyone with the paper, not signed in
        stranger.goto(found.group(0))
        valid = stranger.locator("[data-testid=verify-valid]")
        assert "Văn bản thật và còn hiệu lực." in valid.inner_text()
        holder = stranger.locator("[data-testid=verify-holder]").inner_text()
        assert holder.startswith(declined_name.split()[0]) and holder != declined_name
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [p for context in contexts for p in context.pages]
        for i, p in enumerate(pages):
            p.screenshot(path=str(ARTIFACTS / f"practicum-{step}-{i}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
