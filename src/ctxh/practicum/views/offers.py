"""Step 3 of the procedure, the offers: the list every role of the procedure browses, a
facility's offer form (the programme office's on the facility's behalf), publishing and
withdrawing, and the facility's field instructors of a period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import FACILITY_KINDS, Organization

from ..forms.offers import OfferFilterForm, OfferForm, PeriodInstructorForm, WithdrawForm
from ..models import Offer, PeriodInstructor, Placement, PlacementPeriod, Round
from ..selectors.offers import offers_for_list
from ..services import offers as services

PER_PAGE = 25


def _period(request, *, open_first: bool = False) -> PlacementPeriod | None:
    """The period asked for (``?period=`` or a posted ``period``), else the latest one still
    taking offers (``open_first``) or not closed, else the latest."""
    periods = PlacementPeriod.objects.visible_to(request.user)
    wanted = request.POST.get("period") or request.GET.get("period", "")
    if wanted.isdigit():
        return get_object_or_404(periods, pk=int(wanted))
    ordered = periods.order_by("-starts_on", "-id")
    if open_first:
        found = ordered.filter(status__in=services.OPEN_FOR_OFFERS).first()
        if found:
            return found
    return ordered.exclude(status=PlacementPeriod.Status.CLOSED).first() or ordered.first()


def _facilities(user, model, action: str = "change"):
    """The organisations whose ``model`` rows ``user`` may ``action`` (all: programme office)."""
    scope = scope_for(user, model, action)
    qs = Organization.objects.filter(kind__in=FACILITY_KINDS)
    return qs if scope.everything else qs.filter(pk__in=scope.organization_ids)


def _facility(request, model) -> Organization | None:
    """The facility the page works for: the one asked for (``facility`` in the query or the
    form; 404 outside the user's scope), else the user's only one (None: to be chosen)."""
    allowed = _facilities(request.user, model)
    wanted = request.POST.get("facility") or request.GET.get("facility", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        return get_object_or_404(allowed.select_related("practice_site"), pk=int(wanted))
    if scope_for(request.user, model, "change").everything:
        return None
    own = list(allowed.select_related("practice_site")[:2])
    return own[0] if len(own) == 1 else None


def _network_choices(user, model):
    """Facilities of the practice network the user may choose from."""
    return (
        _facilities(user, model)
        .filter(practice_site__active=True)
        .only("id", "name")
        .order_by("sort_key")
    )


def _list_url(period) -> str:
    url = reverse("practicum:offers")
    return f"{url}?period={period.pk}" if period else url


@login_required
@require_GET
def offer_list(request):
    require(request.user, Offer, "view")
    period = _period(request)
    owner = can(request.user, Offer, "change")
    everything = scope_for(request.user, Offer, "change").everything
    form = OfferFilterForm(request.GET or None, period=period, show_status=owner)
    page = None
    if period is not None:
        offers = offers_for_list(request.user, period, form.values() if form.is_bound else {})
        page = Paginator(offers, PER_PAGE).get_page(request.GET.get("page"))
    periods = PlacementPeriod.objects.visible_to(request.user).order_by("-starts_on", "-id")[:20]
    own_ids = scope_for(request.user, Offer, "change").organization_ids
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practicum/offers.html",
        {
            "period": period,
            "periods": periods,
            "form": form,
            "page": page,
            "owner": owner,
            "everything": everything,
            "own_ids": own_ids,
            "open": period is not None and services.offers_open(period),
            "network": _network_choices(request.user, Offer) if everything else None,
            "can_instructors": can(request.user, PeriodInstructor, "change"),
            "query": query.urlencode(),
        },
    )


def _schools(period):
    return Organization.objects.filter(
        pk__in=Round.objects.filter(period=period).values("school_id")
    ).order_by("sort_key")


def _offer_form_page(request, *, period, facility, offer=None):
    schools = _schools(period)
    initial = {}
    if offer is not None:
        initial = {
            "practice_type": offer.practice_type,
            "level": offer.level,
            "seats": offer.seats,
            "instructors": list(offer.instructors.all()),
            "notes": offer.notes,
            **{f"quota_{q.school_id}": q.seats for q in offer.quotas.all()},
        }
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        period=period,
        facility=facility,
        schools=schools,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.offer_save(
                period=period,
                facility=facility,
                practice_type=data["practice_type"],
                level=data["level"],
                seats=data["seats"],
                instructors=data["instructors"],
                notes=data["notes"],
                quotas=form.quotas(),
                by=request.user,
                offer=offer,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The offer is saved."))
            for warning in services.offer_warnings(saved):
                messages.warning(request, warning)
            return redirect(_list_url(period))
    return render(
        request,
        "practicum/offer_form.html",
        {
            "form": form,
            "period": period,
            "facility": facility,
            "offer": offer,
            "open": services.offers_open(period),
            "site": getattr(facility, "practice_site", None),
        },
    )


@login_required
def offer_create(request):
    """A new offer; the programme office first chooses the facility (``?facility=``)."""
    require(request.user, Offer, "change")
    facility = _facility(request, Offer)
    period = _period(request, open_first=True)
    if period is None:
        messages.error(request, _("No placement period yet."))
        return redirect("practicum:offers")
    if facility is None:
        return render(
            request,
            "practicum/choose_facility.html",
            {
                "period": period,
                "choices": _network_choices(request.user, Offer),
                "title": _("New offer"),
                "action": reverse("practicum:offer_create"),
            },
        )
    return _offer_form_page(request, period=period, facility=facility)


@login_required
def offer_edit(request, pk: int):
    offer = get_visible_or_404(request.user, Offer, "change", pk=pk)
    facility = Organization.objects.select_related("practice_site").get(pk=offer.facility_id)
    return _offer_form_page(request, period=offer.period, facility=facility, offer=offer)


@login_required
@require_POST
def offer_publish(request, pk: int):
    offer = get_visible_or_404(request.user, Offer, "publish", pk=pk)
    try:
        services.offer_publish(offer=offer, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The offer is published: students can rank it."))
        for warning in services.offer_warnings(offer):
            messages.warning(request, warning)
    return redirect(_list_url(offer.period))


@login_required
def offer_withdraw(request, pk: int):
    """A confirmation with the reason, then the withdrawal."""
    offer = get_visible_or_404(request.user, Offer, "publish", pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_withdraw(
                offer=offer, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The offer is withdrawn."))
            return redirect(_list_url(offer.period))
    return render(
        request,
        "practicum/offer_withdraw.html",
        {"offer": offer, "form": form, "preference_count": offer.preferences.count()},
    )


@login_required
def period_instructors(request, period_pk: int):
    """The facility's field instructors in a period: add one from the registry with the
    number of students they take, change that number, or remove one."""
    require(request.user, PeriodInstructor, "change")
    period = get_object_or_404(PlacementPeriod.objects.visible_to(request.user), pk=period_pk)
    facility = _facility(request, PeriodInstructor)
    if facility is None:
        return render(
            request,
            "practicum/choose_facility.html",
            {
                "period": period,
                "choices": _network_choices(request.user, PeriodInstructor),
                "title": _("Field instructors in the period"),
                "action": reverse("practicum:period_instructors", args=[period.pk]),
            },
        )
    form = PeriodInstructorForm(
        request.POST if request.POST.get("op") == "add" else None, facility=facility
    )
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "remove":
                row = get_object_or_404(
                    PeriodInstructor.objects.filter(period=period, facility=facility),
                    pk=request.POST.get("row") if str(request.POST.get("row")).isdigit() else 0,
                )
                services.period_instructor_remove(period_instructor=row, by=request.user)
                messages.success(request, _("%(name)s is removed.") % {"name": row.instructor})
                return redirect(f"{request.path}?facility={facility.pk}")
            if op == "add" and form.is_valid():
                services.period_instructor_set(
                    period=period,
                    facility=facility,
                    instructor=form.cleaned_data["instructor"],
                    capacity=form.cleaned_data["capacity"],
                    by=request.user,
                )
                messages.success(request, _("The field instructor is saved."))
                return redirect(f"{request.path}?facility={facility.pk}")
        except ValidationError as error:
            if op == "add":
                apply_errors(form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
    rows = list(
        PeriodInstructor.objects.filter(period=period, facility=facility)
        .select_related("instructor__person")
        .order_by("instructor__person__sort_key", "pk")
    )
    placed = dict(
        Placement.objects.filter(
            instructor__in=rows, status__in=(*Placement.ACTIVE, Placement.Status.COMPLETED)
        )
        .order_by()
        .values_list("instructor_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        row.placed = placed.get(row.pk, 0)
    return render(
        request,
        "practicum/period_instructors.html",
        {"period": period, "facility": facility, "rows": rows, "form": form},
    )


urlpatterns = [
    path("offers/", offer_list, name="offers"),
    path("offers/new/", offer_create, name="offer_create"),
    path("offers/<int:pk>/edit/", offer_edit, name="offer_edit"),
    path("offers/<int:pk>/publish/", offer_publish, name="offer_publish"),
    path("offers/<int:pk>/withdraw/", offer_withdraw, name="offer_withdraw"),
    path("periods/<int:period_pk>/instructors/", period_instructors, name="period_instructors"),
]
