"""The practicum's periodic reminders (each once per window) run by ``ctxh remind``, and
the notifications sent as things happen: evaluations due on the other side, letters
issued."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from ctxh.core import reminders
from ctxh.core.models import Notification, ReminderLog
from ctxh.practicum import letters
from ctxh.practicum.models import LogEntry
from ctxh.practicum.services import evaluation
from ctxh.practicum.services.reminders import (
    evaluation_deadlines,
    remind_evaluations_due,
    remind_silent_placements,
    remind_unapproved_entries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w(permission_world):
    from ctxh.accounts.models import User

    User.objects.update(language="en")  # the notifications are rendered in English
    return permission_world


def _titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


def _run(function, capture, *, days: float = 0):
    with capture(execute=True):
        return function(now=timezone.now() + dt.timedelta(days=days))


# --- logbook entries unapproved after 7 days ----------------------------------------------


def test_unapproved_entries_remind_the_instructor_once_a_week(
    w, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # ``entry_submitted`` was submitted a day ago: not yet.
    assert _run(remind_unapproved_entries, capture) == 0
    assert _run(remind_unapproved_entries, capture, days=6.5) == 1
    (title,) = _titles(w.instructor_a)
    assert "1 logbook entry has waited more than 7 days" in title
    note = Notification.objects.get(recipient=w.instructor_a)
    assert note.url == "/practicum/logbook/approvals/" and "Ngô Thị Hạnh" in note.body
    assert _run(remind_unapproved_entries, capture, days=7) == 0  # same week of waiting
    assert _run(remind_unapproved_entries, capture, days=13.5) == 1  # the second week
    assert len(_titles(w.instructor_a)) == 2
    assert not Notification.objects.filter(recipient=w.instructor_a2).exists()
    # An approved entry is no longer reminded.
    LogEntry.objects.filter(pk=w.entry_submitted.pk).update(status=LogEntry.Status.APPROVED)
    assert _run(remind_unapproved_entries, capture, days=30) == 0


# --- evaluations due ------------------------------------------------------------------------


def test_evaluations_due_at_mid_point_and_three_days_before_the_end(
    w, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rnd = w.practice_a.student.round
    midpoint, notice = evaluation_deadlines(rnd)
    today = timezone.localdate()
    assert notice == rnd.ends_on - dt.timedelta(days=3)
    assert _run(remind_evaluations_due, capture) == 0  # before the mid-point
    assert _run(remind_evaluations_due, capture, days=(midpoint - today).days) == 1
    assert _titles(w.instructor_a) == ["Mid-term evaluation due for Ngô Thị Lan"]
    assert _run(remind_evaluations_due, capture, days=(midpoint - today).days + 1) == 0
    # Three days before the end: the instructor's final, the students' own (the completed
    # placement's student too).
    sent = _run(remind_evaluations_due, capture, days=(notice - today).days)
    assert sent == 3
    assert _titles(w.instructor_a)[-1] == "Deadline in 3 days: final evaluation of Ngô Thị Lan"
    (student_title,) = _titles(w.practice_student_a)
    assert student_title == "Deadline in 3 days: your evaluations of the practice"
    body = Notification.objects.get(recipient=w.practice_student_a).body
    assert "Student's evaluation of the site" in body and rnd.ends_on.strftime("%d/%m/%Y") in body
    assert len(_titles(w.completed_student)) == 1
    assert _run(remind_evaluations_due, capture, days=(notice - today).days + 2) == 0
    # Submitted ones are not reminded; after the end, once more for what is missing.
    evaluation.evaluation_submit(
        placement=w.practice_a,
        kind="instructor_final",
        scores={c.pk: 4 for c in w.rubric_a.competencies.all()},
        by=w.instructor_a,
    )
    before = len(_titles(w.instructor_a))
    sent = _run(remind_evaluations_due, capture, days=(rnd.ends_on - today).days + 1)
    assert sent == 2  # the two students; the instructor's final is in
    assert len(_titles(w.instructor_a)) == before
    assert _titles(w.practice_student_a)[-1] == "Overdue: your evaluations of the practice"


# --- no entry for 10 days -----------------------------------------------------------------


def test_silent_placement_reminds_student_and_instructor(w, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    # ``practice_a`` started 9 days ago with no entry.
    assert _run(remind_silent_placements, capture) == 0
    assert _run(remind_silent_placements, capture, days=1) == 1
    assert _titles(w.practice_student_a) == ["Your logbook has no entry for 10 days"]
    assert _titles(w.instructor_a) == ["Ngô Thị Lan has logged nothing for 10 days"]
    assert _run(remind_silent_placements, capture, days=5) == 0  # same window
    assert _run(remind_silent_placements, capture, days=11) == 1  # 20 days: again
    assert len(_titles(w.practice_student_a)) == 2
    # An entry dated 2 days from now restarts the count.
    LogEntry.objects.create(
        placement=w.practice_a,
        date=timezone.localdate() + dt.timedelta(days=12),
        hours=3,
        activity="casework",
        description="Vãng gia",
        status=LogEntry.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    assert _run(remind_silent_placements, capture, days=14) == 0
    assert _run(remind_silent_placements, capture, days=22) == 1


# --- ctxh remind ------------------------------------------------------------------------


def test_remind_command_runs_every_reminder_and_the_digests(w, django_capture_on_commit_callbacks):
    names = list(reminders.registered())
    for name in (
        "practicum.start_due",
        "practicum.overdue_proposals",
        "practicum.entries_unapproved",
        "practicum.evaluations_due",
        "practicum.silent_placements",
    ):
        assert name in names
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=out)
    text = out.getvalue()
    assert "practicum.silent_placements: 0" in text and "core.digests: 0" in text
    # The alias of older crontabs runs the same.
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("practicum_remind", stdout=out)
    assert "practicum.entries_unapproved" in out.getvalue()


def test_run_all_goes_on_when_one_reminder_fails(w):
    def broken(*, now):
        raise RuntimeError("boom")

    with mock.patch.dict(reminders._REMINDERS, {"test.broken": broken}):
        results = reminders.run_all()
    assert results["test.broken"] == -1
    assert results["core.digests"] == 0 and results["practicum.evaluations_due"] == 0


def test_claim_records_each_window_once(db):
    assert reminders.claim("k", [(1, "a"), (2, "a")]) == {("1", "a"), ("2", "a")}
    assert reminders.claim("k", [(1, "a"), (1, "b")]) == {("1", "b")}
    assert reminders.claim("other", [(1, "a")]) == {("1", "a")}
    assert ReminderLog.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_worker_loop_runs_the_reminders_until_stopped():
    from ctxh.core.management.commands.jobs_worker import remind_loop

    stop, calls = threading.Event(), []

    def fake_run_all():
        calls.append(1)
        stop.set()
        return {}

    with mock.patch("ctxh.core.reminders.run_all", fake_run_all):
        remind_loop(3600, stop)
    assert calls == [1]


def test_worker_option_starts_the_reminders(db):
    with (
        mock.patch("ctxh.core.management.commands.jobs_worker.start_reminders") as start,
        mock.patch("ctxh.core.management.commands.jobs_worker.call_command") as call,
    ):
        call_command("jobs_worker", "--burst", "--remind-every", "3600")
    start.assert_called_once_with(3600.0)
    assert call.call_count == 2  # the reaper, then the worker
    with (
        mock.patch("ctxh.core.management.commands.jobs_worker.start_reminders") as start,
        mock.patch("ctxh.core.management.commands.jobs_worker.call_command"),
    ):
        call_command("jobs_worker", "--burst")
    start.assert_not_called()


# --- on events ------------------------------------------------------------------------------


def test_evaluations_tell_the_other_side_what_is_due(w, django_capture_on_commit_callbacks):
    p = w.practice_a
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.evaluation_submit(
            placement=p,
            kind="instructor_final",
            scores={c.pk: 4 for c in w.rubric_a.competencies.all()},
            by=w.instructor_a,
        )
    assert _titles(w.practice_student_a) == ["Evaluation due: your evaluations of the practice"]
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.evaluation_submit(placement=p, kind="student_site", rating=4, by=p.student.user)
    assert len(_titles(w.practice_student_a)) == 1 and _titles(w.instructor_a) == []
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.evaluation_submit(
            placement=p, kind="student_instructor", rating=5, by=p.student.user
        )
    done = "The evaluations of Ngô Thị Lan's practice are all in"
    assert _titles(w.practice_student_a)[-1] == done and _titles(w.instructor_a) == [done]


def test_student_first_tells_the_instructor(w, django_capture_on_commit_callbacks):
    p = w.practice_a
    with django_capture_on_commit_callbacks(execute=True):
        for kind in ("student_site", "student_instructor"):
            evaluation.evaluation_submit(placement=p, kind=kind, rating=4, by=p.student.user)
    assert _titles(w.instructor_a) == ["Evaluation due: the final evaluation of Ngô Thị Lan"]


def test_letters_issued_are_notified_to_the_student(w, django_capture_on_commit_callbacks):
    p = w.accepted_a
    with django_capture_on_commit_callbacks(execute=True):
        referral = letters.issue_referral_letter(placement=p, by=w.coordinator)
    assert _titles(p.student.user) == ["Your referral letter was issued"]
    note = Notification.objects.get(recipient=p.student.user)
    assert referral.reference in note.body and note.url == f"/practicum/placements/{p.pk}/"
    assert any(m.to == [p.student.user.email] for m in mail.outbox) or not p.student.user.email
    with django_capture_on_commit_callbacks(execute=True):
        letters.issue_referral_letter(placement=p, by=w.coordinator)  # already issued
        letters.issue_acceptance_letter(placement=p, by=w.manager_a)
    assert _titles(p.student.user) == [
        "Your referral letter was issued",
        "Your acceptance letter was issued",
    ]
