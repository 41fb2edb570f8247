"""The permission matrix of the monitoring pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "monitoring:index",
        allowed=("programme", "viewer", "manager_a", "ward_officer_a", "coordinator", "trainer"),
        forbidden_role=("nobody",),
    ),
)

# --- submissions ---
CASES += register(
    ViewCase(
        "monitoring:submissions",
        allowed=("programme", "viewer", "ward_officer_a", "manager_a"),
        forbidden_role=("nobody", "student"),
        methods=("get",),
    ),
    ViewCase(
        "monitoring:submission_new",
        allowed=("programme", "ward_officer_a", "manager_a"),
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {
            "dataset": w.services_form.pk,
            "organization": w.facility_a.pk,
            "period": w.quarter.isoformat(),
        },
        writes=True,
    ),
    ViewCase(
        "monitoring:submission_edit",
        kwargs=lambda w: {"pk": w.submission_a.pk},
        allowed=("programme", "ward_officer_a"),
        other_org=("manager_a", "ward_officer_b"),
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {f"d20_{i}": str(i + 1) for i in range(1, 9)},
        writes=True,
    ),
    ViewCase(
        "monitoring:submission_detail",
        kwargs=lambda w: {"pk": w.submission_a.pk},
        allowed=("programme", "viewer", "ward_officer_a"),
        other_org=("manager_a", "ward_officer_b"),
        forbidden_role=("nobody", "student"),
        methods=("get",),
    ),
    ViewCase(
        "monitoring:submission_transition",
        kwargs=lambda w: {"pk": w.submission_a_sent.pk},
        allowed=("programme",),
        other_org=("manager_a", "ward_officer_b"),
        forbidden_role=("viewer", "ward_officer_a", "nobody"),
        methods=("post",),
        data=lambda w: {"action": "approve"},
        writes=True,
    ),
    ViewCase(
        "monitoring:completeness",
        allowed=("programme", "viewer"),
        forbidden_role=("ward_officer_a", "manager_a", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "monitoring:completeness_remind",
        allowed=("programme",),
        forbidden_role=("viewer", "ward_officer_a", "nobody"),
        methods=("post",),
        data=lambda w: {
            "dataset": "ward_allowance",
            "period": w.quarter.isoformat(),
            "action": "remind",
        },
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- indicators and dashboard ---


def _indicator(world) -> dict:
    from ctxh.monitoring.models import Indicator

    return {"pk": Indicator.objects.get(code="wards_with_staff").pk}


def _manual_indicator(world) -> dict:
    from ctxh.monitoring.models import Indicator

    indicator, _created = Indicator.objects.get_or_create(
        code="perm_manual",
        defaults={"name": "Chỉ tiêu nhập tay", "unit": "percent", "theme": "beneficiaries",
                  "method": "manual", "breakdowns": ["ward"]},
    )  # fmt: skip
    return {"pk": indicator.pk}


CITY_FIGURES = ("programme", "viewer", "manager_a", "ward_officer_a", "coordinator", "trainer")

INDICATOR_CASES = register(
    ViewCase(
        "monitoring:wards", allowed=CITY_FIGURES, forbidden_role=("nobody",), methods=("get",)
    ),
    ViewCase(
        "monitoring:wards_export",
        allowed=("programme", "ward_officer_a"),
        forbidden_role=("nobody",),
        methods=("get",),
    ),
    ViewCase(
        "monitoring:indicators", allowed=CITY_FIGURES, forbidden_role=("nobody",), methods=("get",)
    ),
    ViewCase(
        "monitoring:indicator",
        kwargs=_indicator,
        allowed=CITY_FIGURES,
        forbidden_role=("nobody",),
        methods=("get",),
    ),
    ViewCase(
        "monitoring:target_edit",
        kwargs=_indicator,
        allowed=("programme",),
        forbidden_role=("viewer", "manager_a", "ward_officer_a", "nobody"),
        data=lambda w: {"year": 2028, "value": "72", "source": "qd3359", "source_note": ""},
        writes=True,
    ),
    ViewCase(
        "monitoring:value_edit",
        kwargs=_manual_indicator,
        allowed=("programme",),
        forbidden_role=("viewer", "ward_officer_a", "nobody"),
        data=lambda w: {"year": 2025, "value": "81.5", "note": "Báo cáo năm"},
        writes=True,
    ),
)


@pytest.mark.parametrize("case", INDICATOR_CASES, ids=lambda c: c.id)
def test_indicator_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- reports ---


def _report(world) -> dict:
    """A ready annual report of the current year (generated directly, once per world)."""
    from django.utils import timezone

    from ctxh.monitoring.models import Report
    from ctxh.monitoring.services.reports import generate_report

    report = getattr(world, "monitoring_report", None)
    if report is None:
        year = timezone.localdate().year
        report = Report.objects.create(
            kind="annual",
            period_start=f"{year}-01-01",
            period_end=f"{year}-12-31",
            title=f"Báo cáo năm {year}",
            organization=world.agency,
            created_by=world.programme,
        )
        report.refresh_from_db()
        world.monitoring_report = generate_report(report)
    return {"pk": world.monitoring_report.pk}


REPORT_READERS = ("programme", "viewer")
NOT_REPORT_READERS = ("ward_officer_a", "manager_a", "coordinator", "nobody")

REPORT_CASES = register(
    ViewCase(
        "monitoring:report_generate",
        allowed=("programme",),
        forbidden_role=("viewer", *NOT_REPORT_READERS),
        methods=("post",),
        data=lambda w: {"kind": "annual", "year": "2026"},
        writes=True,
    ),
    ViewCase(
        "monitoring:reports",
        allowed=REPORT_READERS,
        forbidden_role=NOT_REPORT_READERS,
        methods=("get",),
    ),
    ViewCase(
        "monitoring:report",
        kwargs=_report,
        allowed=REPORT_READERS,
        forbidden_role=NOT_REPORT_READERS,
        methods=("get",),
    ),
    ViewCase(
        "monitoring:report_xlsx",
        kwargs=_report,
        allowed=REPORT_READERS,
        forbidden_role=NOT_REPORT_READERS,
        methods=("get",),
    ),
    ViewCase(
        "monitoring:report_pdf",
        kwargs=_report,
        allowed=REPORT_READERS,
        forbidden_role=NOT_REPORT_READERS,
        methods=("get",),
    ),
)


@pytest.mark.parametrize("case", REPORT_CASES, ids=lambda c: c.id)
def test_report_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
