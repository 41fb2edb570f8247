"""Events: bad input refused with a clear message and nothing written, the third Tuesday
of March, the Social Work Days proposed once, registration with the waiting list that
moves up, invitations, check-in by QR code and by registration code, attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ctxh.cooperation.models import Event, Invitation, Registration
from ctxh.cooperation.selectors.events import public_events
from ctxh.cooperation.services import events as services
from ctxh.cooperation.services import registration as reg
from ctxh.core.scoping import SYSTEM
from ctxh.testing import database_snapshot, make_user

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture
def w(permission_world):
    return permission_world


def _event(w, **values):
    now = timezone.now()
    defaults = {
        "kind": Event.Kind.WORKSHOP,
        "title": "Hội thảo",
        "lead_organizer": w.school,
        "starts_at": now + dt.timedelta(days=7),
        "ends_at": now + dt.timedelta(days=7, hours=3),
        "status": Event.Status.OPEN,
        "public": True,
    }
    return Event.objects.create(**{**defaults, **values})


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "day"),
    [(2024, 19), (2025, 18), (2026, 17), (2023, 21), (2022, 15), (2016, 15), (2021, 16)],
)
def test_third_tuesday_of_march(year, day):
    found = services.third_tuesday_of_march(year)
    assert found == dt.date(year, 3, day)
    assert found.weekday() == 1 and 15 <= found.day <= 21


def test_vietnam_social_work_day_number():
    assert services.vn_social_work_day_number(2024) == 8


def test_event_ending_before_it_starts_is_refused(w):
    before = database_snapshot()
    starts = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.event_save(
            by=w.coordinator,
            kind=Event.Kind.WORKSHOP,
            title="Sai giờ",
            lead_organizer=w.school,
            starts_at=starts,
            ends_at=starts - dt.timedelta(hours=1),
        )
    assert "kết thúc trước khi bắt đầu" in str(error.value.message_dict["ends_at"])
    assert database_snapshot() == before


def test_event_for_another_organisation_is_refused(w):
    starts = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        services.event_save(
            by=w.coordinator_b,
            kind=Event.Kind.WORKSHOP,
            title="Của trường khác",
            lead_organizer=w.school,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )


def test_social_work_days_proposed_once(w):
    created = services.propose_social_work_days(year=2024, by=w.programme)
    assert {(e.kind, timezone.localtime(e.starts_at).date()) for e in created} == {
        (Event.Kind.VN_SOCIAL_WORK_DAY, dt.date(2024, 3, 25)),
        (Event.Kind.WORLD_SOCIAL_WORK_DAY, dt.date(2024, 3, 19)),
    }
    assert any("lần thứ 8" in e.title for e in created)
    assert all(e.status == Event.Status.PLANNED and e.lead_organizer == w.agency for e in created)
    assert services.propose_social_work_days(year=2024, by=w.programme) == []
    with pytest.raises(PermissionDenied):
        services.propose_social_work_days(year=2025, by=w.coordinator)


def test_management_command_proposes(w):
    from django.core.management import call_command

    call_command("propose_social_work_days", "2027")
    assert Event.objects.filter(starts_at__year=2027).count() == 2


# --- registration ----------------------------------------------------------------------------


def test_registration_beyond_capacity_goes_to_waiting_list_and_moves_up(w):
    event = _event(w, capacity=2)
    first = reg.register(event=event, by=w.coordinator, full_name="Một", email="1@x.vn")
    second = reg.register(event=event, by=w.coordinator, full_name="Hai", email="2@x.vn")
    third = reg.register(event=event, by=w.coordinator, full_name="Ba", email="3@x.vn")
    fourth = reg.register(event=event, by=w.coordinator, full_name="Bốn", email="4@x.vn")
    assert [first.status, second.status] == [S.REGISTERED, S.REGISTERED]
    assert (third.status, third.waitlist_position) == (S.WAITLISTED, 1)
    assert (fourth.status, fourth.waitlist_position) == (S.WAITLISTED, 2)
    reg.registration_cancel(registration=second, by=w.coordinator)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, third.waitlist_position) == (S.REGISTERED, None)
    assert fourth.status == S.WAITLISTED
    assert reg.seats_left(event) == 0


def test_waiting_list_moves_up_on_commit_mail(w, django_capture_on_commit_callbacks):
    event = _event(w, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = reg.register(event=event, by=w.coordinator, full_name="Một", email="1@x.vn")
        reg.register(event=event, by=w.coordinator, full_name="Hai", email="2@x.vn")
    assert [m.to for m in mail.outbox] == [["1@x.vn"], ["2@x.vn"]]
    assert first.code in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reg.registration_cancel(registration=first, by=w.coordinator)
    assert [m.to for m in mail.outbox] == [["2@x.vn"]]


def test_registration_after_deadline_is_refused(w):
    now = timezone.now()
    event = _event(w, registration_deadline=now - dt.timedelta(hours=1))
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        reg.register(event=event, by=w.manager_b)
    assert error.value.code == "deadline"
    assert "đã đóng" in error.value.messages[0]
    assert database_snapshot() == before


def test_registration_when_not_open_is_refused(w):
    event = _event(w, status=Event.Status.PLANNED)
    with pytest.raises(ValidationError) as error:
        reg.register_visitor(event=event, full_name="Khách", email="k@x.vn")
    assert error.value.code == "not_open"
    assert not Registration.objects.filter(event=event).exists()


def test_visitor_registers_without_account_with_confirmation(w, django_capture_on_commit_callbacks):
    event = _event(w)
    with django_capture_on_commit_callbacks(execute=True):
        row = reg.register_visitor(
            event=event,
            full_name="  Trần  Thị Khách ",
            email="Khach@Example.org",
            organization_name="Hội Phụ nữ",
        )
    assert (row.full_name, row.email, row.user, row.person) == (
        "Trần Thị Khách",
        "khach@example.org",
        None,
        None,
    )
    assert mail.outbox[0].to == ["khach@example.org"] and row.code in mail.outbox[0].body
    with pytest.raises(ValidationError) as error:
        reg.register_visitor(event=event, full_name="Lại", email="khach@example.org")
    assert error.value.code == "duplicate"


def test_visitor_needs_a_valid_email_and_a_public_open_event(w):
    with pytest.raises(ValidationError) as error:
        reg.register_visitor(event=_event(w), full_name="Khách", email="không-phải-email")
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError):
        reg.register_visitor(event=_event(w, public=False), full_name="K", email="k@x.vn")


def test_invited_only(w):
    event = _event(w, registration_mode=Event.Mode.INVITED)
    with pytest.raises(ValidationError) as error:
        reg.register(event=event, by=w.person_user_a)
    assert error.value.code == "not_invited"
    services.invite(event=event, by=w.coordinator, organizations=[w.facility_a])
    assert Invitation.objects.filter(event=event).count() == 1
    row = reg.register(event=event, by=w.person_user_a)
    assert row.person == w.person_a and row.user == w.person_user_a
    # The organiser's own staff are welcome without an invitation.
    assert reg.register(event=event, by=w.coordinator).status == S.REGISTERED


def test_someone_registers_only_themself(w):
    with pytest.raises(PermissionDenied):
        reg.register(event=_event(w), by=w.manager_b, full_name="Người khác", email="a@b.vn")


# --- check-in ------------------------------------------------------------------------------


def test_qr_checkin_during_the_event_once(w):
    event, row = w.event_a, w.registration_a
    done = reg.checkin(token=event.checkin_token, user=w.person_user_a)
    assert done.pk == row.pk and done.status == S.ATTENDED and done.checked_in_at
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        reg.checkin(token=event.checkin_token, user=w.person_user_a)
    assert error.value.code == "already"
    assert database_snapshot() == before


def test_qr_checkin_expired_or_unknown(w):
    later = w.event_a.ends_at + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as error:
        reg.checkin(token=w.event_a.checkin_token, user=w.person_user_a, now=later)
    assert error.value.code == "expired"
    with pytest.raises(ValidationError) as error:
        reg.checkin(token="nope", user=w.person_user_a)
    assert error.value.code == "unknown"
    with pytest.raises(ValidationError) as error:
        reg.checkin(token=w.event_a.checkin_token, user=make_user())
    assert error.value.code == "not_registered"


def test_checkin_with_a_code_of_another_event_is_refused(w):
    other = _event(w)
    stranger = reg.register(event=other, by=w.coordinator, full_name="Khác", email="k@x.vn")
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        reg.checkin_by_code(event=w.event_a, code=stranger.code, by=w.coordinator)
    assert error.value.code == "other_event"
    assert "sự kiện khác" in error.value.messages[0]
    assert database_snapshot() == before
    done = reg.checkin_by_code(event=w.event_a, code=w.registration_a.code, by=SYSTEM)
    assert done.status == S.ATTENDED


def test_attendance_ticks(w):
    counts = reg.attendance_mark(event=w.event_a, attended=[w.registration_a.pk], by=w.coordinator)
    assert counts == {"attended": 1, "undone": 0}
    counts = reg.attendance_mark(event=w.event_a, attended=[], by=w.coordinator)
    assert counts == {"attended": 0, "undone": 1}
    with pytest.raises(ValidationError):
        reg.attendance_mark(event=w.event_a, attended=[w.registration_held.pk], by=w.coordinator)
    with pytest.raises(PermissionDenied):
        reg.attendance_mark(event=w.event_a, attended=[], by=w.coordinator_b)


# --- the portal's selector -----------------------------------------------------------------


def test_public_events_public_facts_only(w, django_assert_max_num_queries):
    event = _event(w, capacity=3, title="Ngày hội mở")
    event.organizers.set([w.facility_a])
    reg.register(event=event, by=w.coordinator, full_name="Bí Mật Tên", email="b@x.vn")
    _event(w, public=False, title="Nội bộ")
    with django_assert_max_num_queries(3):
        found = public_events()
    titles = [e.title for e in found]
    assert "Ngày hội mở" in titles and "Nội bộ" not in titles
    mine = next(e for e in found if e.title == "Ngày hội mở")
    assert mine.seats_left == 2 and mine.registration_open
    assert mine.organizers == (w.school.name, w.facility_a.name)
    assert "Bí Mật" not in repr(found)
