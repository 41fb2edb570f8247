"""Sites, field instructors and schools compared across years (issue 11).

Every figure is aggregated in the database (``values().annotate()``: a handful of grouped
queries per table, whatever the number of placements) over the placements the user may
compare (:func:`compare_q`): the programme office and the viewer all of them, a facility
its own, a school its students', a field instructor the students they supervised. The
city's figures (:attr:`Table.city`) are always the whole city's, so a facility sees its
rows next to the city's.

Definitions (one place; the page and the export say them in words):

* **hosted**: placements that took a seat — accepted, in practice, completed or
  interrupted (an interrupted placement was hosted until it stopped);
* **acceptance rate**: of the proposals the facility decided (``decided_at`` set), the
  share not declined; **days to decide**: the mean of ``decided_at − proposed_at`` over
  them, in days (one decimal);
* **completion rate**: completed / (completed + interrupted), the hosted placements that
  have finished;
* **approved hours**: the approved hours of the logbooks' current versions (the same
  definition as :mod:`ctxh.practicum.selectors.hours`);
* **rating**: the mean ``rating`` of the students' evaluations of the site
  (``student_site``) or of the instructor (``student_instructor``), with their number;
* **students at once**: an instructor's most hosted students in one period;
  **days to approve**: the mean of ``decided_at − submitted_at`` of the logbook entries
  they approved or returned;
* **placement rate**: a school's students with a hosted placement / its students;
  **first-choice rate**: hosted placements that were the student's first choice
  (``rank`` 1) / hosted placements; **grades**: the grades put on a 0–10 scale by their
  rubric's range, in the Vietnamese credit system's bands A (8,5–10), B (7–8,4),
  C (5,5–6,9), D (4–5,4), F (below 4).

Students' comments are never shown with a name: :func:`anonymised_comments` is the one
rule (at least :data:`MIN_RATERS` students rated, comments without names in random order).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from ctxh.core.roles import Role
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization
from ctxh.workforce.models import FieldInstructor

from ..models import Evaluation, Grade, LogEntry, Placement, PlacementPeriod, PracticeType, Student
from .instructors import instructor_for_user

P = Placement.Status
#: Placements that took a seat (see the module's definitions).
HOSTED = (P.ACCEPTED, P.IN_PRACTICE, P.COMPLETED, P.INTERRUPTED)
#: Hosted placements that have finished.
FINISHED = (P.COMPLETED, P.INTERRUPTED)
#: Comments are shown only when at least this many students rated.
MIN_RATERS = 5
#: Grade bands on a 0–10 scale: (label, lowest grade of the band).
GRADE_BANDS = (
    ("A", Decimal("8.5")),
    ("B", Decimal("7")),
    ("C", Decimal("5.5")),
    ("D", Decimal("4")),
)
GRADE_LABELS = ("A", "B", "C", "D", "F")

#: How rows are broken down.
BREAKDOWNS = {
    "year": _("Year"),
    "period": _("Period"),
    "practice_type": _("Practice type"),
    "all": _("All years together"),
}


@dataclass(frozen=True)
class Selection:
    """What is compared: the years of the periods' start (inclusive), a practice type, a
    school, a facility, and the breakdown (:data:`BREAKDOWNS`)."""

    year_from: int | None = None
    year_to: int | None = None
    practice_type: str = ""
    school_id: int | None = None
    facility_id: int | None = None
    by: str = "year"


@dataclass
class Row:
    """One line of a comparison table: ``subject`` (a facility, an instructor or a school,
    None for the city), ``key`` of the breakdown and the figures by name."""

    subject_id: int | None
    subject: str
    key: object
    key_label: str
    figures: dict = field(default_factory=dict)
    facility_id: int | None = None
    facility: str = ""

    def __getitem__(self, name):
        return self.figures[name]

    def value(self, name: str):
        """The figure ``name`` (None when the line has none)."""
        return self.figures.get(name)


@dataclass
class Table:
    """The rows the user may see and the city's rows (one per key of the breakdown)."""

    rows: list[Row]
    city: list[Row]


