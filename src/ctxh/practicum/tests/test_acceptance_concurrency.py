"""Two people accepting the last seat (or the last place of an instructor) at the same
moment, each on their own database connection: exactly one succeeds, and the capacity is
never exceeded. Needs PostgreSQL's row locks (SQLite serialises every writer anyway).

Each decision is slowed down between its count and its write, so that without the locks
both would count the same free place and both would succeed.
"""

import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from ctxh.practicum.models import PeriodInstructor, Placement
from ctxh.practicum.services import acceptance

from .acceptance_helpers import propose

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks under real concurrency need PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]


def _race(monkeypatch, attempts):
    """Run each ``(placement, instructor, user)`` in its own thread, all at once."""
    real = acceptance.transition

    def slow_transition(*args, **kwargs):
        time.sleep(0.3)  # after the counts, before the write: the window a race needs
        return real(*args, **kwargs)

    monkeypatch.setattr(acceptance, "transition", slow_transition)
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, placement, instructor, user):
        try:
            barrier.wait()
            acceptance.placement_accept(placement=placement, instructor=instructor, by=user)
            outcomes[i] = "accepted"
        except ValidationError as error:
            outcomes[i] = " ".join(error.messages)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_last_instructor_place(permission_world, monkeypatch):
    w = permission_world  # the instructor takes 2; one place is taken already
    first, second = propose(w, 2)
    acceptance.placement_accept(
        placement=w.placement_a, instructor=w.past_instructor_a, by=w.manager_a
    )
    outcomes = _race(
        monkeypatch,
        [(first, w.past_instructor_a, w.manager_a), (second, w.past_instructor_a, w.programme)],
    )
    assert sorted(o == "accepted" for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if o != "accepted")
    assert "Võ Thị Kiểm" in refused
    accepted = Placement.objects.filter(instructor=w.past_instructor_a, status="accepted")
    assert accepted.count() == w.past_instructor_a.capacity == 2


def test_last_seat(permission_world, monkeypatch):
    w = permission_world  # the offer has 3 seats; two are taken
    PeriodInstructor.objects.filter(pk=w.past_instructor_a.pk).update(capacity=10)
    others = propose(w, 3)
    for p in (w.placement_a, others[0]):
        acceptance.placement_accept(placement=p, instructor=w.past_instructor_a, by=w.manager_a)
    outcomes = _race(
        monkeypatch,
        [
            (others[1], w.past_instructor_a, w.manager_a),
            (others[2], w.past_instructor_a, w.manager_a),
        ],
    )
    assert sorted(o == "accepted" for o in outcomes) == [False, True], outcomes
    assert Placement.objects.filter(offer=w.placement_a.offer, status="accepted").count() == 3
