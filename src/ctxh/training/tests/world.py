"""The training's part of the permission world (``ctxh.testing.PermissionWorld``).

Adds: ``trainer_org`` (an association that organises classes) with its ``trainer`` and
``trainer_b`` of another association; ``person_user_a`` — the account of ``person_a``
(facility A's staff member, linked through ``Person.user``; a field instructor there);
a course ``course``, a class open for nominations ``training_class`` organised by the
trainer's association with one session today (``session``), ``enrollment_a`` (person A,
nominated by facility A, accepted), and ``degree_a`` (person A at university).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def add_training(world) -> None:
    from ctxh.organizations.tests.factories import OrganizationFactory
    from ctxh.testing import make_user
    from ctxh.training.models import (
        ClassSession,
        Course,
        DegreeTraining,
        Enrollment,
        TrainingClass,
    )

    w = world
    w.trainer_org = OrganizationFactory(code="PERM-HOI", kind="association", name="Hội Thử")
    w.trainer_org_b = OrganizationFactory(code="PERM-HOI-B", kind="association", name="Hội Thử B")
    w.trainer = make_user("trainer", w.trainer_org)
    w.trainer_b = make_user("trainer", w.trainer_org_b)
    w.person_user_a = make_user("field_instructor", w.facility_a)
    type(w.person_a).objects.filter(pk=w.person_a.pk).update(user=w.person_user_a)
    w.person_a.user = w.person_user_a
    today = timezone.localdate()
    w.course = Course.objects.create(
        code="PERM-CTXH-CB",
        title="Công tác xã hội cơ bản",
        topic="Kiến thức nền tảng",
        hours=40,
        level="skills",
        provider=w.trainer_org,
    )
    w.training_class = TrainingClass.objects.create(
        course=w.course,
        code="PERM-LOP-1",
        name="Lớp Công tác xã hội cơ bản — khóa thử",
        organizer=w.trainer_org,
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
        capacity=30,
        funding="programme",
        status=TrainingClass.Status.OPEN,
    )
    w.session = ClassSession.objects.create(
        training_class=w.training_class,
        date=today,
        starts_at=dt.time(0, 0),
        ends_at=dt.time(23, 59),
        venue="Hội trường A",
    )
    w.enrollment_a = Enrollment.objects.create(
        training_class=w.training_class,
        person=w.person_a,
        organization=w.facility_a,
        status=Enrollment.Status.ACCEPTED,
        nominated_by=w.manager_a,
    )
    w.degree_a = DegreeTraining.objects.create(
        person=w.person_a,
        organization=w.facility_a,
        level="university",
        institution="Trường Đại học Thử",
        starts_on=today - dt.timedelta(days=400),
        expected_end=today + dt.timedelta(days=700),
        funding="programme",
    )
