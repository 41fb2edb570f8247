"""The training's figures: classes, participant-times, distinct people, completion, and the
share of the workforce trained in the last N years against the programme's target.

Definitions (the same on the page, in the export and in the benchmark):

* a **class** counts in a period when it *starts* in it and was not cancelled (historic
  classes included);
* a **participant-time** (lượt người) is an *accepted* enrolment of such a class;
* **distinct people** (số người) are the distinct registry people among them — a
  participant not identified in the registry (``person`` empty) is a participant-time but
  cannot be counted as a person, so the number of such enrolments is shown beside it;
* the **completion rate** is the completed share of the participant-times whose completion
  is known (a running class has none yet);
* **by sector, ward and organisation** means the participant's organisation when enrolled
  (its sector from :data:`ctxh.organizations.models.SECTOR_OF_KIND`, its ward);
* the **share trained** (Decision 112 follow-up): of the people of the current registry
  (a workforce ``Person`` with a current organisation), those who completed a class that
  ended within the last N years, by the sector and ward of their current organisation,
  against the ``WorkforceTarget`` rows of indicator ``workforce_trained``.

Every figure is aggregated in the database (``values().annotate()``), one grouped query
per table, whatever the number of enrolments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.geo.models import Ward
from ctxh.organizations.models import SECTOR_OF_KIND, Kind, Organization, Sector
from ctxh.workforce.models import Person, WorkforceTarget

from ..models import Enrollment, TrainingClass

#: The programme's periods, one click away: key → (label, first day, last day).
PERIODS: dict[str, tuple] = {
    "2010-2020": (_("2010–2020"), dt.date(2010, 1, 1), dt.date(2020, 12, 31)),
    "2021-2025": (_("2021–2025"), dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
    "2026": (_("Since 2026"), dt.date(2026, 1, 1), None),
    "all": (_("All years"), None, None),
}

#: The breakdowns of the page: key → label.
DIMENSIONS = {
    "topic": _("Topic"),
    "organizer": _("Organiser"),
    "sector": _("Sector"),
    "ward": _("Ward"),
    "organization": _("Organisation"),
}
#: The default number of years of the share trained. ``WorkforceTarget`` has no window of
#: its own: the programme's target ("at least 30 % of the workforce trained by 2025") is
#: read over the last five years, as the demo's target row says in its source text.
TRAINED_YEARS = 5


@dataclass(frozen=True)
class Period:
    """A range of class start dates (either end open)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        if self.start:
            condition &= Q(**{f"{prefix}starts_on__gte": self.start})
        if self.end:
            condition &= Q(**{f"{prefix}starts_on__lte": self.end})
        return condition


@dataclass
class Figures:
    """One line of a table: the four figures of a group."""

    key: object
    label: str
    classes: int | None = None
    participant_times: int = 0
    people: int = 0
    unidentified: int = 0
    completed: int = 0
    decided: int = 0

    @property
    def completion_rate(self) -> float | None:
        return 100 * self.completed / self.decided if self.decided else None


@dataclass
class Share:
    """Trained people of the registry out of all of it, for one group."""

    key: object
    label: str
    trained: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.trained / self.total if self.total else 0.0


@dataclass
class TrainedShare:
    """The share of the workforce trained in the last ``years`` years, with the targets."""

    years: int
    since: dt.date
    total: Share
    by_sector: list[Share]
    by_ward: list[Share]
    targets: list[WorkforceTarget] = field(default_factory=list)

    def status(self) -> list[tuple[WorkforceTarget, bool]]:
        """Each target with whether today's share reaches it."""
        share = Decimal(str(round(self.total.percent, 2)))
        return [(t, share >= t.percent) for t in self.targets]


# --- Querysets ------------------------------------------------------------------------


def counted_classes(*, user, period: Period = Period()) -> QuerySet:
    """The classes a period counts, among those ``user`` may count."""
    return (
        TrainingClass.objects.exclude(status=TrainingClass.Status.CANCELLED)
        .filter(period.q())
        .filter(_class_scope(user))
    )


def participant_times(*, user, period: Period = Period()) -> QuerySet:
    """The enrolments a period counts as participant-times (scoped by ``statistics``)."""
    return (
        Enrollment.objects.visible_to(user, "statistics")
        .filter(status=Enrollment.Status.ACCEPTED)
        .exclude(training_class__status=TrainingClass.Status.CANCELLED)
        .filter(period.q("training_class__"))
    )


def _class_scope(user) -> Q:
    from ctxh.core.scoping import scope_for

    condition = scope_for(user, Enrollment, "statistics").q(TrainingClass)
    return Q() if condition is None else condition


