"""The practicum's part of the permission world (``ctxh.testing.PermissionWorld``).

Adds, beside the base world: ``school_b`` with ``coordinator_b`` and ``student_b``;
``coordinator`` of the base ``school``; ``instructor_a`` (a field-instructor account of
facility A, whose person is ``field_instructor_a``); a period at the preference stage
(``period``) with one round per school (``round_a``, ``round_b``); the practicum students
``pstudent_a`` (the base ``student`` user, school A) and ``pstudent_b``; facility A's
practice site ``site_a``, its period instructor ``period_instructor_a`` (3 places) and
published offer ``offer_a`` (casework, year 3, 4 seats), facility B's ``offer_b``;
``preference_a`` (student A's first choice: offer A); a finished period ``past_period``
whose committed run ``run_past`` proposed ``placement_a`` (a student of school A at
facility A, awaiting the decision) and ``placement_b`` (school B's student at facility B).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def add_practicum(world) -> None:
    from ctxh.organizations.tests.factories import OrganizationFactory
    from ctxh.practicum.models import (
        AllocationRun,
        Offer,
        PeriodInstructor,
        Placement,
        PlacementPeriod,
        PracticeSite,
        Preference,
        Round,
        Student,
    )
    from ctxh.testing import make_user
    from ctxh.workforce.models import FieldInstructor
    from ctxh.workforce.tests.factories import PersonFactory, employ

    w = world
    w.school_b = OrganizationFactory(code="PERM-SCHOOL-B", kind="school", name="Trường Thử B")
    w.coordinator = make_user("school_coordinator", w.school)
    w.coordinator_b = make_user("school_coordinator", w.school_b)
    w.student_b = make_user("student", w.school_b)
    w.instructor_a = make_user("field_instructor", w.facility_a)

    now = timezone.now()
    today = timezone.localdate()
    w.period = PlacementPeriod.objects.create(
        organizer=w.agency,
        name="Kỳ thực tập thử",
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=120),
        preference_deadline=now + dt.timedelta(days=10),
        acceptance_deadline=now + dt.timedelta(days=20),
        max_choices=3,
        status=PlacementPeriod.Status.PREFERENCES,
    )
    rounds = {}
    for name, school in (("round_a", w.school), ("round_b", w.school_b)):
        rounds[name] = Round.objects.create(
            period=w.period,
            school=school,
            name=f"Đợt CTXH cá nhân — {school.name}",
            practice_type="casework",
            level="university_3",
            starts_on=w.period.starts_on,
            ends_on=w.period.ends_on,
            required_hours=240,
        )
    w.round_a, w.round_b = rounds["round_a"], rounds["round_b"]
    w.pstudent_a = Student.objects.create(
        round=w.round_a,
        user=w.student,
        student_code="SV0001",
        full_name="Lê Thị Hoa",
        gender="female",
        email="hoa@example.edu.vn",
    )
    w.pstudent_b = Student.objects.create(
        round=w.round_b,
        user=w.student_b,
        student_code="SV0002",
        full_name="Phạm Văn Minh",
        gender="male",
    )
    w.site_a = PracticeSite.objects.create(
        facility=w.facility_a,
        practice_types=["casework", "group_work"],
        levels=["university_3", "university_4"],
        address="1 Đường Thử",
        contact_name="Cô Lan",
    )
    w.field_instructor_a = FieldInstructor.objects.create(
        person=PersonFactory(full_name="Võ Thị Kiểm"), trained_in_supervision=True, max_students=5
    )
    employ(w.field_instructor_a.person, w.facility_a)
    w.period_instructor_a = PeriodInstructor.objects.create(
        period=w.period, facility=w.facility_a, instructor=w.field_instructor_a, capacity=3
    )
    published = {"status": Offer.Status.PUBLISHED, "published_at": now}
    w.offer_a = Offer.objects.create(
        period=w.period,
        facility=w.facility_a,
        practice_type="casework",
        level="university_3",
        seats=4,
        **published,
    )
    w.offer_a.instructors.add(w.period_instructor_a)
    w.offer_b = Offer.objects.create(
        period=w.period,
        facility=w.facility_b,
        practice_type="casework",
        level="university_3",
        seats=2,
        **published,
    )
    w.preference_a = Preference.objects.create(student=w.pstudent_a, offer=w.offer_a, rank=1)

    # A period whose allocation is committed: two proposals awaiting the facilities.
    w.past_period = PlacementPeriod.objects.create(
        organizer=w.agency,
        name="Kỳ thực tập đã phân bổ",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=80),
        preference_deadline=now - dt.timedelta(days=20),
        acceptance_deadline=now + dt.timedelta(days=5),
        max_choices=3,
        status=PlacementPeriod.Status.ACCEPTANCE,
    )
    past = {}
    for name, school, user, code, full_name, facility in (
        ("a", w.school, make_user("student", w.school), "SV1001", "Đỗ Thị Mai", w.facility_a),
        ("b", w.school_b, make_user("student", w.school_b), "SV1002", "Bùi Văn Nam", w.facility_b),
    ):
        rnd = Round.objects.create(
            period=w.past_period,
            school=school,
            name=f"Đợt đã phân bổ — {school.name}",
            practice_type="casework",
            level="university_3",
            starts_on=w.past_period.starts_on,
            ends_on=w.past_period.ends_on,
            required_hours=200,
        )
        student = Student.objects.create(
            round=rnd, user=user, student_code=code, full_name=full_name, gender="female"
        )
        offer = Offer.objects.create(
            period=w.past_period,
            facility=facility,
            practice_type="casework",
            level="university_3",
            seats=3,
            **published,
        )
        past[name] = (student, offer)
    w.past_instructor_a = PeriodInstructor.objects.create(
        period=w.past_period, facility=w.facility_a, instructor=w.field_instructor_a, capacity=2
    )
    past["a"][1].instructors.add(w.past_instructor_a)
    w.run_past = AllocationRun.objects.create(
        period=w.past_period,
        number=1,
        seed="42",
        status=AllocationRun.Status.COMMITTED,
        committed_at=now - dt.timedelta(days=3),
        created_by=w.programme,
        committed_by=w.programme,
    )
    for name in ("a", "b"):
        student, offer = past[name]
        setattr(
            w,
            f"placement_{name}",
            Placement.objects.create(
                student=student,
                offer=offer,
                period=w.past_period,
                school=student.school,
                facility=offer.facility,
                run=w.run_past,
                rank=1,
                proposed_at=now - dt.timedelta(days=3),
            ),
        )

    # Offers and preferences (ctxh.practicum.tests.test_offers): a draft offer of facility A
    # in the open period, to publish.
    w.offer_draft_a = Offer.objects.create(
        period=w.period,
        facility=w.facility_a,
        practice_type="group_work",
        level="university_4",
        seats=2,
    )
    # --- allocation: a ready second run of the past period (for the run pages) ---
    from ctxh.practicum.models import AllocationOutcome

    w.run_ready = AllocationRun.objects.create(
        period=w.past_period,
        number=2,
        kind=AllocationRun.Kind.SECOND,
        seed="7",
        status=AllocationRun.Status.READY,
        created_by=w.programme,
        summary={
            "students": 1,
            "placed": 0,
            "first_choice": 0,
            "top_three": 0,
            "unplaced": 1,
            "mean_rank": None,
            "seats": 4,
            "unfilled_seats": 4,
            "schools": [],
            "facilities": [],
        },
    )
    AllocationOutcome.objects.create(run=w.run_ready, student=past["a"][0], offer=None)
    # Acceptance: the account of placement A's student (sees their own placement only).
    w.past_student_a = w.placement_a.student.user

    # --- logbook and agreement (in practice) ---
    # A closed period of its own (``logbook_period``: acceptance over, practice under way;
    # nothing else of the world counts its seats): ``practising_student`` (school A) accepted
    # at facility A (round ``logbook_round_a`` from 10 days ago, 200 hours), supervised by
    # ``instructor_a`` (FieldInstructor.user linked); ``instructor_a2``, another field
    # instructor of facility A, supervises ``placement_other_instructor``.
    # Entries: ``entry_submitted`` (2 days ago), ``entry_approved`` (3 days ago),
    # ``entry_draft`` (4 days ago); ``agreement_a`` proposed with one goal.
    from ctxh.practicum.models import AgreementGoal, LearningAgreement, LogEntry

    w.field_instructor_a.user = w.instructor_a
    w.field_instructor_a.save(update_fields=["user"])
    w.instructor_a2 = make_user("field_instructor", w.facility_a)
    w.field_instructor_a2 = FieldInstructor.objects.create(
        person=PersonFactory(full_name="Trần Văn Hướng"), user=w.instructor_a2, max_students=5
    )
    # (not employed at A in the workforce register: the network's counts stay as they were)
    w.logbook_period = PlacementPeriod.objects.create(
        organizer=w.agency,
        name="Kỳ thực tập đang diễn ra",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=80),
        preference_deadline=now - dt.timedelta(days=40),
        acceptance_deadline=now - dt.timedelta(days=20),
        max_choices=3,
        status=PlacementPeriod.Status.CLOSED,
    )
    w.logbook_round_a = Round.objects.create(
        period=w.logbook_period,
        school=w.school,
        name="Đợt đang thực tập — Trường Thử",
        practice_type="casework",
        level="university_3",
        starts_on=w.logbook_period.starts_on,
        ends_on=w.logbook_period.ends_on,
        required_hours=200,
    )
    w.offer_practice = Offer.objects.create(
        period=w.logbook_period,
        facility=w.facility_a,
        practice_type="casework",
        level="university_3",
        seats=20,
        **published,
    )
    w.logbook_instructor_a = PeriodInstructor.objects.create(
        period=w.logbook_period,
        facility=w.facility_a,
        instructor=w.field_instructor_a,
        capacity=20,
    )
    w.logbook_instructor_a2 = PeriodInstructor.objects.create(
        period=w.logbook_period,
        facility=w.facility_a,
        instructor=w.field_instructor_a2,
        capacity=20,
    )
    w.offer_practice.instructors.add(w.logbook_instructor_a, w.logbook_instructor_a2)
    in_practice = {
        "offer": w.offer_practice,
        "period": w.logbook_period,
        "school": w.school,
        "facility": w.facility_a,
        "status": Placement.Status.ACCEPTED,
        "proposed_at": now - dt.timedelta(days=12),
        "decided_at": now - dt.timedelta(days=11),
        "decided_by": w.manager_a,
    }
    w.practising_student = make_user("student", w.school)
    w.practising = Student.objects.create(
        round=w.logbook_round_a,
        user=w.practising_student,
        student_code="SV1201",
        full_name="Ngô Thị Hạnh",
        gender="female",
    )
    w.placement_practice = Placement.objects.create(
        student=w.practising, instructor=w.logbook_instructor_a, **in_practice
    )
    other = Student.objects.create(
        round=w.logbook_round_a,
        user=make_user("student", w.school),
        student_code="SV1202",
        full_name="Lý Văn Tâm",
        gender="male",
    )
    w.placement_other_instructor = Placement.objects.create(
        student=other, instructor=w.logbook_instructor_a2, **in_practice
    )
    entry = {"placement": w.placement_practice, "activity": "casework"}
    w.entry_submitted = LogEntry.objects.create(
        **entry,
        date=today - dt.timedelta(days=2),
        hours=4,
        description="Vãng gia thân chủ",
        status=LogEntry.Status.SUBMITTED,
        submitted_at=now - dt.timedelta(days=1),
    )
    w.entry_approved = LogEntry.objects.create(
        **entry,
        date=today - dt.timedelta(days=3),
        hours=6,
        description="Họp nhóm",
        status=LogEntry.Status.APPROVED,
        submitted_at=now - dt.timedelta(days=2),
        decided_at=now - dt.timedelta(days=1),
        decided_by=w.instructor_a,
    )
    w.entry_draft = LogEntry.objects.create(
        **entry, date=today - dt.timedelta(days=4), hours=3, description="Ghi chép hồ sơ"
    )
    w.agreement_a = LearningAgreement.objects.create(
        placement=w.placement_practice,
        status=LearningAgreement.Status.PROPOSED,
        proposed_at=now - dt.timedelta(days=1),
    )
    AgreementGoal.objects.create(
        agreement=w.agreement_a,
        version=1,
        position=1,
        competency="Đánh giá nhu cầu",
        goal="Thực hiện 2 ca đánh giá",
        activities="Vãng gia, phỏng vấn",
        timeframe="Tuần 1–4",
    )

    # --- supervision, evaluations, completion (part 2) ---
    add_practice(w)


def add_practice(w) -> None:
    """Part 2's objects: ``instructor_a`` is known as ``field_instructor_a`` (the account
    link when it exists, else a shared e-mail address); school A's active rubric
    ``rubric_a`` (1–5, grades 0–10, three competencies 40/30/30); at facility A:
    ``practice_a`` (in practice, student account
    ``practice_student_a``) with a supervision session ``session_a`` whose notes are
    private, ``accepted_a`` (accepted, not started) and ``completed_a`` (completed, with
    the instructor's final evaluation), in their own period ``practice_period`` (offer
    ``practice_offer_a``, instructor ``practice_instructor_a``, round of 200 hours)."""
    from decimal import Decimal

    from django.core.exceptions import FieldDoesNotExist

    from ctxh.practicum.models import (
        Competency,
        Evaluation,
        Offer,
        PeriodInstructor,
        Placement,
        PlacementPeriod,
        Round,
        Rubric,
        Student,
        SupervisionSession,
    )
    from ctxh.testing import make_user

    fi = w.field_instructor_a
    try:
        type(fi)._meta.get_field("user")
    except FieldDoesNotExist:
        fi.person.email = "kiem.vo@example.vn"
        fi.person.save()
        w.instructor_a.email = "kiem.vo@example.vn"
        w.instructor_a.save()
    else:
        fi.user = w.instructor_a
        fi.save()

    w.rubric_a = Rubric.objects.create(
        school=w.school, name="Bảng tiêu chí CTXH cá nhân", scale_min=1, scale_max=5
    )
    for i, (name, weight) in enumerate(
        (("Đạo đức nghề nghiệp", 40), ("Kỹ năng vấn đàm", 30), ("Lập kế hoạch can thiệp", 30))
    ):
        Competency.objects.create(rubric=w.rubric_a, position=i, name=name, weight=weight)

    # Their own period (the past period's seats and instructor places stay as they were).
    now = timezone.now()
    today = timezone.localdate()
    w.practice_period = PlacementPeriod.objects.create(
        organizer=w.agency,
        name="Kỳ thực tập đang diễn ra",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=70),
        preference_deadline=now - dt.timedelta(days=50),
        acceptance_deadline=now - dt.timedelta(days=30),
        max_choices=3,
        status=PlacementPeriod.Status.ACCEPTANCE,
    )
    rnd = Round.objects.create(
        period=w.practice_period,
        school=w.school,
        name="Đợt thực hành đang diễn ra",
        practice_type="casework",
        level="university_3",
        starts_on=w.practice_period.starts_on,
        ends_on=w.practice_period.ends_on,
        required_hours=200,
    )
    w.practice_instructor_a = PeriodInstructor.objects.create(
        period=w.practice_period, facility=w.facility_a, instructor=fi, capacity=5
    )
    w.practice_offer_a = Offer.objects.create(
        period=w.practice_period,
        facility=w.facility_a,
        practice_type="casework",
        level="university_3",
        seats=5,
        status=Offer.Status.PUBLISHED,
        published_at=now - dt.timedelta(days=60),
    )
    w.practice_offer_a.instructors.add(w.practice_instructor_a)
    made = {}
    for name, code, full_name, status in (
        ("practice_a", "SV7001", "Ngô Thị Lan", Placement.Status.IN_PRACTICE),
        ("accepted_a", "SV7002", "Trịnh Văn Hải", Placement.Status.ACCEPTED),
        ("completed_a", "SV7003", "Đặng Thị Thu", Placement.Status.COMPLETED),
    ):
        user = make_user("student", w.school)
        student = Student.objects.create(
            round=rnd, user=user, student_code=code, full_name=full_name, gender="female"
        )
        made[name] = Placement.objects.create(
            student=student,
            offer=w.practice_offer_a,
            period=w.practice_period,
            school=w.school,
            facility=w.facility_a,
            instructor=w.practice_instructor_a,
            rank=1,
            status=status,
            proposed_at=now - dt.timedelta(days=20),
            decided_at=now - dt.timedelta(days=18),
            decided_by=w.manager_a,
            started_at=None if status == Placement.Status.ACCEPTED else now - dt.timedelta(days=9),
            completed_at=now if status == Placement.Status.COMPLETED else None,
        )
        setattr(w, name, made[name])
    w.practice_student_a = w.practice_a.student.user
    w.completed_student = w.completed_a.student.user
    w.session_a = SupervisionSession.objects.create(
        placement=w.practice_a,
        instructor=w.practice_instructor_a,
        kind=SupervisionSession.Kind.SUPERVISION,
        date=timezone.localdate() - dt.timedelta(days=2),
        duration_minutes=60,
        topics="Ca gia đình có bạo lực",
        notes="Ghi chú riêng: sinh viên lo lắng về ca khó.",
        recorded_by=w.instructor_a,
    )
    Evaluation.objects.create(
        placement=w.completed_a,
        kind=Evaluation.Kind.INSTRUCTOR_FINAL,
        rubric=w.rubric_a,
        scores={str(c.pk): 4 for c in w.rubric_a.competencies.all()},
        score=Decimal("4.00"),
        submitted_at=now,
        submitted_by=w.instructor_a,
    )
