"""Each role's part of the practicum board in practice: the instructor's sessions this week
and evaluations due, the facility's students behind schedule, the school's students
behind schedule, the programme office's progress and overdue items — each page at a
constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ctxh.practicum.models import LogEntry, Placement, Student, SupervisionSession
from ctxh.practicum.selectors.board_practice import (
    instructor_practice,
    programme_practice,
    school_behind,
)
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w(permission_world):
    return permission_world


def _url(w):
    return reverse("practicum:board") + f"?period={w.practice_period.pk}"


def _more_students(w, n: int) -> None:
    """``n`` more students in practice with the same instructor, each with a session this
    week, an entry waiting 10 days and one approved."""
    now, today = timezone.now(), timezone.localdate()
    first = Student.objects.filter(student_code__startswith="SV78").count()
    for i in range(first, first + n):
        student = Student.objects.create(
            round=w.practice_a.student.round,
            user=make_user("student", w.school),
            student_code=f"SV78{i:02d}",
            full_name=f"Sinh Viên {i}",
            gender="male",
        )
        p = Placement.objects.create(
            student=student,
            offer=w.practice_a.offer,
            period=w.practice_period,
            school=w.school,
            facility=w.facility_a,
            instructor=w.practice_a.instructor,
            status=Placement.Status.IN_PRACTICE,
            proposed_at=now,
        )
        LogEntry.objects.create(
            placement=p,
            date=today - dt.timedelta(days=10),
            hours=4,
            activity="casework",
            description="x",
            status=LogEntry.Status.SUBMITTED,
            submitted_at=now - dt.timedelta(days=10),
        )
        LogEntry.objects.create(
            placement=p,
            date=today - dt.timedelta(days=11),
            hours=5,
            activity="casework",
            description="y",
            status=LogEntry.Status.APPROVED,
            submitted_at=now - dt.timedelta(days=11),
        )
        SupervisionSession.objects.create(
            placement=p,
            instructor=w.practice_instructor_a,
            kind=SupervisionSession.Kind.SUPERVISION,
            date=today,
            duration_minutes=45,
            topics="Ca mới",
        )


def test_instructor_sees_sessions_this_week_and_evaluations_due(w):
    today = timezone.localdate()
    SupervisionSession.objects.create(
        placement=w.practice_a,
        instructor=w.practice_instructor_a,
        kind=SupervisionSession.Kind.SUPERVISION,
        date=today,
        duration_minutes=30,
        topics="Tuần này",
    )
    data = instructor_practice(w.instructor_a)
    assert [s.date for s in data["sessions"]] == [today] or today.weekday() >= 2
    assert data["evaluations_due"] == []  # before the mid-point
    rnd = w.practice_a.student.round
    rnd.ends_on = today + dt.timedelta(days=2)
    rnd.save()
    (due,) = instructor_practice(w.instructor_a)["evaluations_due"]
    assert (due["placement"], due["kind"], due["overdue"]) == (
        w.practice_a,
        "instructor_final",
        False,
    )
    page = w.client("instructor_a").get(_url(w)).content.decode()
    assert 'data-testid="instructor-week"' in page and "Tuần này" not in page  # topics stay private
    due_url = reverse("practicum:evaluation_submit", args=[w.practice_a.pk, "instructor_final"])
    assert due_url in page and "Ngô Thị Lan" in page
    # Someone else's instructor sees nothing of it; a manager has no instructor part.
    assert instructor_practice(w.manager_a) is None
    assert instructor_practice(w.instructor_a2)["evaluations_due"] == []


def test_school_sees_students_behind_schedule(w):
    data = school_behind(w.practice_period, [w.school.pk])
    names = [r["placement"].student.full_name for r in data["rows"]]
    assert "Ngô Thị Lan" in names and data["count"] == len(names) == 2
    page = w.client("coordinator").get(_url(w)).content.decode()
    assert 'data-testid="school-behind"' in page
    assert reverse("practicum:logbook", args=[w.practice_a.pk]) in page
    assert school_behind(w.practice_period, [w.school_b.pk])["count"] == 0
    facility = w.client("manager_a").get(_url(w)).content.decode()
    assert 'data-testid="facility-behind"' in facility


def test_programme_sees_the_periods_progress_and_overdue_items(w):
    _more_students(w, 2)
    data = programme_practice(w.practice_period)
    assert (data["in_practice"], data["completed"], data["accepted"], data["interrupted"]) == (
        3,
        1,
        1,
        0,
    )
    assert data["required"] == 5 * 200 and data["approved"] == 10
    assert data["entries_overdue"] == 2
    assert data["evaluations_overdue"] == 0
    rnd = w.practice_a.student.round
    rnd.ends_on = timezone.localdate() - dt.timedelta(days=1)
    rnd.save()
    assert programme_practice(w.practice_period)["evaluations_overdue"] == 3
    page = w.client("programme").get(_url(w)).content.decode()
    assert 'data-testid="programme-practice"' in page
    hours = re.search(r'data-testid="programme-hours">([^<]*)<', page).group(1)
    assert "10" in hours and "1.000" in hours  # Vietnamese grouping
    overdue = re.search(r'data-testid="programme-overdue">(.*?)</ul>', page, re.S).group(1)
    assert re.search(r"\b2\b", overdue) and re.search(r"\b3\b", overdue)
    assert re.search(r'data-testid="programme-in-practice">3<', page)


@pytest.mark.parametrize("who", ["instructor_a", "manager_a", "coordinator", "programme"])
def test_each_board_in_constant_queries(w, who):
    client = w.client(who)
    _more_students(w, 1)
    client.get(_url(w))  # warm the caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(w)).status_code == 200
    _more_students(w, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url(w)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
