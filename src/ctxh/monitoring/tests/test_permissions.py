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
