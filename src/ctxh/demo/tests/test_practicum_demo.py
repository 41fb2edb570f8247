"""The practicum's demo data: the issue's figures, the demo accounts' parts, and data that
the procedure's own rules would accept (eligibility, capacities, one active placement)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from ctxh.accounts.models import Membership, User
from ctxh.core.models import AuditEvent
from ctxh.organizations.models import FACILITY_KINDS
from ctxh.practicum.eligibility import ineligibility
from ctxh.practicum.models import (
    AllocationOutcome,
    AllocationRun,
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    PracticeSite,
    Preference,
    SchoolQuota,
    Student,
)
from ctxh.workforce.models import FieldInstructor

pytestmark = pytest.mark.django_db

BULK_ACTIONS = {
    "practicesite.bulk_load",
    "user.bulk_load",
    "placementperiod.bulk_load",
    "allocationrun.bulk_load",
    "placement.bulk_outcomes",
}
HOSTED_AFTER = (Placement.Status.COMPLETED, Placement.Status.INTERRUPTED)
#: The placements that took a seat (the finished period's went through the practice).
TAKEN = (*Placement.ACTIVE, *HOSTED_AFTER)


def _current_period_checks(current):
    # 7 schools with about 150 students each, every one with a student account there.
    per_school = Counter(Student.objects.filter(period=current).values_list("school__code"))
    assert len(per_school) == 7
    assert all(140 <= n <= 160 for n in per_school.values()), per_school
    students = list(Student.objects.filter(period=current).select_related("round"))
    memberships = set(
        Membership.objects.filter(role="student", active=True).values_list(
            "user_id", "organization_id"
        )
    )
    assert all((s.user_id, s.school_id) in memberships for s in students)
    assert all(s.round.school_id == s.school_id for s in students)
    # About 60 sites with about 1.200 seats, and the registry's 300 field instructors.
    assert 55 <= PracticeSite.objects.count() <= 70
    published = Offer.objects.filter(period=current, status=Offer.Status.PUBLISHED)
    seats = sum(published.values_list("seats", flat=True))
    assert 1080 <= seats <= 1320
    registry = FieldInstructor.objects.filter(
        person__current_organization__kind__in=FACILITY_KINDS
    ).count()
    assert registry == 300
    for period in PlacementPeriod.objects.all():
        instructors = PeriodInstructor.objects.filter(period=period).select_related(
            "instructor__person"
        )
        assert instructors.count() == registry
        for pi in instructors:
            assert 1 <= pi.capacity <= pi.instructor.max_students
            assert pi.facility_id == pi.instructor.person.current_organization_id
    links = Offer.instructors.through.objects.select_related("offer", "periodinstructor")
    assert links.exists()
    for link in links:
        assert link.periodinstructor.facility_id == link.offer.facility_id
        assert link.periodinstructor.period_id == link.offer.period_id
    assert SchoolQuota.objects.filter(offer__period=current).exists()
    sites = PracticeSite.objects.all()
    assert sites.filter(gender_requirement="female").count() >= 2
    assert sites.filter(vaccination_required=True).exists()
    assert sites.exclude(language_required="").count() == 1
    for site in sites:
        assert 10.6 <= site.latitude <= 10.95 and 106.5 <= site.longitude <= 106.9
    # Most students ranked eligible published offers, within the number of choices.
    with_preferences = set(
        Preference.objects.filter(student__period=current).values_list("student_id", flat=True)
    )
    without = len(students) - len(with_preferences)
    assert 0.05 * len(students) <= without <= 0.15 * len(students)
    preferences = Preference.objects.filter(student__period=current).select_related(
        "offer", "student__round"
    )
    site_of = {site.facility_id: site for site in sites}
    ranks = {}
    for preference in preferences:
        student, offer = preference.student, preference.offer
        assert offer.status == Offer.Status.PUBLISHED
        assert ineligibility(student, offer, site_of.get(offer.facility_id)) == ""
        assert 1 <= preference.rank <= current.max_choices
        ranks.setdefault(student.pk, []).append(preference.rank)
    assert all(sorted(r) == list(range(1, len(r) + 1)) for r in ranks.values())


def _accounts_checks(current, finished):
    students = {
        s.user.username: s
        for s in Student.objects.filter(
            period=current, user__username__in=["student1", "student2", "student3"]
        ).select_related("user", "round", "school")
    }
    school1 = Membership.objects.get(user__username="school1").organization
    school2 = Membership.objects.get(user__username="school2").organization
    facility1 = Membership.objects.get(user__username="facility1").organization
    assert students["student1"].school == students["student2"].school == school1
    assert students["student1"].round == students["student2"].round
    assert students["student3"].school == school2
    for name, student in students.items():
        assert Membership.objects.filter(
            user__username=name, organization=student.school, role="student", active=True
        ).exists()
    ranked = list(students["student1"].preferences.values_list("offer__facility", flat=True))
    assert facility1.pk in ranked
    assert not students["student2"].preferences.exists()
    assert students["student3"].preferences.exists()
    # facility1 is in the network with a published offer naming instructor1.
    instructor1 = FieldInstructor.objects.get(person__email="instructor1@demo.ctxh.vn")
    assert instructor1.person.current_organization == facility1
    assert PracticeSite.objects.filter(facility=facility1, active=True).exists()
    offer = Offer.objects.get(pk=students["student1"].preferences.get(rank=1).offer_id)
    assert offer.facility == facility1 and offer.status == Offer.Status.PUBLISHED
    assert offer.instructors.filter(instructor=instructor1).exists()
    # Last semester facility1 accepted students, some supervised by instructor1.
    accepted = Placement.objects.filter(
        period=finished, facility=facility1, status__in=HOSTED_AFTER
    )
    assert accepted.exists()
    assert accepted.filter(instructor__instructor=instructor1).exists()
    instructor2 = FieldInstructor.objects.get(person__email="instructor2@demo.ctxh.vn")
    facility2 = Membership.objects.get(user__username="facility2").organization
    assert instructor2.person.current_organization == facility2


def _finished_period_checks(finished):
    assert finished.status == PlacementPeriod.Status.CLOSED
    runs = list(AllocationRun.objects.filter(period=finished).order_by("number"))
    committed = [r for r in runs if r.status == AllocationRun.Status.COMMITTED]
    assert [r.kind for r in committed] == ["main", "second"]
    for run in runs:
        assert run.seed and run.summary["students"] == run.outcomes.count() > 0
    placements = Placement.objects.filter(period=finished).select_related("offer", "student")
    assert placements.count() > 800
    statuses = Counter(placements.values_list("status", flat=True))
    # Accepted, then through the practice: completed, or interrupted with a reason.
    assert statuses["completed"] + statuses["interrupted"] > 0.85 * placements.count()
    assert 0 < statuses["interrupted"] < 0.1 * placements.count()
    assert statuses["accepted"] == 0
    assert 0 < statuses["declined"] < 0.15 * placements.count()
    assert statuses["proposed"] == 0  # the period is closed: every proposal was decided
    assert {p.run_id for p in placements} == {r.pk for r in committed}
    # One placement taking a seat per student; nothing over seats, quotas or instructors.
    active = placements.filter(status__in=TAKEN)
    per_student = Counter(active.values_list("student_id", flat=True))
    assert max(per_student.values()) == 1
    over = Offer.objects.filter(period=finished).annotate(
        taken=Count("placements", filter=Q(placements__status__in=TAKEN))
    )
    assert all(o.taken <= o.seats for o in over)
    for quota in SchoolQuota.objects.filter(offer__period=finished):
        assert active.filter(offer=quota.offer, school=quota.school).count() <= quota.seats
    instructors = PeriodInstructor.objects.filter(period=finished).annotate(
        taken=Count("placements", filter=Q(placements__status__in=TAKEN))
    )
    assert all(pi.taken <= pi.capacity for pi in instructors)
    offer_instructors = set(
        Offer.instructors.through.objects.values_list("offer_id", "periodinstructor_id")
    )
    days = Counter()
    for p in placements:
        assert p.school_id == p.student.school_id and p.facility_id == p.offer.facility_id
        assert p.period_id == p.student.period_id == p.offer.period_id
        assert p.decided_at > p.proposed_at
        days[p.facility_id] += (p.decided_at - p.proposed_at).days
        if p.status in HOSTED_AFTER:
            assert (p.offer_id, p.instructor_id) in offer_instructors
            assert p.started_at and (p.completed_at or p.interrupt_reason)
        else:
            assert p.decline_reason and p.instructor_id is None
    assert len(set(days.values())) > 3  # facilities decide at their own pace
    # Every placement comes from its run's outcome for that student.
    outcomes = set(
        AllocationOutcome.objects.filter(run__in=committed).values_list(
            "run_id", "student_id", "offer_id"
        )
    )
    assert all((p.run_id, p.student_id, p.offer_id) in outcomes for p in placements)


def test_practicum_demo_data_follows_the_procedure():
    call_command("demo", "--quiet")
    current = PlacementPeriod.objects.get(status=PlacementPeriod.Status.PREFERENCES)
    finished = (
        PlacementPeriod.objects.filter(
            status=PlacementPeriod.Status.CLOSED, allocation_runs__isnull=False
        )
        .distinct()
        .get()
    )
    from django.utils import timezone

    assert current.preference_deadline > timezone.now()
    assert finished.acceptance_deadline < timezone.now()
    _current_period_checks(current)
    _accounts_checks(current, finished)
    _finished_period_checks(finished)
    _part_two_checks(finished)
    # One summary audit event per bulk load, with counts only (nothing personal).
    events = AuditEvent.objects.filter(action__in=BULK_ACTIONS)
    assert Counter(events.values_list("action", flat=True)) == {
        "practicesite.bulk_load": 1,
        "user.bulk_load": 1,
        "placementperiod.bulk_load": 2,
        "allocationrun.bulk_load": 1,
        "placement.bulk_outcomes": 4,  # the finished period, two earlier years, the running one
    }
    for event in events:
        assert all(isinstance(v, int) for v in event.new_values.values())
    assert not AuditEvent.objects.filter(object_type="practicum.student").exists()
    # A second run changes nothing and lists the demo students with their role.
    counts = (Student.objects.count(), User.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert (Student.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
    lines = out.getvalue().splitlines()
    for name in ("student1", "student2", "student3"):
        assert any(line.split()[:2] == [name, "student"] for line in lines if line.strip())
    assert User.objects.get(username="student3").check_password("ctxh-demo-2026")
    assert User.objects.get(username="lds00100").check_password("ctxh-demo-2026")


def _part_two_checks(finished):
    """Issue 11: the finished period's full history, two earlier years, the period in
    practice now with entries waiting for instructor1's and instructor2's approval."""
    from ctxh.practicum.models import Evaluation, Grade, LearningAgreement, LogEntry
    from ctxh.practicum.selectors import comparisons
    from ctxh.practicum.selectors.hours import approved_hours_by_placement
    from ctxh.practicum.services.completion import completion_letter

    placements = Placement.objects.filter(period=finished)
    completed = list(
        placements.filter(status=Placement.Status.COMPLETED).select_related(
            "student__round", "student__user"
        )
    )
    assert len(completed) > 700
    hours = approved_hours_by_placement(completed)
    assert all(hours[p.pk] >= p.student.round.required_hours for p in completed)
    kinds = set(
        Evaluation.objects.filter(placement__period=finished).values_list("kind", flat=True)
    )
    assert kinds == set(Evaluation.Kind.values)
    assert Evaluation.objects.filter(placement__period=finished).exclude(comment="").exists()
    assert Grade.objects.filter(placement__period=finished).count() == len(completed)
    agreed = LearningAgreement.objects.filter(placement__period=finished, status="agreed")
    assert agreed.count() == placements.filter(status__in=HOSTED_AFTER).count()
    interrupted = placements.filter(status=Placement.Status.INTERRUPTED)
    assert all(p.interrupt_reason for p in interrupted)
    # Real completion letters (documents service) for the demo accounts' students.
    mine = [p for p in completed if p.student.user.username in ("student1", "student3")]
    assert mine and all(completion_letter(p) is not None for p in mine)
    # Two earlier years: three closed periods in three years, compared.
    closed = PlacementPeriod.objects.filter(status=PlacementPeriod.Status.CLOSED)
    assert len({p.starts_on.year for p in closed}) >= 2 and closed.count() == 3
    programme = User.objects.get(username="programme")
    table = comparisons.facility_comparison(
        user=programme, selection=comparisons.Selection(by="period")
    )
    assert len({row.key for row in table.city}) == 4  # and the period in practice
    # The period in practice: instructor1 and instructor2 each have students with entries
    # waiting for their approval; student1 is in practice with instructor1.
    running = PlacementPeriod.objects.get(status=PlacementPeriod.Status.ACCEPTANCE)
    for username in ("instructor1", "instructor2"):
        fi = FieldInstructor.objects.get(user__username=username)
        waiting = LogEntry.objects.filter(
            placement__period=running,
            placement__status=Placement.Status.IN_PRACTICE,
            placement__instructor__instructor=fi,
            status=LogEntry.Status.SUBMITTED,
            current=True,
        )
        assert waiting.values("placement").distinct().count() >= 2, username
    student1 = Placement.objects.get(
        period=running, student__user__username="student1", status="in_practice"
    )
    assert student1.instructor.instructor.user.username == "instructor1"
