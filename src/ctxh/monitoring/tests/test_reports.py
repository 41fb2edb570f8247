"""The programme reports: exact figures on a small world, the Excel workbook and the PDF read
back, the public verification, a re-render identical to the first, bad periods refused,
and (on PostgreSQL) one consistent snapshot while the data change under it."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ctxh.core.models import AuditEvent, Job
from ctxh.core.scoping import SYSTEM
from ctxh.documents.models import Document
from ctxh.documents.services import render_pdf
from ctxh.documents.tests.helpers import pdf_text
from ctxh.monitoring.models import Indicator, Report, SubmissionValue
from ctxh.monitoring.report_output import pdf_inputs, render_xlsx
from ctxh.monitoring.selectors.reports import build_snapshot, consistent_read
from ctxh.monitoring.services.indicators import target_save
from ctxh.monitoring.services.reports import generate_report, report_start
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for

from .test_indicators import YEAR, world  # noqa: F401  (the small world fixture)

pytestmark = pytest.mark.django_db

ALLOWANCE = {f"d20_{i}": 100 * i for i in range(1, 9)}  # 3.600


def allowance_indicator() -> Indicator:
    """The demo's indicator of the allowance recipients (the latest quarter's total)."""
    indicator, _created = Indicator.objects.get_or_create(
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
            "order": 90,
        },
    )
    return indicator


def approved_allowance(office, values=None):
    """``office``'s approved allowance figures of the latest ended quarter."""
    from ctxh.monitoring.models import DataSet
    from ctxh.monitoring.selectors.submissions import latest_due_period
    from ctxh.monitoring.services.submissions import (
        submission_approve,
        submission_save,
        submission_submit,
    )

    dataset = DataSet.objects.get(code="ward_allowance")
    submission = submission_save(
        dataset=dataset,
        organization=office,
        period_start=latest_due_period(dataset),
        values=values or ALLOWANCE,
        by=SYSTEM,
    )
    submission_submit(submission=submission, by=SYSTEM)
    return submission_approve(submission=submission, by=SYSTEM)


def _generate(world, django_capture_on_commit_callbacks, **kwargs) -> Report:  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        report = report_start(by=world.programme, **({"year": YEAR} | kwargs))
    report.refresh_from_db()
    return report


