"""The permission matrix of the workforce pages (see ``ctxh.testing``): who may open each
page, who gets 404 or 403, and that a refused request writes nothing."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db


def _person_a(w):
    return {"pk": w.person_a.pk}


def _person_data(w):
    return {
        "full_name": "Nguyễn Thị Ánh",
        "gender": "female",
        "date_of_birth": "17/05/1990",
        "cccd": w.person_a.cccd,
        "staff_type": "collaborator",
        "phone": "0909000111",
    }


# Who keeps person A: the programme office everywhere, facility A's manager.
KEEPERS = ("manager_a", "programme")
NOT_KEEPERS = ("manager_b", "ward_officer_a")  # their scope does not hold person A
READERS = ("viewer", "student", "nobody")

CASES = register(
    ViewCase(
        "workforce:list",
        allowed=("programme", "manager_a", "viewer", "ward_officer_a"),
        forbidden_role=("student", "nobody"),
    ),
    *(
        ViewCase(
            "workforce:export",
            label=fmt,
            kwargs=lambda w, fmt=fmt: {"fmt": fmt},
            allowed=("manager_a", "viewer"),
            forbidden_role=("student", "nobody"),
            logs=("person.export",),
        )
        for fmt in ("xlsx", "csv")
    ),
    ViewCase(
        "workforce:create",
        data=lambda w: {
            "full_name": "Phạm Văn Cường",
            "gender": "male",
            "date_of_birth": "02/03/2001",
            "cccd": "079201000555",
            "staff_type": "staff",
            "major": "social_work",
            "consent_date": "01/09/2024",
            "job-organization": w.facility_a.pk,
            "job-start_date": "01/09/2024",
            "job-position": "Nhân viên",
        },
        allowed=("manager_a", "programme", "ward_officer_a"),
        forbidden_role=READERS,
        writes=True,
    ),
    ViewCase(
        "workforce:statistics",
        allowed=("programme", "viewer"),
        forbidden_role=("manager_a", "ward_officer_a", "nobody"),
    ),
    *(
        ViewCase(
            "workforce:statistics_export",
            label=fmt,
            kwargs=lambda w, fmt=fmt: {"fmt": fmt},
            allowed=("programme", "viewer"),
            forbidden_role=("manager_a", "ward_officer_a", "nobody"),
        )
        for fmt in ("xlsx", "csv")
    ),
    ViewCase(
        "workforce:access_log",
        allowed=("programme", "viewer"),
        forbidden_role=("manager_a", "ward_officer_a", "nobody"),
    ),
    ViewCase(
        "workforce:detail",
        kwargs=_person_a,
        allowed=("manager_a", "programme", "viewer"),
        other_org=NOT_KEEPERS,
        forbidden_role=("student", "nobody"),
    ),
    # Users of another organisation than the person's say why before the data shows; the
    # answer is kept in the session (no audit event, no row) and leads on to the page.
    ViewCase(
        "workforce:access_purpose",
        kwargs=_person_a,
        data=lambda w: {"purpose": "inspection", "next": f"/workforce/{w.person_a.pk}/"},
        allowed=("programme", "viewer"),
        other_org=NOT_KEEPERS,
        forbidden_role=("student", "nobody"),
        allowed_status={"get": 200, "post": 302},
    ),
    ViewCase(
        "workforce:edit",
        kwargs=_person_a,
        data=_person_data,
        allowed=KEEPERS,
        other_org=NOT_KEEPERS,
        forbidden_role=READERS,
        writes=True,
    ),
    ViewCase(
        "workforce:employment_start",
        kwargs=_person_a,
        data=lambda w: {
            "organization": w.facility_a.pk,
            "start_date": "01/01/2025",
            "position": "Phó phòng",
        },
        allowed=KEEPERS,
        other_org=NOT_KEEPERS,
        forbidden_role=READERS,
        writes=True,
    ),
    ViewCase(
        "workforce:employment_end",
        kwargs=lambda w: {"pk": w.person_a.pk, "employment_pk": w.employment_a.pk},
        data=lambda w: {"end_date": "30/06/2025"},
        allowed=KEEPERS,
        other_org=NOT_KEEPERS,
        forbidden_role=READERS,
        writes=True,
    ),
    ViewCase(
        "workforce:certificate_add",
        kwargs=_person_a,
        data=lambda w: {
            "kind": "supervision_training",
            "number": "KH-9",
            "issued_on": "05/05/2024",
        },
        allowed=KEEPERS,
        other_org=NOT_KEEPERS,
        forbidden_role=READERS,
        writes=True,
    ),
    ViewCase(
        "workforce:field_instructor",
        kwargs=_person_a,
        data=lambda w: {
            "trained_in_supervision": "on",
            "since": "01/06/2024",
            "max_students": "4",
            "active": "on",
        },
        allowed=KEEPERS,
        other_org=NOT_KEEPERS,
        forbidden_role=READERS,
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
