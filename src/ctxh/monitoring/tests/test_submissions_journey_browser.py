"""Journey (issue 13), in headless Chromium: a ward officer submits the quarter's allowance
figures → the programme office returns them with a comment → the ward corrects and submits
again → the programme office approves → the figure shows on the submission's page and the
ward counts as reported on the completeness page → the ward's figure on the indicator's
ward breakdown opens the submission → the programme office generates the annual report
(a background job: run at once by the test settings) and its Excel holds the figure. Screenshots in test-artifacts/ on failure.
"""

from __future__ import annotations

import importlib
import io
import os
from pathlib import Path

import pytest

from ctxh.testing import chromium_executable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
PASSWORD = "Journey-monitoring-2026"
FIRST = {f"d20_{i}": 100 * i for i in range(1, 9)}  # 3.600
CORRECTED = {**FIRST, "d20_5": 512}  # 3.612
COMMENT = "Nhóm người cao tuổi thiếu 12 người mới được duyệt trong tháng 9."


@pytest.fixture(scope="module")
def browser():
    executable = chromium_executable()  # skips, or fails in CI (CI=true)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def city(transactional_db):
    from django.apps import apps
    from django.conf import settings

    from ctxh.geo.models import Province, Ward
    from ctxh.monitoring.models import DataSet, Indicator
    from ctxh.organizations.tests.factories import OrganizationFactory
    from ctxh.testing import make_user

    if not DataSet.objects.filter(code="ward_allowance").exists():  # flushed by another test
        importlib.import_module("ctxh.organizations.migrations.0002_reference_lists").load(
            apps, None
        )
        importlib.import_module("ctxh.monitoring.migrations.0003_submission_datasets").load(
            apps, None
        )

    class City:
        pass

    c = City()
    c.agency = OrganizationFactory(code="J-AGENCY", kind="agency", name="Sở Thử")
    province, _ = Province.objects.get_or_create(
        code=settings.CTXH_PROVINCE,
        defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
    )
    c.ward = Ward.objects.create(
        code=969001, name="Phường Hành Trình", kind="phuong", codename="ht", province=province
    )
    c.office = OrganizationFactory(
        code="J-UBND", kind="ward_office", name="UBND Phường Hành Trình", ward=c.ward
    )
    c.programme = make_user("programme_office", c.agency, username="j_programme", password=PASSWORD)
    c.officer = make_user("ward_officer", c.office, username="j_ward", password=PASSWORD)
    c.allowance = DataSet.objects.get(code="ward_allowance")
    # The dashboard's indicator of the allowance recipients (as the demo loads it).
    c.indicator, _ = Indicator.objects.get_or_create(
        code="allowance_recipients",
        defaults={
            "name": "Người hưởng trợ cấp xã hội hằng tháng",
            "unit": "people",
            "theme": "beneficiaries",
            "method": "submission",
            "dataset_code": "ward_allowance",
            "field_code": "total",
            "aggregation": "latest",
            "breakdowns": ["ward"],
        },
    )
    return c


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _open(browser, contexts: list):
    contexts.append(browser.new_context(viewport={"width": 1366, "height": 900}))
    page = contexts[-1].new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _fill(page, values: dict) -> None:
    for code, value in values.items():
        page.fill(f"[data-testid=field-{code}]", str(value))
    page.fill("[data-testid=field-total]", "")  # the sum of the breakdown