def _sheet_rows(content: bytes, title: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


def _row(rows: list[tuple], first) -> tuple:
    return next(r for r in rows if r and r[0] == first)


@pytest.fixture
def reported(world, django_capture_on_commit_callbacks):  # noqa: F811
    """The small world with an allowance indicator, ward A's approved allowance figures
    (3.600), a target, and the annual report generated through its job."""
    allowance_indicator()
    approved_allowance(world.office_a)
    wards = Indicator.objects.get(code="wards_with_staff")
    target_save(by=world.programme, indicator=wards, year=YEAR, value=55)
    world.report = _generate(world, django_capture_on_commit_callbacks)
    return world


def test_report_figures_are_exact_on_a_small_world(reported):
    w, report = reported, reported.report
    assert report.status == Report.Status.READY, report.error
    assert report.job.status == Job.Status.DONE and report.job.progress == 100
    s = report.snapshot
    assert s["title"] == (
        f"Báo cáo kết quả thực hiện Chương trình phát triển công tác xã hội năm {YEAR}"
    )
    n = s["network"]
    assert n["facilities_total"] == 2  # the inactive facility is not counted
    assert n["providing_services"] == 1 and n["providing_share"] == 50.0
    assert n["residents_total"] == 19  # 12 children + 7 elderly, the latest period
    assert {g["code"]: g["count"] for g in n["residents_by_group"]} == {
        "children": 12,
        "elderly": 7,
    }
    assert (n["wards_total"], n["wards_with_office"], n["wards_with_facility"]) == (2, 2, 2)
    assert s["workforce"]["total"] == 4 and s["workforce"]["without_organization"] == 1
    coverage = {c["label"]: (c["covered"], c["total"]) for c in s["workforce"]["coverage"]}
    assert sorted(coverage.values()) == [(1, 2), (1, 2)]
    t = s["training"]
    assert (t["classes"], t["participant_times"], t["people"], t["completed"]) == (1, 1, 1, 1)
    assert t["trained"]["trained"] == 1 and t["trained"]["total"] == 3
    assert t["trained"]["percent"] == 33.33
    assert s["practicum"] == {"periods": [], "placed": 0, "accepted": 0, "completed": 0}
    indicators = {r["code"]: r for r in s["indicators"]}
    assert indicators["wards_with_staff"]["value"] == 50
    assert indicators["wards_with_staff"]["target_year"] == 55
    assert indicators["wards_with_staff"]["light"] == "amber"  # within 10 % of 55
    assert indicators["allowance_recipients"]["value"] == 3600
    ward_rows = {r["code"]: r["values"] for r in s["wards"]["rows"]}
    column = [i["code"] for i in s["wards"]["indicators"]].index("allowance_recipients")
    assert ward_rows[w.ward_a.pk][column] == 3600 and ward_rows[w.ward_b.pk][column] is None
    assert AuditEvent.objects.filter(action="report.start", actor=w.programme).exists()
    assert AuditEvent.objects.filter(action="report.finish").exists()


def test_excel_reads_back_numbers_as_numbers(reported):
    report = reported.report
    content = report.xlsx.read()
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [
        "Thông tin chung",
        "Mạng lưới",
        "Nhân lực",
        "Đào tạo",
        "Thực tập",
        "Chỉ tiêu",
        "Theo phường, xã",
    ]
    indicators = _sheet_rows(content, "Chỉ tiêu")
    assert indicators[1][:4] == ("Mã", "Chỉ tiêu", "Đơn vị", f"Kết quả {YEAR}")
    assert _row(indicators, "wards_with_staff")[3:6] == (50, 55, 90)
    assert _row(indicators, "allowance_recipients")[3] == 3600
    network = _sheet_rows(content, "Mạng lưới")
    assert _row(network, "Tổng cộng")[2] == 2
    wards = _sheet_rows(content, "Theo phường, xã")
    header = wards[1]
    ward_a = _row(wards, reported.ward_a.pk)
    assert ward_a[1] == "Phường An"
    assert ward_a[header.index("Người hưởng trợ cấp xã hội hằng tháng")] == 3600
    practicum = _sheet_rows(content, "Thực tập")
    assert _row(practicum, "Tổng cộng")[3:] == (0, 0, 0)


def test_pdf_reads_back_and_verifies(reported):
    report = reported.report
    document = report.document
    assert document.kind == "report" and document.reference.startswith("1/BC-")
    assert document.organization == reported.agency
    text = pdf_text(render_pdf(document))
    flat = " ".join(text.split())
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH PHÁT TRIỂN CÔNG TÁC XÃ HỘI" in flat
    assert f"NĂM {YEAR}" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "3.600" in flat and "50,0 %" in flat
    assert document.code in flat and f"Số: {document.reference}" in flat
    page = Client().get(reverse("verify", kwargs={"code": document.code}))
    assert page.status_code == 200
    assert 'data-testid="verify-valid"' in page.content.decode()


def test_rerender_from_the_snapshot_is_identical(reported):
    report = reported.report
    stored = load_workbook(io.BytesIO(report.xlsx.read()))
    again = load_workbook(io.BytesIO(render_xlsx(Report.objects.get(pk=report.pk).snapshot)))
    assert stored.sheetnames == again.sheetnames
    for name in stored.sheetnames:
        first = [tuple(r) for r in stored[name].iter_rows(values_only=True)]
        second = [tuple(r) for r in again[name].iter_rows(values_only=True)]
        assert first == second, name
    # The document was issued from the snapshot: the same inputs, the same PDF.
    assert pdf_inputs(report.snapshot) == report.document.inputs
    assert render_pdf(report.document) == render_pdf(Document.objects.get(pk=report.document.pk))
    # The data change afterwards; the stored report does not.
    approved_allowance(OrganizationFactory(code="M-UB-X", kind="ward_office", ward=reported.ward_b))
    report.refresh_from_db()
    assert {r["code"]: r["value"] for r in report.snapshot["indicators"]}[
        "allowance_recipients"
    ] == 3600


def test_report_pages_and_downloads(reported):
    report = reported.report
    client = client_for(reported.viewer)
    listing = client.get(reverse("monitoring:reports")).content.decode()
    assert report.title in listing and report.document.reference in listing
    assert 'data-testid="report-form"' not in listing  # the viewer reads only
    detail = client.get(reverse("monitoring:report", args=[report.pk])).content.decode()
    assert 'data-testid="report-xlsx"' in detail and 'data-indicator="wards_with_staff"' in detail
    xlsx = client.get(reverse("monitoring:report_xlsx", args=[report.pk]))
    assert xlsx.status_code == 200
    assert _row(_sheet_rows(b"".join(xlsx.streaming_content), "Chỉ tiêu"), "wards_with_staff")
    pdf = client.get(reverse("monitoring:report_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_programme_office_starts_a_report_from_the_page(world, django_capture_on_commit_callbacks):  # noqa: F811
    client = client_for(world.programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:report_generate"),
            {"kind": "period", "start": f"01/01/{YEAR}", "end": f"30/06/{YEAR}"},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:report", args=[report.pk])
    assert report.kind == "period" and report.status == "ready"
    assert report.snapshot["title"].endswith(f"từ ngày 01/01/{YEAR} đến ngày 30/06/{YEAR}")
    # Classes starting within the period only: the small world's class is in November.
    assert report.snapshot["training"]["classes"] == 0


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "period", "start": f"30/06/{YEAR}", "end": f"01/01/{YEAR}"}, "end"),
        ({"kind": "period", "start": "01/01/2019", "end": "31/12/2019"}, "end"),
        ({"kind": "period", "start": "", "end": f"01/01/{YEAR}"}, "start"),
        ({"kind": "annual", "year": ""}, "year"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_written(world, data, field):  # noqa: F811
    response = client_for(world.programme).post(reverse("monitoring:report_generate"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Report.objects.exists() and not Job.objects.exists()


def test_only_the_programme_office_generates(world):  # noqa: F811
    with pytest.raises(PermissionDenied):
        report_start(by=world.viewer, year=YEAR)
    with pytest.raises(ValidationError):
        report_start(by=world.programme, year=2035)
    assert not Report.objects.exists()


def test_a_failing_report_is_marked_failed_with_nothing_issued(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def broken(snapshot):
        raise RuntimeError("hỏng")

    monkeypatch.setattr("ctxh.monitoring.services.reports.render_xlsx", broken)
    report = _generate(world, django_capture_on_commit_callbacks)
    assert report.status == Report.Status.FAILED and "hỏng" in report.error
    assert report.job.status == Job.Status.FAILED
    assert report.document is None and not Document.objects.filter(kind="report").exists()


# --- one consistent snapshot (PostgreSQL) ---


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="REPEATABLE READ is PostgreSQL's; on SQLite a read transaction is a snapshot "
    "already and a second writer would wait for the test's own lock",
)
@pytest.mark.django_db(transaction=True)
def test_snapshot_is_consistent_while_a_submission_changes(settings):
    import importlib

    from django.apps import apps

    from ctxh.geo.models import Province, Ward
    from ctxh.monitoring.models import DataSet

    if not DataSet.objects.filter(code="ward_allowance").exists():  # flushed before
        importlib.import_module("ctxh.organizations.migrations.0002_reference_lists").load(
            apps, None
        )
        importlib.import_module("ctxh.monitoring.migrations.0003_submission_datasets").load(
            apps, None
        )
    province, _ = Province.objects.get_or_create(
        code=django_settings.CTXH_PROVINCE,
        defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
    )
    ward = Ward.objects.create(
        code=960101, name="Phường Nhất Quán", kind="phuong", codename="nq", province=province
    )
    office = OrganizationFactory(code="C-UB", kind="ward_office", ward=ward)
    allowance_indicator()
    submission = approved_allowance(office)
    total = SubmissionValue.objects.get(submission=submission, field__code="total")

    def change_in_another_connection():
        from django.db import connections

        try:
            SubmissionValue.objects.filter(pk=total.pk).update(value=9999)
        finally:
            connections.close_all()

    changed = []

    def hook(part: str) -> None:
        if part == "network":  # between two parts: another user's change commits
            thread = threading.Thread(target=change_in_another_connection)
            thread.start()
            thread.join()
            changed.append(SubmissionValue.objects.get(pk=total.pk).value)

    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    with consistent_read():
        snapshot = build_snapshot(kind="annual", start=start, end=end, hook=hook)
    value = {r["code"]: r["value"] for r in snapshot["indicators"]}["allowance_recipients"]
    assert changed == [3600]  # inside the snapshot, the change is not seen …
    assert value == 3600  # … and the report counts the state before it
    assert SubmissionValue.objects.get(pk=total.pk).value == 9999  # it did commit
    with consistent_read():
        after = build_snapshot(kind="annual", start=start, end=end)
    assert {r["code"]: r["value"] for r in after["indicators"]}["allowance_recipients"] == 9999
    # And the whole job, end to end, on PostgreSQL.
    from ctxh.testing import make_user

    agency = OrganizationFactory(code="C-SYT", kind="agency")
    programme = make_user("programme_office", agency)
    settings.CTXH_JOB_ISOLATION = "inline"  # no fork inside the test process
    report = report_start(by=programme, year=YEAR)  # autocommit: the job runs on commit
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert {r["code"]: r["value"] for r in report.snapshot["indicators"]}[
        "allowance_recipients"
    ] == 9999


def test_generate_report_directly_reports_progress(reported):
    steps = []
    report = Report.objects.create(
        kind="annual",
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
        title="x",
        organization=reported.agency,
        created_by=reported.programme,
    )
    parts = []
    generate_report(report, progress=lambda p, m="": steps.append(p), hook=parts.append)
    assert steps == [5, 50, 65, 80, 100]
    assert parts == ["network", "workforce", "training", "practicum", "indicators"]
    assert report.document.reference.startswith("2/BC-")  # the register's next number
