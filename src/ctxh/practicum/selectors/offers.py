"""Reads of offers and rankings shared by the offers pages, the preferences pages and the
boards. Each runs a fixed number of queries, whatever the number of offers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import search_q

from ..eligibility import ineligibility
from ..models import Offer, PeriodInstructor, PlacementPeriod, Preference, Student


def _instructor_places():
    """The summed capacity of an offer's instructors, as a subquery (no join fan-out)."""
    through = Offer.instructors.through
    return Coalesce(
        Subquery(
            through.objects.filter(offer_id=OuterRef("pk"))
            .values("offer_id")
            .annotate(total=Sum("periodinstructor__capacity"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def with_details(offers: QuerySet) -> QuerySet:
    """``offers`` with what a list shows: facility and ward, the practice site (its
    requirements), the instructors' names, places and the number of students who ranked it."""
    return (
        offers.select_related("facility", "facility__ward", "facility__practice_site", "period")
        .prefetch_related(
            Prefetch(
                "instructors",
                queryset=PeriodInstructor.objects.select_related("instructor__person").order_by(
                    "instructor__person__sort_key", "pk"
                ),
            )
        )
        .annotate(
            instructor_places=_instructor_places(),
            preference_count=Count("preferences", distinct=True),
        )
    )


def offers_for_list(user, period: PlacementPeriod, filters: dict | None = None) -> QuerySet:
    """The offers of ``period`` that ``user`` sees on the offers page: every published offer,
    and the drafts and withdrawn offers of the facilities the user keeps (all of them for the
    programme office). ``filters``: ``practice_type``, ``level``, ``facility`` (id), ``ward``
    (id), ``q`` (facility name, accent-insensitive), ``status``."""
    filters = filters or {}
    scope = scope_for(user, Offer, "change")
    visible = Offer.objects.visible_to(user).filter(period=period)
    own = scope.q(Offer)
    if scope.empty:
        visible = visible.filter(status=Offer.Status.PUBLISHED)
    elif own is not None:
        visible = visible.filter(Q(status=Offer.Status.PUBLISHED) | own)
    for name in ("practice_type", "level", "status"):
        if filters.get(name):
            visible = visible.filter(**{name: filters[name]})
    if filters.get("facility"):
        visible = visible.filter(facility_id=filters["facility"])
    if filters.get("ward"):
        visible = visible.filter(facility__ward_id=filters["ward"])
    if filters.get("q"):
        visible = visible.filter(search_q(filters["q"], "facility__search_text"))
    return with_details(visible).order_by("facility__sort_key", "practice_type", "level", "pk")


def facility_offers(user, period: PlacementPeriod) -> list[Offer]:
    """The offers in ``period`` of the facilities ``user`` manages (their memberships' scope
    for changing offers; the programme office's everything is not "its facility": empty),
    each with ``instructor_places``, ``preference_count``, ``instructors`` prefetched and
    ``seats``: the facility's part of the practicum board."""
    scope = scope_for(user, Offer, "change")
    if scope.everything or not scope.organization_ids:
        return []
    offers = Offer.objects.filter(period=period, facility_id__in=scope.organization_ids)
    return list(with_details(offers).order_by("facility__sort_key", "practice_type", "level"))


@dataclass
class OfferChoice:
    """One published offer as a student sees it: eligible or not (with the reason), and the
    rank they gave it (None: not ranked)."""

    offer: Offer
    reason: str
    rank: int | None = None

    @property
    def eligible(self) -> bool:
        return not self.reason


def student_offer_choices(student: Student, filters: dict | None = None) -> list[OfferChoice]:
    """Every published offer of the student's period (filtered like :func:`offers_for_list`)
    with the student's eligibility and rank; the ranked offers come first, in rank order,
    whatever the filters (a non-published ranked offer is shown too, as not eligible)."""
    from django.utils.translation import gettext as _

    filters = dict(filters or {})
    ranking = dict(Preference.objects.filter(student=student).values_list("offer_id", "rank"))
    base = Offer.objects.filter(period_id=student.period_id)
    listed = base.filter(status=Offer.Status.PUBLISHED)
    for name in ("practice_type", "level"):
        if filters.get(name):
            listed = listed.filter(**{name: filters[name]})
    if filters.get("ward"):
        listed = listed.filter(facility__ward_id=filters["ward"])
    if filters.get("q"):
        listed = listed.filter(search_q(filters["q"], "facility__search_text"))
    offers = with_details(base.filter(Q(pk__in=listed.values("pk")) | Q(pk__in=list(ranking))))
    choices = []
    for offer in offers.order_by("facility__sort_key", "practice_type", "level", "pk"):
        site = getattr(offer.facility, "practice_site", None)
        if offer.status != Offer.Status.PUBLISHED:
            reason = _("The offer is no longer published.")
        else:
            reason = ineligibility(student, offer, site)
        choices.append(OfferChoice(offer=offer, reason=reason, rank=ranking.get(offer.pk)))
    choices.sort(key=lambda c: (c.rank is None, c.rank or 0))
    return choices


def student_in_period(user, period: PlacementPeriod | None) -> Student | None:
    """``user``'s student row in ``period`` (None if they are not a student there)."""
    if period is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Student.objects.select_related("round", "period", "school")
        .filter(user=user, period=period)
        .first()
    )


def current_student(user, period_id: int | None = None) -> Student | None:
    """The user's student row: in the period asked for, else the one taking preferences,
    else the latest one not closed, else the latest."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = Student.objects.select_related("round", "period", "school").filter(user=user)
    if period_id:
        return rows.filter(period_id=period_id).first()
    ordered = rows.order_by("-period__starts_on", "-period_id")
    return (
        ordered.filter(period__status=PlacementPeriod.Status.PREFERENCES).first()
        or ordered.exclude(period__status=PlacementPeriod.Status.CLOSED).first()
        or ordered.first()
    )