# --- scope and filters --------------------------------------------------------------------


def compare_q(user, action: str = "compare", prefix: str = "") -> Q:
    """The placements ``user`` may compare (``prefix``: the path to the placement). A user
    reaching an organisation only as its field instructor gets the placements they
    supervised there; a facility's manager or a school's coordinator all of theirs."""
    scope = scope_for(user, Placement, action)
    if scope.everything:
        return Q()
    roles: dict[int, set] = defaultdict(set)
    for membership in getattr(user, "active_memberships", []):
        roles[membership.organization_id].add(membership.role)
    full = [o for o in scope.organization_ids if roles[o] - {Role.FIELD_INSTRUCTOR}]
    only_instructor = [o for o in scope.organization_ids if o not in full]
    condition = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    if full:
        condition |= Q(**{f"{prefix}facility_id__in": full}) | Q(**{f"{prefix}school_id__in": full})
    instructor = instructor_for_user(user) if only_instructor else None
    if instructor is not None:
        condition |= Q(
            **{
                f"{prefix}facility_id__in": only_instructor,
                f"{prefix}instructor__instructor": instructor,
            }
        )
    return condition


def _selection_q(sel: Selection, prefix: str = "", *, subjects: bool = True) -> Q:
    condition = Q()
    if sel.year_from:
        condition &= Q(**{f"{prefix}period__starts_on__year__gte": sel.year_from})
    if sel.year_to:
        condition &= Q(**{f"{prefix}period__starts_on__year__lte": sel.year_to})
    if sel.practice_type:
        condition &= Q(**{f"{prefix}offer__practice_type": sel.practice_type})
    if subjects and sel.school_id:
        condition &= Q(**{f"{prefix}school_id": sel.school_id})
    if subjects and sel.facility_id:
        condition &= Q(**{f"{prefix}facility_id": sel.facility_id})
    return condition


def _key(sel: Selection, prefix: str = "", *, practice_type: str | None = None):
    """The breakdown's expression on a placement (``prefix``: the path to it)."""
    if sel.by == "period":
        return F(f"{prefix}period_id")
    if sel.by == "practice_type":
        return F(practice_type or f"{prefix}offer__practice_type")
    if sel.by == "all":
        return Value(0)
    return ExtractYear(f"{prefix}period__starts_on")


def _key_labels(sel: Selection, keys) -> dict:
    if sel.by == "period":
        names = dict(PlacementPeriod.objects.filter(pk__in=set(keys)).values_list("pk", "name"))
        return {k: names.get(k, "—") for k in keys}
    if sel.by == "practice_type":
        return {k: str(PracticeType(k).label) if k in PracticeType.values else k for k in keys}
    if sel.by == "all":
        return {k: str(_("All years")) for k in keys}
    return {k: str(k) for k in keys}


def _days(value) -> float | None:
    """A mean duration (a timedelta, or microseconds on some backends) in days."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1e6
    return round(seconds / 86400, 1)


def _rate(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _mean(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def _duration(end: str, start: str):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _placement_figures() -> dict:
    decided = Q(decided_at__isnull=False)
    return {
        "proposed": Count("pk"),
        "hosted": Count("pk", filter=Q(status__in=HOSTED)),
        "decided": Count("pk", filter=decided),
        "accepted": Count("pk", filter=decided & ~Q(status=P.DECLINED)),
        "decide_time": Avg(_duration("decided_at", "proposed_at"), filter=decided),
        "completed": Count("pk", filter=Q(status=P.COMPLETED)),
        "finished": Count("pk", filter=Q(status__in=FINISHED)),
    }


def _rates(figures: dict) -> dict:
    """The rates of a line's counts (the raw counts stay, for the export and the links)."""
    figures["acceptance_rate"] = _rate(figures.get("accepted", 0), figures.get("decided", 0))
    figures["days_to_decide"] = _days(figures.pop("decide_time", None))
    figures["completion_rate"] = _rate(figures.get("completed", 0), figures.get("finished", 0))
    return figures


