"""The events' part of the permission world (``ctxh.testing.PermissionWorld``).

Adds: ``event_a`` — a public, open event led by the school (its ``coordinator`` manages
it), happening now (check-in window open), capacity 5, registration until an hour from
now; ``registration_a`` — ``person_a`` (``person_user_a``'s registry person) registered to
it; ``presentation_a`` in it; ``event_held`` — a held event of the school with
``registration_held`` attended (certificates).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def add_events(world) -> None:
    from ctxh.cooperation.models import Event, Presentation, Registration

    w = world
    now = timezone.now()
    w.event_a = Event.objects.create(
        kind=Event.Kind.WORKSHOP,
        level=Event.Level.CITY,
        title="Hội thảo thử",
        lead_organizer=w.school,
        agenda="08:00 Khai mạc\n09:00 Tham luận",
        venue="Hội trường Trường Thử",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=3),
        registration_deadline=now + dt.timedelta(hours=1),
        capacity=5,
        public=True,
        status=Event.Status.OPEN,
    )
    w.registration_a = Registration.objects.create(
        event=w.event_a,
        person=w.person_a,
        user=w.person_user_a,
        full_name=w.person_a.full_name,
        organization=w.facility_a,
    )
    w.presentation_a = Presentation.objects.create(
        event=w.event_a, title="Tham luận thử", authors="ThS. Nguyễn Văn Thử", abstract="Tóm tắt."
    )
    w.event_held = Event.objects.create(
        kind=Event.Kind.CONFERENCE,
        title="Hội nghị đã tổ chức",
        lead_organizer=w.school,
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=3) + dt.timedelta(hours=4),
        status=Event.Status.HELD,
    )
    w.registration_held = Registration.objects.create(
        event=w.event_held,
        full_name="Khách Mời Thử",
        email="khach@example.org",
        status=Registration.Status.ATTENDED,
        checked_in_at=w.event_held.starts_at,
    )