def narrowed(enrolments: QuerySet, *, dimension: str, key) -> QuerySet:
    """``enrolments`` of one group of a breakdown (what a figure's link lists)."""
    if dimension == "year":
        return enrolments.filter(training_class__starts_on__year=int(key))
    if dimension == "topic":
        return enrolments.filter(training_class__course__topic=key)
    if dimension == "organizer":
        return enrolments.filter(training_class__organizer_id=key)
    if dimension == "sector":
        if not key:
            return enrolments.filter(organization__isnull=True)
        kinds = [k for k, s in SECTOR_OF_KIND.items() if s == key]
        return enrolments.filter(organization__kind__in=kinds)
    if dimension == "ward":
        return enrolments.filter(organization__ward_id=key)
    if dimension == "organization":
        return enrolments.filter(organization_id=key)
    return enrolments


# --- The figures ----------------------------------------------------------------------

# Aliases differ from the fields' names (an alias may not shadow a field it filters on).
_FIGURES = {
    "n_participant_times": Count("id"),
    "n_people": Count("person", distinct=True),
    "n_unidentified": Count("id", filter=Q(person__isnull=True)),
    "n_completed": Count("id", filter=Q(completed=True)),
    "n_decided": Count("id", filter=Q(completed__isnull=False)),
}


def _grouped(enrolments: QuerySet, field_name: str) -> dict:
    rows = enrolments.order_by().values(field_name).annotate(**_FIGURES)
    return {row.pop(field_name): row for row in rows}


def _sector(kind_field: str) -> Case:
    """The sector of an organisation's kind, computed in the query (so that a person
    counted once per sector is counted once, whatever kinds the sector groups)."""
    return Case(
        *(
            When(**{kind_field: kind}, then=Value(str(sector)))
            for kind, sector in SECTOR_OF_KIND.items()
        ),
        default=Value(""),
        output_field=CharField(),
    )


def _class_counts(classes: QuerySet, field_name: str) -> dict:
    rows = classes.order_by().values(field_name).annotate(n=Count("id"))
    return {row[field_name]: row["n"] for row in rows}


def _line(key, label, figures: dict | None, classes: int | None = None) -> Figures:
    values = {name.removeprefix("n_"): value for name, value in (figures or {}).items()}
    return Figures(key=key, label=str(label), classes=classes, **values)


def totals(*, user, period: Period = Period()) -> Figures:
    """The four figures of the whole period (two queries)."""
    figures = participant_times(user=user, period=period).aggregate(**_FIGURES)
    classes = counted_classes(user=user, period=period).count()
    return _line("all", _("All"), figures, classes)


def by_year(*, user, period: Period = Period()) -> list[Figures]:
    """Classes and participants per year of the classes' start (two queries)."""
    enrolments = participant_times(user=user, period=period).annotate(
        year=ExtractYear("training_class__starts_on")
    )
    figures = _grouped(enrolments, "year")
    classes = _class_counts(
        counted_classes(user=user, period=period).annotate(year=ExtractYear("starts_on")), "year"
    )
    years = sorted(set(figures) | set(classes))
    return [_line(y, y, figures.get(y), classes.get(y, 0)) for y in years]


def breakdown(*, user, dimension: str, period: Period = Period()) -> list[Figures]:
    """The figures of ``dimension`` (see :data:`DIMENSIONS`), largest first; classes are
    counted for the class dimensions (topic, organiser) only (one or two queries)."""
    enrolments = participant_times(user=user, period=period)
    classes = counted_classes(user=user, period=period)
    if dimension == "topic":
        figures = _grouped(enrolments, "training_class__course__topic")
        counts = _class_counts(classes, "course__topic")
        lines = [_line(k, k, figures.get(k), counts.get(k, 0)) for k in set(figures) | set(counts)]
    elif dimension == "organizer":
        figures = _grouped(enrolments, "training_class__organizer")
        counts = _class_counts(classes, "organizer")
        names = dict(
            Organization.objects.filter(pk__in=set(figures) | set(counts)).values_list("pk", "name")
        )
        lines = [
            _line(k, names.get(k, "—"), figures.get(k), counts.get(k, 0))
            for k in set(figures) | set(counts)
        ]
    elif dimension == "sector":
        figures = _grouped(enrolments.annotate(sector=_sector("organization__kind")), "sector")
        labels = dict(Sector.choices)
        return [
            _line(s, labels.get(s, _("No organisation")), figures[s])
            for s in [*labels, ""]
            if s in figures
        ]
    elif dimension == "ward":
        figures = _grouped(enrolments, "organization__ward")
        names = dict(Ward.objects.filter(pk__in=set(figures)).values_list("pk", "name"))
        lines = [_line(k, names.get(k, _("No ward")), figures[k]) for k in figures]
    elif dimension == "organization":
        figures = _grouped(enrolments, "organization")
        names = dict(Organization.objects.filter(pk__in=set(figures)).values_list("pk", "name"))
        lines = [_line(k, names.get(k, _("No organisation")), figures[k]) for k in figures]
    else:
        raise ValueError(dimension)
    lines.sort(key=lambda f: (-f.participant_times, -(f.classes or 0), f.label))
    return lines