def _names(model, ids, path="name") -> dict[int, str]:
    return dict(model.objects.filter(pk__in=set(ids) - {None}).values_list("pk", path))


def _sorted_rows(sel: Selection, rows: list[Row], period_order: dict | None = None) -> list[Row]:
    from ctxh.core.collation import name_sort_key

    def key(row: Row):
        order = period_order.get(row.key, 0) if period_order is not None else row.key
        return (name_sort_key(row.subject), order if order is not None else 0)

    return sorted(rows, key=key)


def _period_order(sel: Selection, keys) -> dict | None:
    if sel.by != "period":
        return None
    starts = PlacementPeriod.objects.filter(pk__in=set(keys)).values_list("pk", "starts_on")
    return {pk: starts_on.toordinal() for pk, starts_on in starts}


# --- facilities ---------------------------------------------------------------------------


def _facility_rows(base, sel: Selection, group: tuple[str, ...]) -> dict[tuple, dict]:
    """The facility figures of the placements ``base`` (and their logbooks and the
    students' ratings of the site) grouped by ``group`` (+ the breakdown's key)."""
    lines: dict[tuple, dict] = {}
    placements = base.values(*group, key=_key(sel)).annotate(**_placement_figures()).order_by()
    for line in placements:
        lines[(*(line[g] for g in group), line["key"])] = dict(line)
    pgroup = [f"placement__{g}" for g in group]
    hours = (
        LogEntry.objects.filter(
            placement__in=base.values("pk"), current=True, status=LogEntry.Status.APPROVED
        )
        .values(*pgroup, key=_key(sel, "placement__"))
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for line in hours:
        ident = (*(line[g] for g in pgroup), line["key"])
        lines.setdefault(ident, {}).update(approved_hours=line["hours"])
    ratings = (
        Evaluation.objects.filter(
            placement__in=base.values("pk"),
            kind=Evaluation.Kind.STUDENT_SITE,
            rating__isnull=False,
        )
        .values(*pgroup, key=_key(sel, "placement__"))
        .annotate(rating=Avg("rating"), raters=Count("pk"))
        .order_by()
    )
    for line in ratings:
        ident = (*(line[g] for g in pgroup), line["key"])
        lines.setdefault(ident, {}).update(rating=line["rating"], raters=line["raters"])
    for figures in lines.values():
        _rates(figures)
        figures["approved_hours"] = figures.get("approved_hours") or Decimal(0)
        hosted = figures.get("hosted") or 0
        figures["hours_per_student"] = (
            round(float(figures["approved_hours"]) / hosted, 1) if hosted else None
        )
        figures["rating"] = _mean(figures.get("rating"))
        figures.setdefault("raters", 0)
    return lines


def facility_comparison(*, user, selection: Selection) -> Table:
    """Per facility (and key of the breakdown): students hosted, acceptance rate, days to
    decide, completion rate, approved hours, the students' mean rating of the site; and
    the city's figures per key (``facilities``: how many facilities hosted)."""
    sel = selection
    base = Placement.objects.filter(compare_q(user), _selection_q(sel))
    lines = _facility_rows(base, sel, ("facility_id",))
    city_base = Placement.objects.filter(_selection_q(sel, subjects=False))
    city = _facility_rows(city_base, sel, ())
    facilities = (
        city_base.filter(status__in=HOSTED)
        .values(key=_key(sel))
        .annotate(n=Count("facility_id", distinct=True))
        .order_by()
    )
    counts = {line["key"]: line["n"] for line in facilities}
    keys = {ident[-1] for ident in lines} | {ident[-1] for ident in city}
    labels = _key_labels(sel, keys)
    names = _names(Organization, [ident[0] for ident in lines])
    rows = [
        Row(ident[0], names.get(ident[0], "—"), ident[-1], labels[ident[-1]], figures)
        for ident, figures in lines.items()
    ]
    city_rows = []
    for (key,), figures in city.items():
        figures["facilities"] = counts.get(key, 0)
        figures["hosted_per_facility"] = (
            round(figures["hosted"] / figures["facilities"], 1) if figures["facilities"] else None
        )
        city_rows.append(Row(None, str(_("City")), key, labels[key], figures))
    order = _period_order(sel, keys)
    return Table(_sorted_rows(sel, rows, order), _sorted_rows(sel, city_rows, order))


# --- instructors --------------------------------------------------------------------------


def instructor_comparison(*, user, selection: Selection) -> Table:
    """Per field instructor (a workforce person, across periods) and facility: students
    hosted, students at once (the most in one period), completion rate, days to approve
    logbook entries, the students' mean rating of the instructor; the city's per key."""
    sel = selection
    base = Placement.objects.filter(compare_q(user), _selection_q(sel), instructor__isnull=False)
    city_base = Placement.objects.filter(
        _selection_q(sel, subjects=False), instructor__isnull=False
    )
    ident = ("instructor__instructor_id", "facility_id")
    rows = _instructor_lines(base, sel, ident)
    city = _instructor_lines(city_base, sel, ())
    keys = {i[-1] for i in rows} | {i[-1] for i in city}
    labels = _key_labels(sel, keys)
    people = _names(FieldInstructor, [i[0] for i in rows], "person__full_name")
    facilities = _names(Organization, [i[1] for i in rows])
    table = [
        Row(
            i[0],
            people.get(i[0], "—"),
            i[-1],
            labels[i[-1]],
            figures,
            facility_id=i[1],
            facility=facilities.get(i[1], "—"),
        )
        for i, figures in rows.items()
    ]
    city_rows = [Row(None, str(_("City")), i[-1], labels[i[-1]], f) for i, f in city.items()]
    order = _period_order(sel, keys)
    return Table(_sorted_rows(sel, table, order), _sorted_rows(sel, city_rows, order))


def _instructor_lines(base, sel: Selection, group: tuple[str, ...]) -> dict[tuple, dict]:
    lines: dict[tuple, dict] = {}
    per_period = (
        base.values(*group, "period_id", key=_key(sel))
        .annotate(
            hosted=Count("pk", filter=Q(status__in=HOSTED)),
            completed=Count("pk", filter=Q(status=P.COMPLETED)),
            finished=Count("pk", filter=Q(status__in=FINISHED)),
        )
        .order_by()
    )
    for line in per_period:
        ident = (*(line[g] for g in group), line["key"])
        figures = lines.setdefault(
            ident, {"hosted": 0, "completed": 0, "finished": 0, "at_once": 0, "periods": 0}
        )
        for name in ("hosted", "completed", "finished"):
            figures[name] += line[name]
        figures["periods"] += 1
        if group:
            figures["at_once"] = max(figures["at_once"], line["hosted"])
    pgroup = [f"placement__{g}" for g in group]
    approvals = (
        LogEntry.objects.filter(
            placement__in=base.values("pk"),
            status__in=(LogEntry.Status.APPROVED, LogEntry.Status.RETURNED),
            decided_at__isnull=False,
            submitted_at__isnull=False,
        )
        .values(*pgroup, key=_key(sel, "placement__"))
        .annotate(wait=Avg(_duration("decided_at", "submitted_at")), decided=Count("pk"))
        .order_by()
    )
    for line in approvals:
        ident = (*(line[g] for g in pgroup), line["key"])
        if ident in lines:
            lines[ident].update(days_to_approve=_days(line["wait"]), entries=line["decided"])
    ratings = (
        Evaluation.objects.filter(
            placement__in=base.values("pk"),
            kind=Evaluation.Kind.STUDENT_INSTRUCTOR,
            rating__isnull=False,
        )
        .values(*pgroup, key=_key(sel, "placement__"))
        .annotate(rating=Avg("rating"), raters=Count("pk"))
        .order_by()
    )
    for line in ratings:
        ident = (*(line[g] for g in pgroup), line["key"])
        if ident in lines:
            lines[ident].update(rating=_mean(line["rating"]), raters=line["raters"])
    for figures in lines.values():
        figures["completion_rate"] = _rate(figures["completed"], figures["finished"])
        figures.setdefault("days_to_approve", None)
        figures.setdefault("entries", 0)
        figures.setdefault("rating", None)
        figures.setdefault("raters", 0)
        if not group:
            figures["at_once"] = None
    return lines


# --- schools ------------------------------------------------------------------------------


def _grade_figures() -> tuple[dict, ExpressionWrapper]:
    """Counts of the grades in each band, on a 0–10 scale of the grade's rubric."""
    scaled = ExpressionWrapper(
        (F("value") - F("rubric__grade_min"))
        * 10
        / (F("rubric__grade_max") - F("rubric__grade_min")),
        output_field=DecimalField(max_digits=9, decimal_places=4),
    )
    figures, upper = {}, None
    for label, low in GRADE_BANDS:
        band = Q(scaled__gte=low) if upper is None else Q(scaled__gte=low, scaled__lt=upper)
        figures[f"grade_{label}"] = Count("pk", filter=band)
        upper = low
    figures["grade_F"] = Count("pk", filter=Q(scaled__lt=upper))
    figures["grades"] = Count("pk")
    return figures, scaled


def school_comparison(*, user, selection: Selection) -> Table:
    """Per school (and key): students, placement rate, first-choice rate, completion rate
    and the grades by band (A–F); the city's per key."""
    sel = selection
    scope = scope_for(user, Student, "compare")
    schools = None if scope.everything else sorted(scope.organization_ids)
    rows = _school_lines(sel, schools, ("school_id",))
    city = _school_lines(sel, None, (), city=True)
    keys = {i[-1] for i in rows} | {i[-1] for i in city}
    labels = _key_labels(sel, keys)
    names = _names(Organization, [i[0] for i in rows])
    table = [Row(i[0], names.get(i[0], "—"), i[-1], labels[i[-1]], f) for i, f in rows.items()]
    city_rows = [Row(None, str(_("City")), i[-1], labels[i[-1]], f) for i, f in city.items()]
    order = _period_order(sel, keys)
    return Table(_sorted_rows(sel, table, order), _sorted_rows(sel, city_rows, order))


def _school_lines(
    sel: Selection, schools: list[int] | None, group: tuple[str, ...], *, city: bool = False
) -> dict[tuple, dict]:
    """``schools``: the schools in scope (None: all). Students are counted from their
    rounds; everything else from their placements (no join of the two)."""

    def on(prefix: str) -> Q:
        condition = Q()
        if schools is not None:
            condition &= Q(**{f"{prefix}school_id__in": schools})
        if sel.school_id and not city:
            condition &= Q(**{f"{prefix}school_id": sel.school_id})
        if sel.year_from:
            condition &= Q(**{f"{prefix}period__starts_on__year__gte": sel.year_from})
        if sel.year_to:
            condition &= Q(**{f"{prefix}period__starts_on__year__lte": sel.year_to})
        if sel.practice_type:
            condition &= Q(**{f"{prefix}student__round__practice_type": sel.practice_type})
        return condition

    lines: dict[tuple, dict] = {}

    def line_of(ident) -> dict:
        return lines.setdefault(ident, {"students": 0, "placed": 0})

    student_q = Q()
    if schools is not None:
        student_q &= Q(school_id__in=schools)
    if sel.school_id and not city:
        student_q &= Q(school_id=sel.school_id)
    if sel.year_from:
        student_q &= Q(period__starts_on__year__gte=sel.year_from)
    if sel.year_to:
        student_q &= Q(period__starts_on__year__lte=sel.year_to)
    if sel.practice_type:
        student_q &= Q(round__practice_type=sel.practice_type)
    for line in (
        Student.objects.filter(student_q)
        .values(*group, key=_key(sel, practice_type="round__practice_type"))
        .annotate(students=Count("pk"))
        .order_by()
    ):
        line_of((*(line[g] for g in group), line["key"]))["students"] = line["students"]
    hosted = Q(status__in=HOSTED)
    for line in (
        Placement.objects.filter(on(""))
        .values(*group, key=_key(sel, practice_type="student__round__practice_type"))
        .annotate(
            placed=Count("student_id", distinct=True, filter=hosted),
            hosted=Count("pk", filter=hosted),
            first_choice=Count("pk", filter=Q(status__in=HOSTED, rank=1)),
            completed=Count("pk", filter=Q(status=P.COMPLETED)),
            finished=Count("pk", filter=Q(status__in=FINISHED)),
        )
        .order_by()
    ):
        line_of((*(line[g] for g in group), line["key"])).update(
            {k: line[k] for k in ("placed", "hosted", "first_choice", "completed", "finished")}
        )
    bands, scaled = _grade_figures()
    pgroup = [f"placement__{g}" for g in group]
    for line in (
        Grade.objects.filter(on("placement__"))
        .alias(scaled=scaled)
        .values(
            *pgroup,
            key=_key(sel, "placement__", practice_type="placement__student__round__practice_type"),
        )
        .annotate(**bands)
        .order_by()
    ):
        line_of((*(line[g] for g in pgroup), line["key"])).update({k: line[k] for k in bands})
    for figures in lines.values():
        for name in ("hosted", "first_choice", "completed", "finished", "grades"):
            figures.setdefault(name, 0)
        for label in GRADE_LABELS:
            figures.setdefault(f"grade_{label}", 0)
        figures["placement_rate"] = _rate(figures["placed"], figures["students"])
        figures["first_choice_rate"] = _rate(figures["first_choice"], figures["hosted"])
        figures["completion_rate"] = _rate(figures["completed"], figures["finished"])
    return lines


# --- the students' comments ---------------------------------------------------------------


def anonymised_comments(evaluations, *, rng: random.Random | None = None) -> list[str]:
    """The one rule for showing students' free-text ratings (``evaluations``: a queryset of
    one facility's or one instructor's student evaluations in the selection): nothing
    unless at least :data:`MIN_RATERS` distinct students rated; then the non-empty comments
    only — no name, no date, no rating beside them — in random order."""
    rows = list(
        evaluations.filter(rating__isnull=False).values_list("placement__student_id", "comment")
    )
    if len({student for student, _comment in rows}) < MIN_RATERS:
        return []
    comments = [comment.strip() for _student, comment in rows if comment and comment.strip()]
    (rng or random.SystemRandom()).shuffle(comments)
    return comments


def facility_comments(*, user, selection: Selection, facility_id: int) -> list[str]:
    """The students' comments on the site ``facility_id`` in the selection (anonymised)."""
    base = Placement.objects.filter(
        compare_q(user), _selection_q(selection), facility_id=facility_id
    )
    return anonymised_comments(
        Evaluation.objects.filter(
            placement__in=base.values("pk"), kind=Evaluation.Kind.STUDENT_SITE
        )
    )


def instructor_comments(*, user, selection: Selection, instructor_id: int) -> list[str]:
    """The students' comments on the field instructor (a workforce ``FieldInstructor`` id)
    in the selection (anonymised)."""
    base = Placement.objects.filter(
        compare_q(user), _selection_q(selection), instructor__instructor_id=instructor_id
    )
    return anonymised_comments(
        Evaluation.objects.filter(
            placement__in=base.values("pk"), kind=Evaluation.Kind.STUDENT_INSTRUCTOR
        )
    )


def placements_visible(user):
    """The placements ``user`` may see in the placement list: ``view``'s scope, a field
    instructor's narrowed to the students they supervise, a student's their own."""
    visible = Placement.objects.visible_to(user, "view")
    if scope_for(user, Placement, "view").everything:
        return visible
    return visible.filter(compare_q(user, "view") | Q(student__user=user))