def test_submission_journey(browser, live_server, city):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from ctxh.monitoring.models import Submission
    from ctxh.monitoring.selectors.submissions import approved_values

    base = live_server.url
    contexts: list = []
    step = "start"
    try:
        step = "ward-submits"
        ward = _open(browser, contexts)
        _sign_in(ward, base, "j_ward")
        ward.goto(f"{base}/monitoring/submissions/")
        ward.click("[data-testid=new]")
        ward.select_option("#id_dataset", str(city.allowance.pk))
        ward.click("[data-testid=start]")
        ward.wait_for_url("**/edit/")
        # A total that disagrees with its breakdown: refused, nothing submitted.
        for code, value in FIRST.items():
            ward.fill(f"[data-testid=field-{code}]", str(value))
        ward.fill("[data-testid=field-total]", "3599")
        ward.click("[data-testid=submit]")
        expect(ward.locator(".invalid-feedback")).to_contain_text("3.600")
        _fill(ward, FIRST)
        ward.click("[data-testid=submit]")
        expect(ward.locator("[data-testid=status]").first).to_have_attribute(
            "data-status", "submitted"
        )
        submission = Submission.objects.get(organization=city.office)
        detail = f"{base}/monitoring/submissions/{submission.pk}/"

        step = "office-returns"
        office = _open(browser, contexts)
        _sign_in(office, base, "j_programme")
        office.goto(detail)
        expect(office.locator("[data-testid=value-total]")).to_have_text("3.600")
        office.fill("[data-testid=return-comment-input]", COMMENT)
        office.click("[data-testid=do-return]")
        expect(office.locator("[data-testid=status]").first).to_have_attribute(
            "data-status", "returned"
        )

        step = "ward-corrects"
        ward.goto(detail)
        expect(ward.locator("[data-testid=comment]")).to_contain_text(COMMENT)
        ward.click("[data-testid=edit]")
        expect(ward.locator("[data-testid=return-comment]")).to_contain_text(COMMENT)
        _fill(ward, CORRECTED)
        ward.click("[data-testid=submit]")
        expect(ward.locator("[data-testid=status]").first).to_have_attribute(
            "data-status", "submitted"
        )

        step = "office-approves"
        office.goto(detail)
        office.click("[data-testid=do-approve]")
        expect(office.locator("[data-testid=status]").first).to_have_attribute(
            "data-status", "approved"
        )
        expect(office.locator("[data-testid=value-total]")).to_have_text("3.612")
        expect(office.locator("[data-testid=value-d20_5]")).to_have_text("512")
        expect(office.locator("[data-testid=history]")).to_contain_text("submission.return")

        step = "figures-show"
        submission.refresh_from_db()
        assert (
            approved_values(
                "ward_allowance", "total", submission.period_start, submission.period_end
            )
            == 3612
        )
        office.goto(
            f"{base}/monitoring/submissions/completeness/?dataset=ward_allowance"
            f"&period={submission.period_start.isoformat()}"
        )
        row = office.locator(f"[data-testid=reporter][data-org={city.office.code}]")
        expect(row).to_have_attribute("data-reported", "1")
        expect(row.locator("[data-testid=status]")).to_have_attribute("data-status", "approved")
        row.locator("a").click()
        expect(office.locator("[data-testid=value-total]")).to_have_text("3.612")

        step = "dashboard-links"
        # The ward's figure on the indicator's ward breakdown is 3.612 and opens this
        # submission.
        year = submission.period_start.year
        office.goto(f"{base}/monitoring/indicators/{city.indicator.pk}/?year={year}")
        line = office.locator(f"[data-testid=breakdown-ward] tr[data-key='{city.ward.pk}']")
        expect(line.locator("[data-testid=figure-link]")).to_have_text("3.612")
        line.locator("[data-testid=figure-link]").click()
        office.wait_for_url(f"**/monitoring/submissions/{submission.pk}/")
        expect(office.locator("[data-testid=value-total]")).to_have_text("3.612")

        step = "annual-report"
        office.goto(f"{base}/monitoring/reports/")
        office.select_option("#id_kind", "annual")
        office.select_option("#id_year", str(year))
        office.click("[data-testid=generate]")
        office.wait_for_url("**/monitoring/reports/*/")
        state = office.locator("[data-testid=report-state]")
        expect(state).to_have_attribute("data-status", "ready", timeout=30_000)
        with office.expect_download() as download_info:
            office.click("[data-testid=report-xlsx]")
        download = download_info.value
        assert download.suggested_filename == f"bao-cao-ctxh-nam-{year}.xlsx"
        workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
        rows = list(workbook["Chỉ tiêu"].iter_rows(values_only=True))
        allowance = next(r for r in rows if r and r[0] == "allowance_recipients")
        assert allowance[3] == 3612  # the city total: this ward's figure alone
        ward_rows = list(workbook["Theo phường, xã"].iter_rows(values_only=True))
        column = ward_rows[1].index(city.indicator.name)
        assert next(r for r in ward_rows if r and r[0] == city.ward.pk)[column] == 3612
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [p for context in contexts for p in context.pages]
        for i, p in enumerate(pages):
            p.screenshot(path=str(ARTIFACTS / f"monitoring-{step}-{i}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
