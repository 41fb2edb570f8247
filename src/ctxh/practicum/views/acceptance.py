"""The facilities' decisions: proposed students (one by one or in bulk), a placement's
page with its history, the accepted students (and their Excel list), and the programme
office's overdue list with its reminders."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ctxh.core import audit_display
from ctxh.core.exporting import xlsx_response
from ctxh.core.models import AuditEvent
from ctxh.core.permissions import require
from ctxh.core.roles import Role
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import available_transitions
from ctxh.documents.models import Document
from ctxh.organizations.models import Organization

from ..models import Offer, PeriodInstructor, Placement, PlacementPeriod
from ..selectors.decisions import decision_times
from ..services import acceptance, reminders
from .practice import placement_sections

PAGE_SIZE = 50
FACILITY_ROLES = (Role.FACILITY_MANAGER, Role.FIELD_INSTRUCTOR)


# --- which period, which facility -------------------------------------------------------


def _period(request, value: str | None = None) -> PlacementPeriod:
    periods = PlacementPeriod.objects.visible_to(request.user)
    wanted = value if value is not None else request.GET.get("period", "")
    if wanted:
        if not str(wanted).isdigit():
            raise Http404
        return get_object_or_404(periods, pk=int(wanted))
    period = (
        periods.filter(status=PlacementPeriod.Status.ACCEPTANCE)
        .order_by("-starts_on", "-id")
        .first()
        or periods.order_by("-starts_on", "-id").first()
    )
    if period is None:
        raise Http404
    return period


def _facility(request, action: str) -> Organization | None:
    """The facility whose students the page shows: ``?facility=`` (within the user's scope
    for ``action`` on placements, else 404) or the user's own facility. None: the
    programme office has not chosen one yet. A user who neither works at a facility nor
    sees every facility may not use these pages (403)."""
    scope = scope_for(request.user, Placement, action)
    own = [
        m.organization_id
        for m in getattr(request.user, "active_memberships", [])
        if m.role in FACILITY_ROLES and m.organization_id in scope.organization_ids
    ]
    if not scope.everything and not own:
        raise PermissionDenied
    wanted = request.GET.get("facility", "") or request.POST.get("facility", "")
    if wanted:
        if not wanted.isdigit() or not (scope.everything or int(wanted) in own):
            raise Http404
        return get_object_or_404(Organization, pk=int(wanted))
    if own:
        return Organization.objects.get(pk=own[0])
    return None


def _choices(request, period, status) -> list[dict]:
    """For the programme office: the facilities with placements of ``status`` (one
    status, or a tuple of them)."""
    statuses = status if isinstance(status, tuple) else (status,)
    return list(
        Placement.objects.filter(period=period, status__in=statuses)
        .values("facility_id", "facility__name")
        .annotate(n=Count("pk"), oldest=Min("proposed_at"))
        .order_by("facility__name")
    )


def _back(request, fallback: str) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return fallback


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _instructor_options(offer_ids, period) -> dict[int, list[dict]]:
    """Per offer: its field instructors with their free places (two queries)."""
    through = Offer.instructors.through
    pairs = list(
        through.objects.filter(offer_id__in=offer_ids).values_list(
            "offer_id", "periodinstructor_id"
        )
    )
    ids = {i for _o, i in pairs}
    instructors = PeriodInstructor.objects.filter(pk__in=ids).select_related("instructor__person")
    taken = dict(
        Placement.objects.filter(instructor_id__in=ids, status__in=Placement.HOSTED)
        .values_list("instructor_id")
        .annotate(n=Count("pk"))
    )
    info = {
        i.pk: {
            "pk": i.pk,
            "name": str(i.instructor.person),
            "capacity": i.capacity,
            "free": max(i.capacity - taken.get(i.pk, 0), 0),
        }
        for i in instructors
    }
    options: dict[int, list[dict]] = {}
    for offer_id, instructor_id in pairs:
        options.setdefault(offer_id, []).append(info[instructor_id])
    for rows in options.values():
        rows.sort(key=lambda r: (-r["free"], r["name"]))
    return options


# --- proposals --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def proposals(request):
    """The facility's proposed students in a period, to accept or decline in bulk."""
    require(request.user, Placement, "decide")
    period = _period(request)
    facility = _facility(request, "decide")
    query = {"period": period.pk, **({"facility": facility.pk} if facility else {})}
    here = f"{reverse('practicum:proposals')}?{urlencode(query)}"
    if request.method == "POST":
        if facility is None:
            raise Http404
        _decide_bulk(request, period, facility)
        return redirect(here)
    if facility is None:
        return render(
            request,
            "practicum/facility_picker.html",
            {
                "period": period,
                "choices": _choices(request, period, Placement.Status.PROPOSED),
                "url_name": "practicum:proposals",
                "title": _("Proposed students"),
            },
        )
    rows = (
        Placement.objects.visible_to(request.user, "decide")
        .filter(period=period, facility=facility, status=Placement.Status.PROPOSED)
        .select_related("student", "student__round", "school", "offer")
        .order_by("proposed_at", "student__sort_key", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    placements = list(page.object_list)
    options = _instructor_options({p.offer_id for p in placements}, period)
    now = timezone.now()
    for p in placements:
        p.instructor_options = options.get(p.offer_id, [])
        p.days_waiting = (now - p.proposed_at).days
    return render(
        request,
        "practicum/proposals.html",
        {
            "period": period,
            "facility": facility,
            "page": page,
            "placements": placements,
            "query": urlencode(query),
            "here": here,
            "open": period.status == PlacementPeriod.Status.ACCEPTANCE
            and now <= period.acceptance_deadline,
            "title": _("Proposed students"),
        },
    )


def _decide_bulk(request, period, facility) -> None:
    ids = [int(v) for v in request.POST.getlist("placement") if v.isdigit()]
    chosen = list(
        Placement.objects.visible_to(request.user, "decide").filter(
            pk__in=ids, period=period, facility=facility
        )
    )
    action = request.POST.get("action")
    try:
        if not chosen:
            raise ValidationError(_("Select at least one student."))
        if action == "accept":
            instructor_for = {}
            for p in chosen:
                value = request.POST.get(f"instructor_{p.pk}", "")
                instructor_for[p.pk] = int(value) if value.isdigit() else None
            result = acceptance.placements_accept_bulk(
                placements=chosen, instructor_for=instructor_for, by=request.user
            )
            messages.success(request, _("%(count)d students accepted.") % {"count": result.count})
        elif action == "decline":
            result = acceptance.placements_decline_bulk(
                placements=chosen, reason=request.POST.get("reason", ""), by=request.user
            )
            messages.success(request, _("%(count)d students declined.") % {"count": result.count})
        else:
            raise ValidationError(_("Choose “accept” or “decline”."))
    except ValidationError as error:
        _error(request, error)


# --- one placement ----------------------------------------------------------------------


PART_TWO = (*Placement.HOSTED, Placement.Status.INTERRUPTED)


@login_required
@require_GET
def placement_detail(request, pk: int):
    """A placement as its student, school, facility or the programme office sees it."""
    require(request.user, Placement, "view")
    placement = get_object_or_404(
        Placement.objects.visible_to(request.user, "view").select_related(
            "student",
            "student__round",
            "school",
            "facility",
            "offer",
            "period",
            "instructor__instructor__person",
            "decided_by",
        ),
        pk=pk,
    )
    events = AuditEvent.objects.filter(
        object_type="practicum.placement", object_id=str(placement.pk)
    ).select_related("actor")
    moves = {target: move for target, move in available_transitions(placement, request.user)}
    can_accept = Placement.Status.ACCEPTED in moves
    # The letters of the placement, for those who issue them or hold them (the student).
    own = placement.student.user_id == request.user.pk
    issues = scope_for(request.user, Document, "issue")
    active = placement.status in Placement.ACTIVE
    letter_links = {
        "referral": active and (own or issues.covers(placement.school_id)),
        "acceptance": placement.status == Placement.Status.ACCEPTED
        and (own or issues.covers(placement.facility_id)),
    }
    return render(
        request,
        "practicum/placement_detail.html",
        {
            "placement": placement,
            "history": audit_display.present(events.order_by("created_at", "id"), request.user),
            "can_accept": can_accept,
            "can_decline": Placement.Status.DECLINED in moves,
            "letter_links": letter_links,
            "instructors": _instructor_options([placement.offer_id], placement.period).get(
                placement.offer_id, []
            )
            if can_accept
            else [],
            "title": placement.student.full_name,
            # Part 2 (views/practice.py): the practice, its records and completion.
            "part_two": placement_sections(request.user, placement)
            if placement.status in PART_TWO
            else None,
        },
    )


def _decidable(request, pk: int) -> Placement:
    require(request.user, Placement, "decide")
    return get_object_or_404(Placement.objects.visible_to(request.user, "decide"), pk=pk)


@login_required
@require_POST
def placement_accept(request, pk: int):
    placement = _decidable(request, pk)
    value = request.POST.get("instructor", "")
    instructor = (
        PeriodInstructor.objects.filter(pk=int(value), facility=placement.facility_id).first()
        if value.isdigit()
        else None
    )
    try:
        acceptance.placement_accept(placement=placement, instructor=instructor, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("%(name)s accepted.") % {"name": placement.student.full_name})
    return redirect(_back(request, reverse("practicum:placement_detail", args=[placement.pk])))


@login_required
@require_POST
def placement_decline(request, pk: int):
    placement = _decidable(request, pk)
    try:
        acceptance.placement_decline(
            placement=placement, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("%(name)s declined.") % {"name": placement.student.full_name})
    return redirect(_back(request, reverse("practicum:placement_detail", args=[placement.pk])))


# --- accepted students ------------------------------------------------------------------

EXPORT_HEADERS = (
    "Họ và tên",
    "Mã sinh viên",
    "Trường",
    "Đợt",
    "Loại thực hành",
    "Trình độ",
    "Kiểm huấn viên",
    "Ngày tiếp nhận",
)


@login_required
@require_GET
def accepted(request):
    """The facility's accepted students in a period, with their field instructors."""
    require(request.user, Placement, "view")
    period = _period(request)
    facility = _facility(request, "view")
    if facility is None:
        return render(
            request,
            "practicum/facility_picker.html",
            {
                "period": period,
                "choices": _choices(request, period, Placement.HOSTED),
                "url_name": "practicum:accepted",
                "title": _("Accepted students"),
            },
        )
    rows = (
        Placement.objects.visible_to(request.user, "view")
        .filter(period=period, facility=facility, status__in=Placement.HOSTED)
        .select_related(
            "student", "student__round", "school", "offer", "instructor__instructor__person"
        )
        .order_by("student__sort_key", "pk")
    )
    if request.GET.get("format") == "xlsx":
        acceptance.record_accepted_export(
            user=request.user, facility=facility, period=period, count=rows.count()
        )
        return xlsx_response(
            headers=EXPORT_HEADERS,
            rows=(
                [
                    p.student.full_name,
                    p.student.student_code,
                    p.school.name,
                    p.student.round.name,
                    p.offer.get_practice_type_display(),
                    p.offer.get_level_display(),
                    str(p.instructor.instructor.person) if p.instructor_id else "",
                    timezone.localtime(p.decided_at).date() if p.decided_at else None,
                ]
                for p in rows.iterator(chunk_size=500)
            ),
            filename=f"tiep-nhan-{facility.pk}-{period.pk}.xlsx",
            sheet_title="Tiếp nhận",
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"period": period.pk, "facility": facility.pk}
    return render(
        request,
        "practicum/accepted.html",
        {
            "period": period,
            "facility": facility,
            "page": page,
            "query": urlencode(query),
            "title": _("Accepted students"),
        },
    )


# --- overdue decisions ------------------------------------------------------------------


@login_required
@require_GET
def overdue(request):
    """The programme office's list of facilities with proposals waiting too long."""
    require(request.user, PlacementPeriod, "manage")
    period = _period(request)
    now = timezone.now()
    figures = [f for f in decision_times(period, now=now).values() if f.overdue]
    names = dict(
        Organization.objects.filter(pk__in=[f.facility_id for f in figures]).values_list(
            "pk", "name"
        )
    )
    for f in figures:
        f.name = names.get(f.facility_id, "")
        f.waiting = f.days_waiting(now)
    figures.sort(key=lambda f: (-(f.waiting or 0), f.name))
    return render(
        request,
        "practicum/overdue.html",
        {"period": period, "rows": figures, "title": _("Overdue decisions")},
    )


@login_required
@require_POST
def remind(request):
    """Remind one facility (``facility``) or every overdue one, now."""
    require(request.user, PlacementPeriod, "manage")
    period = _period(request, request.POST.get("period", ""))
    facility = request.POST.get("facility", "")
    if facility and not facility.isdigit():
        raise Http404
    count = reminders.remind_overdue(
        period=period,
        facility=int(facility) if facility else None,
        force=bool(facility),
        by=request.user,
    )
    if count:
        messages.success(request, _("%(count)d facilities reminded.") % {"count": count})
    else:
        messages.info(request, _("No facility to remind (reminded recently, or nothing overdue)."))
    return redirect(f"{reverse('practicum:overdue')}?period={period.pk}")


urlpatterns = [
    path("proposals/", proposals, name="proposals"),
    path("accepted/", accepted, name="accepted"),
    path("overdue/", overdue, name="overdue"),
    path("overdue/remind/", remind, name="remind"),
    path("placements/<int:pk>/", placement_detail, name="placement_detail"),
    path("placements/<int:pk>/accept/", placement_accept, name="placement_accept"),
    path("placements/<int:pk>/decline/", placement_decline, name="placement_decline"),
]
