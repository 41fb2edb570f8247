"""The permission matrix of the cooperation pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "cooperation:index",
        allowed=("programme", "viewer", "manager_a", "ward_officer_a", "coordinator", "trainer"),
        forbidden_role=("nobody",),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- events ---
# Objects: ctxh/cooperation/tests/world_events.py (event_a led by the school, open, now;
# registration_a of person_a; presentation_a; event_held with an attendee).


def _local(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _event_data(w, title="Hội thảo mới"):
    return {
        "kind": "workshop",
        "level": "city",
        "title": title,
        "lead_organizer": w.school.pk,
        "starts_at": "2030-05-01T08:00",
        "ends_at": "2030-05-01T11:00",
        "registration_mode": "open",
    }


def _edit_data(w):
    return {
        **_event_data(w, "Hội thảo thử (sửa)"),
        "starts_at": _local(w.event_a.starts_at),
        "ends_at": _local(w.event_a.ends_at),
        "registration_deadline": _local(w.event_a.registration_deadline),
        "capacity": "5",
    }


_EVENT = {"kwargs": lambda w: {"pk": w.event_a.pk}}
_MANAGE = {"allowed": ("coordinator", "programme"), "other_org": ("coordinator_b", "manager_a")}
EVERYONE = ("programme", "viewer", "coordinator", "student", "manager_a")

EVENT_CASES = register(
    ViewCase("cooperation:events", methods=("get",), allowed=EVERYONE, forbidden_role=("nobody",)),
    ViewCase(
        "cooperation:event_create",
        allowed=("programme", "coordinator"),
        forbidden_role=("viewer", "nobody"),
        data=_event_data,
        writes=True,
    ),
    ViewCase(
        "cooperation:event_propose",
        methods=("post",),
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer", "nobody"),
        data=lambda w: {"year": "2031"},
        writes=True,
    ),
    ViewCase(
        "cooperation:event_detail",
        methods=("get",),
        allowed=EVERYONE,
        forbidden_role=("nobody",),
        **_EVENT,
    ),
    ViewCase(
        "cooperation:event_edit",
        forbidden_role=("viewer", "nobody"),
        data=_edit_data,
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_transition",
        methods=("post",),
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"to": "held"},
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_register",
        allowed=("manager_b", "programme", "student"),
        forbidden_role=("nobody",),
        data=lambda w: {"action": "self"},
        writes=True,
        **_EVENT,
    ),
    ViewCase(
        "cooperation:registration_cancel",
        kwargs=lambda w: {"pk": w.registration_a.pk},
        allowed=("person_user_a", "coordinator", "programme"),
        other_org=("manager_b", "coordinator_b"),
        forbidden_role=("nobody",),
        writes=True,
    ),
    ViewCase(
        "cooperation:event_qr",
        methods=("get",),
        forbidden_role=("viewer", "nobody"),
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_checkin",
        kwargs=lambda w: {"token": w.event_a.checkin_token},
        allowed=("person_user_a", "programme", "student"),
        forbidden_role=("nobody",),
        writes=True,
    ),
    ViewCase(
        "cooperation:event_attendance",
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"action": "ticks", "attended": [w.registration_a.pk]},
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_certificates",
        kwargs=lambda w: {"pk": w.event_held.pk},
        forbidden_role=("viewer", "nobody"),
        writes=True,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_certificates_pdf",
        kwargs=lambda w: {"pk": w.event_held.pk},
        methods=("get",),
        allowed_status=302,
        forbidden_role=("viewer", "nobody"),
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:presentation_create",
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"title": "Tham luận mới", "authors": "TS. Lê Thị B", "order": "2"},
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:presentation_edit",
        kwargs=lambda w: {"pk": w.presentation_a.pk},
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"title": "Tham luận (sửa)", "authors": "TS. Lê Thị B", "order": "1"},
        writes=True,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:proceedings",
        methods=("get",),
        allowed=("programme", "viewer", "student"),
        forbidden_role=("nobody",),
        **_EVENT,
    ),
)


@pytest.mark.parametrize("case", EVENT_CASES, ids=lambda c: c.id)
def test_event_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
