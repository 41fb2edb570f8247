"""Helpers of the acceptance tests: more proposals at the permission world's offers."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

_codes = itertools.count(5000)


def propose(w, n: int, *, placement=None, days_ago: int = 1):
    """``n`` new students of ``placement``'s round (default ``placement_a``), each proposed
    to its offer ``days_ago`` days ago."""
    from ctxh.practicum.models import Placement, Student
    from ctxh.testing import make_user

    base = placement or w.placement_a
    rows = []
    for _ in range(n):
        code = next(_codes)
        student = Student.objects.create(
            round=base.student.round,
            user=make_user("student", base.school),
            student_code=f"SV{code}",
            full_name=f"Sinh Viên {code}",
            gender="female",
        )
        rows.append(
            Placement.objects.create(
                student=student,
                offer=base.offer,
                period=base.period,
                school=base.school,
                facility=base.facility,
                run=base.run,
                rank=1,
                proposed_at=timezone.now() - dt.timedelta(days=days_ago),
            )
        )
    return rows


def with_email(user, email: str):
    user.email = email
    user.save(update_fields=["email"])
    return user
