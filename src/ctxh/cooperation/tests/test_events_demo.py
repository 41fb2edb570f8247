"""The events' demo loads on a small world, once, with its Social Work Days, the national
workshop and its certificates, and an upcoming public event in the portal's calendar."""

from __future__ import annotations

import pytest

from ctxh.cooperation.models import Event, Registration
from ctxh.cooperation.selectors.events import public_events
from ctxh.demo.cooperation.events import NATIONAL_WORKSHOP, load_events

pytestmark = pytest.mark.django_db


def test_demo_events(permission_world):
    Event.objects.all().delete()
    counts = load_events()
    assert counts and counts["events"] >= 10
    assert Event.objects.filter(title__contains="lần thứ 8", starts_at__year=2024).exists()
    workshop = Event.objects.get(title=NATIONAL_WORKSHOP)
    assert workshop.level == Event.Level.NATIONAL and workshop.presentations.count() == 4
    upcoming = [e for e in public_events() if e.registration_open]
    assert upcoming and upcoming[0].seats_left is not None
    assert Registration.objects.filter(person=None).exists()  # visitors
    assert load_events() is None