def trained_share(*, user, years: int = TRAINED_YEARS, today: dt.date | None = None):
    """The share of the current registry trained (completed a class) in the last ``years``
    years, by sector and ward, with the ``workforce_trained`` targets (three queries)."""
    today = today or timezone.localdate()
    since = _years_before(today, years)
    trained = Enrollment.objects.filter(
        person=OuterRef("pk"),
        status=Enrollment.Status.ACCEPTED,
        completed=True,
        training_class__ends_on__gte=since,
        training_class__ends_on__lte=today,
    ).exclude(training_class__status=TrainingClass.Status.CANCELLED)
    rows = (
        Person.objects.visible_to(user, "statistics")
        .filter(current_organization__isnull=False)
        .annotate(trained=Exists(trained))
        .order_by()
        .values("current_organization__kind", "current_organization__ward")
        .annotate(total=Count("id"), done=Count("id", filter=Q(trained=True)))
    )
    sectors: dict[str, list[int]] = {}
    wards: dict[int | None, list[int]] = {}
    for row in rows:
        sector = SECTOR_OF_KIND[Kind(row["current_organization__kind"])]
        for table, key in ((sectors, sector), (wards, row["current_organization__ward"])):
            cell = table.setdefault(key, [0, 0])
            cell[0] += row["done"]
            cell[1] += row["total"]
    ward_names = dict(Ward.objects.filter(pk__in=[k for k in wards if k]).values_list("pk", "name"))
    by_ward = [
        Share(k, ward_names.get(k, str(_("No ward"))), done, total)
        for k, (done, total) in wards.items()
    ]
    by_ward.sort(key=lambda s: (-s.percent, s.label))
    done = sum(v[0] for v in sectors.values())
    total = sum(v[1] for v in sectors.values())
    return TrainedShare(
        years=years,
        since=since,
        total=Share("all", str(_("The whole registry")), done, total),
        by_sector=[
            Share(s, str(label), *sectors[s]) for s, label in Sector.choices if s in sectors
        ],
        by_ward=by_ward,
        targets=list(
            WorkforceTarget.objects.filter(
                indicator=WorkforceTarget.Indicator.WORKFORCE_TRAINED
            ).order_by("year")
        ),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- The people behind a figure --------------------------------------------------------


def people_behind(*, user, period: Period = Period(), dimension: str = "", key=None):
    """The distinct registry people behind a participant figure, each with their
    participant-times and completions in it, in Vietnamese name order (a values
    queryset: page it)."""
    enrolments = participant_times(user=user, period=period).filter(person__isnull=False)
    if dimension:
        enrolments = narrowed(enrolments, dimension=dimension, key=key)
    return (
        enrolments.order_by()
        .values(
            "person",
            "person__full_name",
            "person__sort_key",
            "person__current_organization__name",
        )
        .annotate(times=Count("id"), completions=Count("id", filter=Q(completed=True)))
        .order_by("person__sort_key", "person")
    )


def trained_people(
    *, user, years: int = TRAINED_YEARS, sector: str = "", ward=None, today=None
) -> QuerySet:
    """The registry people behind the share trained (optionally of one sector or ward)."""
    today = today or timezone.localdate()
    since = _years_before(today, years)
    trained = Enrollment.objects.filter(
        person=OuterRef("pk"),
        status=Enrollment.Status.ACCEPTED,
        completed=True,
        training_class__ends_on__gte=since,
        training_class__ends_on__lte=today,
    ).exclude(training_class__status=TrainingClass.Status.CANCELLED)
    people = (
        Person.objects.visible_to(user, "statistics")
        .filter(current_organization__isnull=False)
        .filter(Exists(trained))
        .select_related("current_organization")
    )
    if sector:
        kinds = [k for k, s in SECTOR_OF_KIND.items() if s == sector]
        people = people.filter(current_organization__kind__in=kinds)
    if ward:
        people = people.filter(current_organization__ward_id=ward)
    return people.order_by("sort_key", "id")
