"""City-wide allocation: the problem read from the database, a run end to end (job,
preview, explanations), comparison, commit, the second allocation, moves by hand, and the
programme office's board section."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from ctxh.core.models import AuditEvent, Job
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.practicum.models import (
    AllocationOutcome,
    AllocationRun,
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    PracticeSite,
    Preference,
    Round,
    SchoolQuota,
    Student,
)
from ctxh.practicum.selectors import board_programme
from ctxh.practicum.selectors.allocation import offers_by_id
from ctxh.practicum.services.allocation import (
    allocation_commit,
    allocation_start,
    build_problem,
    explain,
    placement_move,
    runs_compare,
)
from ctxh.testing import client_for, make_user
from ctxh.workforce.models import FieldInstructor
from ctxh.workforce.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


class City:
    """Two schools, four facilities, one period in allocation.

    Offers (casework, university year 3 unless said): ``o1`` at F1 (women only, 1 seat),
    ``o2`` at F2 (2 seats, one instructor with 1 place), ``o3`` at F3 (not in the network),
    ``o4`` at F2 (group work: nobody's type), ``o5`` at F4 (1 seat, ranked by nobody).
    Students: ``a`` (S1, man), ``b`` (S1, woman), ``c`` (S2, woman), ``d`` (S2, man).
    """

    def __init__(self):
        now = timezone.now()
        today = timezone.localdate()
        self.agency = OrganizationFactory(code="AG", kind="agency", name="Sở")
        self.programme = make_user("programme_office", self.agency)
        self.viewer = make_user("viewer", self.agency)
        self.s1 = OrganizationFactory(code="S1", kind="school", name="Trường Một")
        self.s2 = OrganizationFactory(code="S2", kind="school", name="Trường Hai")
        self.f1, self.f2, self.f3, self.f4 = (
            FacilityFactory(code=f"F{i}", name=f"Cơ sở {n}")
            for i, n in ((1, "Ánh Dương"), (2, "Bình Minh"), (3, "Cầu Vồng"), (4, "Đồng Xanh"))
        )
        PracticeSite.objects.create(facility=self.f1, gender_requirement="female")
        PracticeSite.objects.create(facility=self.f2)
        PracticeSite.objects.create(facility=self.f4)
        self.period = PlacementPeriod.objects.create(
            organizer=self.agency,
            name="Kỳ 1",
            starts_on=today,
            ends_on=today + dt.timedelta(days=90),
            preference_deadline=now - dt.timedelta(days=1),
            acceptance_deadline=now + dt.timedelta(days=10),
            max_choices=3,
            status=PlacementPeriod.Status.ALLOCATION,
        )
        rounds = {
            school: Round.objects.create(
                period=self.period,
                school=school,
                name=f"Đợt {school.code}",
                practice_type="casework",
                level="university_3",
                starts_on=self.period.starts_on,
                ends_on=self.period.ends_on,
                required_hours=200,
            )
            for school in (self.s1, self.s2)
        }
        published = {"status": Offer.Status.PUBLISHED, "published_at": now}

        def offer(facility, seats, practice_type="casework"):
            return Offer.objects.create(
                period=self.period,
                facility=facility,
                practice_type=practice_type,
                level="university_3",
                seats=seats,
                **published,
            )

        self.o1 = offer(self.f1, 1)
        self.o2 = offer(self.f2, 2)
        self.o3 = offer(self.f3, 3)
        self.o4 = offer(self.f2, 5, "group_work")
        self.o5 = offer(self.f4, 1)
        instructor = FieldInstructor.objects.create(
            person=PersonFactory(), trained_in_supervision=True, max_students=3
        )
        self.i2 = PeriodInstructor.objects.create(
            period=self.period, facility=self.f2, instructor=instructor, capacity=1
        )
        self.o2.instructors.add(self.i2)
        self.students = {}
        for key, school, gender, choices in (
            ("a", self.s1, "male", [self.o1, self.o2]),
            ("b", self.s1, "female", [self.o1, self.o2]),
            ("c", self.s2, "female", [self.o1, self.o2, self.o4]),
            ("d", self.s2, "male", [self.o3, self.o2]),
        ):
            student = Student.objects.create(
                round=rounds[school],
                user=make_user("student", school),
                student_code=f"SV-{key}",
                full_name=f"Sinh Viên {key.upper()}",
                gender=gender,
            )
            for rank, chosen in enumerate(choices, start=1):
                Preference.objects.create(student=student, offer=chosen, rank=rank)
            self.students[key] = student
            setattr(self, key, student)

    def sid(self, key):
        return str(self.students[key].pk)


@pytest.fixture
def city():
    return City()


def run_now(city, capture, **kwargs):
    with capture(execute=True):
        run = allocation_start(period=city.period, by=city.programme, **kwargs)
    run.refresh_from_db()
    return run


def test_the_problem_forbids_ineligible_pairs_with_their_reason(
    city, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10), translation.override("en"):
        problem, maps = build_problem(city.period)
    sites = {s.id: s for s in problem.sites}
    assert sites[str(city.o1.pk)].capacity == 1
    assert list(sites[str(city.o2.pk)].instructors) == [str(city.i2.pk)]
    assert {i.id: i.capacity for i in problem.instructors} == {str(city.i2.pk): 1}
    forbidden = dict(problem.forbidden)
    assert set(forbidden) == {
        (city.sid("a"), str(city.o1.pk)),
        (city.sid("c"), str(city.o4.pk)),
        (city.sid("d"), str(city.o3.pk)),
    }
    assert "female students only" in forbidden[city.sid("a"), str(city.o1.pk)]
    assert "Group work" in forbidden[city.sid("c"), str(city.o4.pk)]
    assert "does not receive" in forbidden[city.sid("d"), str(city.o3.pk)]
    prefs = {s.id: list(s.preferences) for s in problem.students}
    assert prefs[city.sid("c")] == [str(city.o1.pk), str(city.o2.pk), str(city.o4.pk)]
    assert maps.ranks[city.sid("c")] == [1, 2, 3]
    assert maps.school_of[city.sid("d")] == city.s2.pk


def test_the_query_count_does_not_grow_with_the_period(city, django_assert_num_queries):
    with django_assert_num_queries(9):
        build_problem(city.period)
    # More students, preferences and quotas: the same queries.
    rnd = city.a.round
    for i in range(20):
        student = Student.objects.create(
            round=rnd,
            user=make_user("student", city.s1),
            student_code=f"X{i}",
            full_name=f"Thêm {i}",
            gender="female",
        )
        Preference.objects.create(student=student, offer=city.o5, rank=1)
    SchoolQuota.objects.create(offer=city.o5, school=city.s1, seats=1)
    with django_assert_num_queries(9):
        problem, _maps = build_problem(city.period)
    assert dict(next(s for s in problem.sites if s.id == str(city.o5.pk)).school_quotas) == {
        str(city.s1.pk): 1
    }


def test_a_run_end_to_end_explained_compared_and_committed(
    city, django_capture_on_commit_callbacks
):
    run = run_now(city, django_capture_on_commit_callbacks, seed=1, note="thử")
    assert run.status == AllocationRun.Status.READY, run.summary
    assert run.number == 1 and run.seed == "1"
    assert run.job.status == Job.Status.DONE
    outcomes = {o.student_id: o for o in AllocationOutcome.objects.filter(run=run)}
    assert len(outcomes) == 4
    # o1 takes one woman, o2 one student (its instructor's single place); the rest wait.
    assert run.summary["placed"] == 2 and run.summary["unplaced"] == 2
    assert sum(o.offer_id == city.o1.pk for o in outcomes.values()) == 1
    assert sum(o.offer_id == city.o2.pk for o in outcomes.values()) == 1
    assert {s["name"] for s in run.summary["schools"]} == {"Trường Một", "Trường Hai"}
    f2 = next(f for f in run.summary["facilities"] if f["id"] == city.f2.pk)
    assert f2["seats"] == 2 + 5 and f2["unfilled"] == 1 + 5
    a = outcomes[city.a.pk]
    assert a.explanation[0] == {
        "offer": city.o1.pk,
        "rank": 1,
        "reason": "not_eligible",
        "detail": a.explanation[0]["detail"],
    }
    with translation.override("vi"):
        lines = explain(a, offers_by_id(city.period.pk))
    assert lines[0].startswith("Nguyện vọng 1 (Cơ sở Ánh Dương — Công tác xã hội cá nhân)")
    unplaced = [o for o in outcomes.values() if o.offer_id is None]
    reasons = {item["reason"] for o in unplaced for item in o.explanation}
    assert "full_with_higher_priority_students" in reasons or "instructors_full" in reasons
    with translation.override("vi"):
        text = " ".join(" ".join(explain(o, offers_by_id(city.period.pk))) for o in unplaced)
    assert "ưu tiên cao hơn" in text

    # The same seed gives the same outcome; another priority moves students.
    again = run_now(city, django_capture_on_commit_callbacks, seed=1)
    assert runs_compare(run, again)["moves"] == []
    first_s2 = run_now(
        city, django_capture_on_commit_callbacks, seed=1, school_priority=[city.s2.pk, city.s1.pk]
    )
    comparison = runs_compare(run, first_s2)
    moved = {m["student_id"] for m in comparison["moves"]}
    assert moved, "serving school 2 first changes who gets the seats"
    assert all(outcomes[m["student_id"]].offer_id == m["a_offer"] for m in comparison["moves"])
    placed = next(f for f in comparison["figures"] if f["key"] == "placed")
    assert placed["delta"] == placed["b"] - placed["a"]

    # Commit: proposals for the placed students, the period moves on, audited once.
    with django_capture_on_commit_callbacks(execute=True):
        committed = allocation_commit(run=run, by=city.programme)
    assert committed.status == AllocationRun.Status.COMMITTED
    city.period.refresh_from_db()
    assert city.period.status == PlacementPeriod.Status.ACCEPTANCE
    proposals = Placement.objects.filter(period=city.period)
    assert proposals.count() == 2
    assert set(proposals.values_list("status", flat=True)) == {Placement.Status.PROPOSED}
    assert set(proposals.values_list("run_id", flat=True)) == {run.pk}
    event = AuditEvent.objects.get(action="allocationrun.commit")
    assert event.new_values["proposals"] == 2 and event.actor == city.programme
    # Each proposed student is told in the app; facilities and schools by e-mail too.
    from ctxh.core.models import Notification

    for placement in proposals:
        assert Notification.objects.filter(
            recipient=placement.student.user, title__contains=placement.facility.name
        ).exists()
    assert AuditEvent.objects.filter(action="placementperiod.commit").exists()
    # Committed once per period: neither this run again nor another main run.
    with pytest.raises(ValidationError):
        allocation_commit(run=run, by=city.programme)
    with pytest.raises(ValidationError) as twice:
        allocation_commit(run=again, by=city.programme)
    assert twice.value.code == "committed" and "đã chốt" in twice.value.messages[0]
    assert Placement.objects.filter(period=city.period).count() == 2


def test_only_the_programme_office_runs_and_commits(city, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        allocation_start(period=city.period, by=city.viewer)
    run = run_now(city, django_capture_on_commit_callbacks, seed=3)
    with pytest.raises(PermissionDenied):
        allocation_commit(run=run, by=city.viewer)
    assert not Placement.objects.exists()


def test_a_run_needs_the_right_period_status(city):
    PlacementPeriod.objects.filter(pk=city.period.pk).update(
        status=PlacementPeriod.Status.PREFERENCES
    )
    city.period.refresh_from_db()
    with pytest.raises(ValidationError, match="khóa nguyện vọng"):
        allocation_start(period=city.period, by=city.programme)
    with pytest.raises(ValidationError):
        allocation_start(period=city.period, by=city.programme, kind="second")
    assert not AllocationRun.objects.exists()


def test_the_second_allocation_keeps_placed_students_and_counts_taken_seats(
    city, django_capture_on_commit_callbacks
):
    run = run_now(city, django_capture_on_commit_callbacks, seed=5)
    allocation_commit(run=run, by=city.programme)
    at_o1 = Placement.objects.get(offer=city.o1)
    at_o2 = Placement.objects.get(offer=city.o2)
    # The facility of o2 accepts (naming its instructor); o1's facility declines.
    Placement.objects.filter(pk=at_o2.pk).update(
        status=Placement.Status.ACCEPTED, instructor=city.i2
    )
    Placement.objects.filter(pk=at_o1.pk).update(status=Placement.Status.DECLINED)
    problem, maps = build_problem(city.period, second=True)
    ids = {s.id for s in problem.students}
    assert str(at_o2.student_id) not in ids  # accepted: never moved
    assert str(at_o1.student_id) in ids  # declined: back in the pool
    assert maps.excluded == 1
    sites = {s.id: s.capacity for s in problem.sites}
    assert sites[str(city.o2.pk)] == 1  # 2 seats, 1 accepted
    assert sites[str(city.o1.pk)] == 1  # the declined seat is free again
    assert {i.id: i.capacity for i in problem.instructors} == {str(city.i2.pk): 0}
    forbidden = dict(problem.forbidden)
    assert (str(at_o1.student_id), str(city.o1.pk)) in forbidden  # declined there once

    second = run_now(city, django_capture_on_commit_callbacks, seed=5, kind="second")
    assert second.status == AllocationRun.Status.READY
    assert second.kind == AllocationRun.Kind.SECOND and second.number == 2
    assert AllocationOutcome.objects.filter(run=second).count() == 3
    allocation_commit(run=second, by=city.programme)
    city.period.refresh_from_db()
    assert city.period.status == PlacementPeriod.Status.ACCEPTANCE
    active = Placement.objects.filter(status__in=Placement.ACTIVE)
    assert active.filter(offer=city.o1).count() <= 1
    assert active.filter(offer=city.o2).count() == 1
    assert not active.filter(student_id=at_o1.student_id, offer=city.o1).exists()


def test_moves_by_hand_within_capacity_and_eligibility(city, django_capture_on_commit_callbacks):
    run = run_now(city, django_capture_on_commit_callbacks, seed=2)
    allocation_commit(run=run, by=city.programme)
    woman = Placement.objects.get(offer=city.o1)
    other = Placement.objects.get(offer=city.o2)
    with pytest.raises(ValidationError) as full:
        placement_move(placement=woman, offer=city.o2, by=city.programme, reason="Gần nhà")
    assert "offer" in full.value.message_dict  # o2's only instructor place is taken
    with pytest.raises(ValidationError):
        placement_move(placement=woman, offer=city.o4, by=city.programme, reason="Thử")
    with pytest.raises(ValidationError):
        placement_move(placement=woman, offer=city.o5, by=city.programme, reason="  ")
    with pytest.raises(PermissionDenied):
        placement_move(placement=woman, offer=city.o5, by=city.viewer, reason="Thử")

    moved = placement_move(placement=woman, offer=city.o5, by=city.programme, reason="Gần nhà")
    woman.refresh_from_db()
    assert woman.status == Placement.Status.WITHDRAWN
    assert moved.status == Placement.Status.PROPOSED and moved.offer == city.o5
    assert moved.student_id == woman.student_id and moved.moved_reason == "Gần nhà"
    event = AuditEvent.objects.get(action="placement.move")
    assert event.old_values["offer"] == city.o1.pk and event.new_values["offer"] == city.o5.pk
    # o5 has one seat: it is now taken.
    with pytest.raises(ValidationError, match="không còn chỗ trống"):
        placement_move(placement=other, offer=city.o5, by=city.programme, reason="Thử")
    # The freed seat at o1 takes a woman only (the site's requirement).
    if other.student.gender == "male":
        with pytest.raises(ValidationError):
            placement_move(placement=other, offer=city.o1, by=city.programme, reason="Thử")


def test_the_pages_of_a_run(city, django_capture_on_commit_callbacks):
    client = client_for(city.programme)
    url = f"/practicum/periods/{city.period.pk}/runs/"
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="start-run"' in page.content.decode()
    data = {"seed": "9", "note": "", "kind": "main", f"priority_{city.s1.pk}": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    run = AllocationRun.objects.get()
    assert response["Location"] == f"/practicum/runs/{run.pk}/"
    assert run.school_priority == [city.s1.pk] and run.seed == "9"
    detail = client.get(f"/practicum/runs/{run.pk}/").content.decode()
    assert 'data-testid="outcomes"' in detail and "Sinh Viên A" in detail
    assert "Nguyện vọng 1" in detail
    searched = client.get(f"/practicum/runs/{run.pk}/", {"q": "sinh vien b"}).content.decode()
    assert "Sinh Viên B" in searched and "Sinh Viên A" not in searched
    # Bad input: two schools with the same number is a form error, nothing started.
    bad = client.post(url, {**data, f"priority_{city.s2.pk}": "1"})
    assert bad.status_code == 200 and AllocationRun.objects.count() == 1
    export = client.get(f"/practicum/runs/{run.pk}/export.xlsx")
    content = b"".join(export.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã sinh viên" and len(rows) == 5
    assert AuditEvent.objects.filter(action="allocationrun.export").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "seed": "10"})
    second = AllocationRun.objects.get(number=2)
    compare = client.get(
        f"/practicum/periods/{city.period.pk}/runs/compare/", {"a": run.pk, "b": second.pk}
    )
    assert 'data-testid="compare-figures"' in compare.content.decode()
    response = client.post(f"/practicum/runs/{run.pk}/commit/")
    assert response.status_code == 302
    assert Placement.objects.filter(run=run).count() == run.summary["placed"]
    again = client.post(f"/practicum/runs/{second.pk}/commit/", follow=True)
    assert "Kỳ này đã chốt một lần phân bổ." in again.content.decode()
    placement = Placement.objects.filter(run=run).first()
    move_page = client.get(f"/practicum/placements/{placement.pk}/move/")
    assert move_page.status_code == 200


def test_the_programme_board_in_constant_queries(
    city, django_capture_on_commit_callbacks, django_assert_max_num_queries, rf
):
    run = run_now(city, django_capture_on_commit_callbacks, seed=4)
    allocation_commit(run=run, by=city.programme)
    Placement.objects.update(proposed_at=timezone.now() - dt.timedelta(days=10))
    request = rf.get("/practicum/")
    request.user = city.programme
    # 8, and 2 for the period's practice (part 2: progress and overdue items).
    with django_assert_max_num_queries(10):
        board = board_programme.context(request, city.period)
    schools = {r["name"]: r for r in board["schools"]}
    assert schools["Trường Một"]["students"] == 2
    assert schools["Trường Hai"]["with_preferences"] == 2
    assert sum(r["placed"] for r in board["schools"]) == 2
    facilities = {r["name"]: r for r in board["facilities"]}
    assert facilities["Cơ sở Bình Minh"]["seats"] == 7
    assert facilities["Cơ sở Bình Minh"]["proposed"] == 1
    assert board["overdue"] == 2 and board["runs"] == [run]
    request.user = make_user("school_coordinator", city.s1)
    assert board_programme.context(request, city.period) is None
    page = client_for(city.programme).get(f"/practicum/?period={city.period.pk}")
    assert 'data-testid="board-programme"' in page.content.decode()


def test_a_failing_run_says_why_and_stores_nothing(
    city, django_capture_on_commit_callbacks, monkeypatch
):
    from ctxh import matching

    def broken(problem):
        raise ValueError("unknown site 'x' in a preference list")

    monkeypatch.setattr(matching, "allocate", broken)
    run = run_now(city, django_capture_on_commit_callbacks, seed=1)
    assert run.status == AllocationRun.Status.FAILED
    assert "unknown site" in run.summary["error"]
    assert run.job.status == Job.Status.FAILED and "unknown site" in run.job.error
    assert not AllocationOutcome.objects.filter(run=run).exists()
    with pytest.raises(ValidationError):
        allocation_commit(run=run, by=city.programme)


def test_a_stale_second_run_is_not_committed(city, django_capture_on_commit_callbacks):
    run = run_now(city, django_capture_on_commit_callbacks, seed=6)
    allocation_commit(run=run, by=city.programme)
    Placement.objects.filter(offer=city.o1).update(status=Placement.Status.DECLINED)
    second = run_now(city, django_capture_on_commit_callbacks, seed=6, kind="second")
    placed = AllocationOutcome.objects.filter(run=second, offer__isnull=False)
    assert placed.exists()
    # Meanwhile every seat it counted on is given by hand: committing would exceed them.
    for outcome in placed:
        Offer.objects.filter(pk=outcome.offer_id).update(seats=1)
        Placement.objects.create(
            student=Student.objects.exclude(placements__status__in=Placement.ACTIVE)
            .exclude(pk__in=placed.values("student_id"))
            .first()
            or outcome.student,
            offer=outcome.offer,
            period=city.period,
            school=outcome.student.school,
            facility=outcome.offer.facility,
            proposed_at=timezone.now(),
        )
        break
    with pytest.raises(ValidationError) as stale:
        allocation_commit(run=second, by=city.programme)
    assert stale.value.code == "stale"
    second.refresh_from_db()
    assert second.status == AllocationRun.Status.READY
