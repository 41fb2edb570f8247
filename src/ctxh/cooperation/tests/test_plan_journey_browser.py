"""Journey (issue 14, the plans' part), in headless Chromium through the pages users click:
a partner school's coordinator adds a task to its organisation's plan of the year, then
marks it done with what was delivered and a PDF of evidence → the programme office opens
the cooperation overview and sees the plan's progress move (2 of 2 tasks done), opens the
plan and downloads nothing it should not: the evidence is listed under the task.
Screenshots of every open page are kept in test-artifacts/ on failure.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from ctxh.testing import chromium_executable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
PASSWORD = "Journey-coop-2026"
DESKTOP = {"width": 1366, "height": 900}
TASK = "Tập huấn kỹ năng tham vấn cho cộng tác viên phường"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class City:
    """The standing agency and one partner school bound by an agreement in force, with this
    year's plan holding one task of the school's already done."""

    def __init__(self):
        from ctxh.cooperation.models import ActionPlan, Agreement, Task
        from ctxh.organizations.tests.factories import OrganizationFactory
        from ctxh.testing import make_user

        year = timezone.localdate().year
        self.agency = OrganizationFactory(code="SYT-J", kind="agency", name="Sở Y tế (thử)")
        self.school = OrganizationFactory(
            code="DH-J", kind="school", name="Trường Đại học Lao động - Xã hội (thử)"
        )
        self.programme = make_user(
            "programme_office", self.agency, username="vanphong", password=PASSWORD
        )
        self.coordinator = make_user(
            "school_coordinator", self.school, username="dieuphoi", password=PASSWORD
        )
        self.agreement = Agreement.objects.create(
            title="Thỏa thuận hợp tác phát triển CTXH đến năm 2030",
            number="07/TTHT",
            agency=self.agency,
            signed_on=dt.date(2023, 9, 15),
            starts_on=dt.date(2023, 9, 15),
            ends_on=dt.date(2030, 12, 31),
            areas=["training"],
            status=Agreement.Status.IN_FORCE,
        )
        self.agreement.partners.set([self.school])
        self.plan = ActionPlan.objects.create(agreement=self.agreement, year=year)
        Task.objects.create(
            plan=self.plan,
            title="Kỷ niệm Ngày Công tác xã hội Việt Nam",
            area="social_work_days",
            owner=self.school,
            deadline=dt.date(year, 3, 25),
            expected_product="Lễ kỷ niệm",
            status=Task.Status.DONE,
            result="Đã tổ chức",
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


def test_plan_journey(browser, live_server, city, settings, tmp_path):
    from playwright.sync_api import expect

    from ctxh.cooperation.models import Task

    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    year = city.plan.year
    evidence = tmp_path / "danh-sach-hoc-vien.pdf"
    evidence.write_bytes(PDF)
    contexts: list = []
    step = "start"
    try:
        step = "partner-adds-task"
        contexts.append(browser.new_context(viewport=DESKTOP))
        school = contexts[-1].new_page()
        _sign_in(school, base, "dieuphoi")
        school.goto(f"{base}/cooperation/plans/{city.plan.pk}/")
        expect(school.locator("[data-testid=progress]")).to_contain_text("1/1")
        school.click("[data-testid=add-task]")
        school.fill("#id_title", TASK)
        school.select_option("#id_area", "training")
        school.select_option("#id_owner", str(city.school.pk))
        school.fill("#id_deadline", f"15/12/{year}")
        school.fill("#id_expected_product", "Lớp tập huấn 40 cộng tác viên")
        school.click("[data-testid=save]")
        school.wait_for_url(f"{base}/cooperation/plans/{city.plan.pk}/")
        expect(school.locator("[data-testid=progress]")).to_contain_text("1/2")

        step = "partner-marks-done"
        school.locator("[data-testid=tasks] a", has_text=TASK).click()
        form = school.locator("[data-testid=done-form]")
        form.locator("textarea[name=result]").fill("Đã tập huấn 42 cộng tác viên trong 3 ngày.")
        form.locator("input[type=file]").set_input_files(str(evidence))
        form.locator("button[type=submit]").click()
        expect(school.locator("[data-testid=task-status]")).to_contain_text("Hoàn tất")
        expect(school.locator("[data-testid=file-link]")).to_have_text("danh-sach-hoc-vien.pdf")
        task = Task.objects.get(title=TASK)
        assert task.status == Task.Status.DONE and task.owner == city.school
        stored = task.evidence.get()
        assert stored.file.read() == PDF and stored.uploaded_by == city.coordinator

        step = "office-sees-progress"
        contexts.append(browser.new_context(viewport=DESKTOP))
        office = contexts[-1].new_page()
        _sign_in(office, base, "vanphong")
        office.goto(f"{base}/cooperation/")
        expect(office.locator("[data-testid=year-done]")).to_have_text("2 / 2")
        row = office.locator("tr", has_text=city.agreement.title)
        expect(row).to_contain_text("100%")
        row.locator("a").first.click()
        expect(office.locator("[data-testid=tasks]")).to_contain_text(TASK)
        expect(office.locator("[data-testid=progress]")).to_contain_text("2/2")
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [p for context in contexts for p in context.pages]
        for i, p in enumerate(pages):
            p.screenshot(path=str(ARTIFACTS / f"coop-plan-{step}-{i}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
