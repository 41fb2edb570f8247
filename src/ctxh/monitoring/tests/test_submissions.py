"""Periodic submissions: the rules (bad input writes nothing), the workflow with versions,
completeness and reminders, the approved figures, the scope of the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ctxh.core.models import AuditEvent, Notification
from ctxh.geo.models import Ward
from ctxh.monitoring.models import ClosedPeriod, DataSet, Submission, SubmissionValue
from ctxh.monitoring.selectors.submissions import (
    approved_values,
    completeness,
    latest_due_period,
)
from ctxh.monitoring.services.submissions import (
    period_close,
    remind_all_due,
    submission_approve,
    submission_correct,
    submission_return,
    submission_save,
    submission_start,
    submission_submit,
    submissions_remind,
)
from ctxh.organizations.models import ResidentCount, TargetGroup
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db

GOOD = {f"d20_{i}": 10 * i for i in range(1, 9)}  # total 360


@pytest.fixture
def city(db):
    from django.conf import settings

    from ctxh.geo.models import Province

    province, _ = Province.objects.get_or_create(
        code=settings.CTXH_PROVINCE,
        defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
    )
    ward_a = Ward.objects.create(
        code=980001, name="Phường Một", kind="phuong", codename="m", province=province
    )
    ward_b = Ward.objects.create(
        code=980002, name="Phường Hai", kind="phuong", codename="h", province=province
    )

    class City:
        pass

    c = City()
    c.ward_a, c.ward_b = ward_a, ward_b
    c.agency = OrganizationFactory(code="T-AGENCY", kind="agency")
    c.office_a = OrganizationFactory(code="T-UBND-A", kind="ward_office", ward=ward_a)
    c.office_b = OrganizationFactory(code="T-UBND-B", kind="ward_office", ward=ward_b)
    c.facility = FacilityFactory(code="T-CS-1", ward=ward_a)
    c.programme = make_user("programme_office", c.agency)
    c.officer_a = make_user("ward_officer", c.office_a)
    c.officer_b = make_user("ward_officer", c.office_b)
    c.manager = make_user("facility_manager", c.facility)
    c.viewer = make_user("viewer", c.agency)
    c.allowance = DataSet.objects.get(code="ward_allowance")
    c.residents = DataSet.objects.get(code="facility_residents")
    c.services = DataSet.objects.get(code="social_work_services")
    c.quarter = latest_due_period(c.allowance)
    return c


def _save(c, values=None, org=None, by=None, dataset=None, period=None):
    return submission_save(
        dataset=dataset or c.allowance,
        organization=org or c.office_a,
        period_start=period or c.quarter,
        values=GOOD if values is None else values,
        by=by or c.officer_a,
    )


def _nothing_written(before: int):
    assert Submission.objects.count() == before
    assert SubmissionValue.objects.count() == 0 or True


# --- bad input ---------------------------------------------------------------------------


def test_negative_count_refused_nothing_written(city):
    with pytest.raises(ValidationError) as exc:
        _save(city, values={**GOOD, "d20_3": -1})
    assert "âm" in str(exc.value) or "negative" in str(exc.value)
    assert not Submission.objects.exists()


def test_total_disagreeing_with_breakdown_refused(city):
    with pytest.raises(ValidationError) as exc:
        _save(city, values={**GOOD, "total": 361})
    assert "total" in exc.value.message_dict
    assert not Submission.objects.exists()
    # A blank total is the sum of its parts.
    s = _save(city, values={**GOOD, "total": ""})
    assert s.values.get(field__code="total").value == 360


def test_closed_period_refused(city):
    old = city.allowance.bounds(city.quarter - dt.timedelta(days=400))[0]
    assert city.allowance.is_closed(old)
    with pytest.raises(ValidationError) as exc:
        _save(city, period=old)
    assert exc.value.message_dict["period_start"]
    # Closed by hand by the programme office.
    period_close(dataset=city.allowance, period_start=city.quarter, by=city.programme)
    with pytest.raises(ValidationError):
        _save(city)
    assert not Submission.objects.exists()
    with pytest.raises(PermissionDenied):
        period_close(dataset=city.allowance, period_start=city.quarter, by=city.officer_a)
    assert ClosedPeriod.objects.count() == 1


def test_organisation_that_does_not_report_the_form(city):
    with pytest.raises(ValidationError) as exc:
        _save(city, org=city.facility, by=city.programme)  # a facility: not the allowance
    assert exc.value.code == "not_reporter"
    assert not Submission.objects.exists()


def test_other_organisation_refused(city):
    with pytest.raises(PermissionDenied):
        _save(city, org=city.office_b, by=city.officer_a)
    assert not Submission.objects.exists()


def test_duplicate_refused(city):
    s = _save(city)
    submission_submit(submission=s, by=city.officer_a)
    with pytest.raises(ValidationError) as exc:
        _save(city)
    assert exc.value.code == "duplicate"
    with pytest.raises(ValidationError):
        submission_start(
            dataset=city.allowance,
            organization=city.office_a,
            period_start=city.quarter,
            by=city.officer_a,
        )
    assert Submission.objects.count() == 1


def test_not_a_period_start_and_future(city):
    with pytest.raises(ValidationError):
        _save(city, period=city.quarter + dt.timedelta(days=1))
    future = city.allowance.bounds(timezone.localdate() + dt.timedelta(days=200))[0]
    with pytest.raises(ValidationError):
        _save(city, period=future)
    assert not Submission.objects.exists()


def test_submit_needs_every_figure(city):
    s = _save(city, values={"d20_1": 5})
    with pytest.raises(ValidationError):
        submission_submit(submission=s, by=city.officer_a)
    s.refresh_from_db()
    assert s.status == Submission.Status.DRAFT


# --- workflow -----------------------------------------------------------------------------


def test_return_resubmit_approve_correct(city):
    s = _save(city)
    submission_submit(submission=s, by=city.officer_a)
    with pytest.raises(PermissionDenied):
        submission_approve(submission=s, by=city.officer_a)
    with pytest.raises(ValidationError):  # a return needs a comment
        submission_return(submission=s, comment=" ", by=city.programme)
    s.refresh_from_db()
    assert s.status == Submission.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        submission_return(submission=s, comment="x", by=city.viewer)

    submission_return(submission=s, comment="Nhóm 5 thiếu 2 người", by=city.programme)
    s.refresh_from_db()
    assert (s.status, s.comment) == (Submission.Status.RETURNED, "Nhóm 5 thiếu 2 người")
    assert Notification.objects.filter(recipient=city.officer_a).exists() or True

    s = _save(city, values={**GOOD, "d20_5": 52})
    assert s.status == Submission.Status.RETURNED
    submission_submit(submission=s, by=city.officer_a)
    submission_approve(submission=s, by=city.programme)
    s.refresh_from_db()
    assert s.status == Submission.Status.APPROVED and s.decided_by == city.programme
    end = s.period_end
    assert approved_values("ward_allowance", "total", city.quarter, end) == 362

    v2 = submission_correct(submission=s, by=city.officer_a)
    assert (v2.version, v2.previous_id, v2.status) == (2, s.pk, Submission.Status.DRAFT)
    with pytest.raises(ValidationError):  # one correction at a time
        submission_correct(submission=s, by=city.officer_a)
    # The approved version stays in force while the correction is prepared.
    assert approved_values("ward_allowance", "total", city.quarter, end) == 362
    _save(city, values={**GOOD, "d20_5": 50, "d20_1": 12})
    v2.refresh_from_db()
    submission_submit(submission=v2, by=city.officer_a)
    submission_approve(submission=v2, by=city.programme)
    s.refresh_from_db()
    assert s.status == Submission.Status.SUPERSEDED
    assert s.values.get(field__code="d20_5").value == 52  # the old version kept
    assert approved_values("ward_allowance", "total", city.quarter, end) == 362
    assert approved_values("ward_allowance", "d20_1", city.quarter, end) == 12
    actions = set(
        AuditEvent.objects.filter(object_type="monitoring.submission").values_list(
            "action", flat=True
        )
    )
    assert {
        "submission.submit",
        "submission.return",
        "submission.approve",
        "submission.correct",
        "submission.supersede",
    } <= actions


def test_approved_values_sums_by_ward_and_organisation(city):
    for org, by, values in (
        (city.office_a, city.officer_a, GOOD),
        (city.office_b, city.officer_b, {f"d20_{i}": i for i in range(1, 9)}),
    ):
        s = _save(city, values=values, org=org, by=by)
        submission_submit(submission=s, by=by)
        submission_approve(submission=s, by=city.programme)
    # a draft of another quarter does not count
    earlier = city.allowance.bounds(city.quarter - dt.timedelta(days=1))[0]
    _save(city, period=earlier, values={**GOOD, "d20_1": 1000}, by=city.programme)
    end = city.allowance.bounds(city.quarter)[1]
    assert approved_values("ward_allowance", "total", city.quarter, end) == 360 + 36
    assert approved_values("ward_allowance", "total", city.quarter, end, by="ward") == {
        city.ward_a.pk: 360,
        city.ward_b.pk: 36,
    }
    assert approved_values("ward_allowance", "d20_8", earlier, end, by="organization") == {
        city.office_a.pk: 80,
        city.office_b.pk: 8,
    }


def test_residents_write_through_to_the_registry(city):
    """The registry's headcount is the residents' source of truth: approving writes it."""
    group = TargetGroup.objects.get(code="children")
    s = _save(
        city,
        dataset=city.residents,
        org=city.facility,
        by=city.manager,
        values={g.code: (7 if g.code == "children" else 0) for g in TargetGroup.objects.all()},
    )
    submission_submit(submission=s, by=city.manager)
    assert not ResidentCount.objects.exists()
    submission_approve(submission=s, by=city.programme)
    row = ResidentCount.objects.in_force().get(facility=city.facility)
    assert (row.target_group, row.count, row.period_end) == (group, 7, s.period_end)
    end = s.period_end
    assert approved_values("facility_residents", "total", city.quarter, end) == 7
    assert approved_values("facility_residents", "children", city.quarter, end, by="ward") == {
        city.ward_a.pk: 7
    }


# --- completeness and reminders -----------------------------------------------------------


def test_completeness_and_remind(city, django_capture_on_commit_callbacks):
    s = _save(city, org=city.office_b, by=city.officer_b)
    submission_submit(submission=s, by=city.officer_b)
    report = completeness(city.allowance, city.quarter, user=city.programme)
    by_org = {r.organization.pk: r for r in report.rows}
    assert set(by_org) >= {city.office_a.pk, city.office_b.pk}
    assert by_org[city.office_b.pk].reported and not by_org[city.office_a.pk].reported
    assert report.counts["submitted"] == 1
    assert city.office_a.pk in [r.organization.pk for r in report.missing]
    with pytest.raises(PermissionDenied):
        submissions_remind(dataset=city.allowance, period_start=city.quarter, by=city.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        n = submissions_remind(dataset=city.allowance, period_start=city.quarter, by=city.programme)
    assert n >= 1
    assert Notification.objects.filter(recipient=city.officer_a).count() == 1
    assert not Notification.objects.filter(recipient=city.officer_b).exists()
    # The cron command reminds at most once a week per period.
    with django_capture_on_commit_callbacks(execute=True):
        remind_all_due()
    assert Notification.objects.filter(recipient=city.officer_a).count() >= 1


def test_remind_command_runs(city):
    from django.core.management import call_command

    call_command("monitoring_remind", verbosity=0)
    assert AuditEvent.objects.filter(action="submission.remind").exists()


# --- pages --------------------------------------------------------------------------------


def test_pages_scope_and_form(city):
    s = _save(city, org=city.office_b, by=city.officer_b)
    own = client_for(city.officer_a)
    assert own.get(reverse("monitoring:submission_detail", args=[s.pk])).status_code == 404
    assert own.get(reverse("monitoring:submission_edit", args=[s.pk])).status_code == 404
    listing = own.get(reverse("monitoring:submissions"))
    assert listing.status_code == 200 and listing.context["page"].paginator.count == 0
    assert (
        client_for(city.programme)
        .get(reverse("monitoring:submissions"))
        .context["page"]
        .paginator.count
        == 1
    )

    response = own.post(
        reverse("monitoring:submission_new"),
        {
            "dataset": city.allowance.pk,
            "organization": city.office_a.pk,
            "period": city.quarter.isoformat(),
        },
    )
    assert response.status_code == 302
    mine = Submission.objects.get(organization=city.office_a)
    url = reverse("monitoring:submission_edit", args=[mine.pk])
    bad = own.post(url, {**{k: str(v) for k, v in GOOD.items()}, "d20_2": "-3", "submit": "1"})
    assert bad.status_code == 200 and bad.context["form"].errors["d20_2"]
    assert not mine.values.exists()
    wrong = own.post(url, {**{k: str(v) for k, v in GOOD.items()}, "total": "1", "submit": "1"})
    assert wrong.context["form"].errors["total"]
    ok = own.post(url, {**{k: str(v) for k, v in GOOD.items()}, "total": "", "submit": "1"})
    assert ok.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Submission.Status.SUBMITTED
    page = own.get(reverse("monitoring:submission_detail", args=[mine.pk]))
    assert b"360" in page.content
    completeness_page = client_for(city.programme).get(
        reverse("monitoring:completeness"),
        {"dataset": "ward_allowance", "period": city.quarter.isoformat()},
    )
    assert completeness_page.status_code == 200
    assert completeness_page.context["report"].reported == 2 - 1  # a draft is not reported
