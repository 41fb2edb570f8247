"""The classes: the list (``training:index``), planning and editing, the class page with
its sessions and participants, the moves of its workflow, and its sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import available_transitions

from ..filters import TrainingClassFilter
from ..forms.classes import MoveForm, SessionForm, TrainingClassForm
from ..models import Attendance, ClassSession, Enrollment, TrainingClass
from ..services import attendance as attendance_services
from ..services import classes as services
from ..services.enrolment import TAKING_DECISIONS, may_decide
from ..tables import TrainingClassTable
from .common import PER_PAGE, class_for, error_messages


def accepted_count():
    """The number of accepted participants of each class, as one correlated count."""
    accepted = (
        Enrollment.objects.filter(training_class=OuterRef("pk"), status=Enrollment.Status.ACCEPTED)
        .order_by()
        .values("training_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(accepted, output_field=IntegerField()), 0)


@login_required
def index(request):
    """The class list: search, status, year, organiser, course; sorted and paginated at
    a constant number of queries."""
    require(request.user, TrainingClass, "view")
    classes = (
        TrainingClass.objects.visible_to(request.user)
        .select_related("course", "organizer")
        .only(
            "id",
            "code",
            "name",
            "status",
            "starts_on",
            "ends_on",
            "capacity",
            "course__id",
            "course__title",
            "organizer__id",
            "organizer__name",
        )
        .annotate(accepted_count=accepted_count())
    )
    filterset = TrainingClassFilter(request.GET, queryset=classes)
    table = TrainingClassTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "training/classes/class_list.html",
        {
            "filter": filterset,
            "table": table,
            "can_add": can(request.user, TrainingClass, "add"),
            "can_nominate": can(request.user, Enrollment, "nominate"),
            "can_review": can(request.user, Enrollment, "decide")
            or can(request.user, Enrollment, "nominate"),
        },
    )


def _class_form_page(request, *, klass=None):
    form = TrainingClassForm(request.POST or None, instance=klass, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.class_save(
                by=request.user, training_class=klass, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The class “%(name)s” is saved.") % {"name": saved.name})
            return redirect("training:class_detail", pk=saved.pk)
    return render(
        request,
        "training/classes/class_form.html",
        {"form": form, "klass": klass, "title": klass.name if klass else _("New class")},
    )


@login_required
def class_create(request):
    require(request.user, TrainingClass, "add")
    return _class_form_page(request)


@login_required
def class_edit(request, pk: int):
    klass = get_visible_or_404(request.user, TrainingClass, "change", pk=pk)
    return _class_form_page(request, klass=klass)


STATUS_ORDER = {
    Enrollment.Status.ACCEPTED: 0,
    Enrollment.Status.NOMINATED: 1,
    Enrollment.Status.WAITLISTED: 2,
    Enrollment.Status.DECLINED: 3,
    Enrollment.Status.WITHDRAWN: 4,
}


@login_required
@require_GET
def class_detail(request, pk: int):
    """A class: course, dates, sessions, places, the waiting list, and the participants
    the user may see with the decisions they may take."""
    user = request.user
    require(user, TrainingClass, "view")
    klass = get_object_or_404(
        TrainingClass.objects.visible_to(user).select_related("course", "organizer", "provider"),
        pk=pk,
    )
    sessions = list(klass.sessions.all())
    participants = list(
        Enrollment.objects.visible_to(user)
        .filter(training_class=klass)
        .select_related("person", "organization")
    )
    decide = may_decide(user, klass)
    taking = klass.status in TAKING_DECISIONS
    for row in participants:
        row.training_class = klass  # the scope paths read it: no query per row
        row.moves = []
        row.can_withdraw = False
        # A closed or cancelled class no longer changes its participants (the services
        # refuse): offer no decision and no withdrawal there.
        if klass.status in services.FINISHED:
            continue
        for target, move in available_transitions(row, user):
            if move.action == "withdraw":
                row.can_withdraw = True
            elif taking:
                row.moves.append((target, move))
    participants.sort(
        key=lambda r: (
            STATUS_ORDER.get(r.status, 9),
            r.waitlist_position or 0,
            r.nominated_at,
            r.pk,
        )
    )
    counts = dict(
        Enrollment.objects.filter(training_class=klass)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    waiting = [r for r in participants if r.status == Enrollment.Status.WAITLISTED]
    nominate_scope = scope_for(user, Enrollment, "nominate")
    own = next((r for r in participants if r.person_id and r.person.user_id == user.pk), None)
    return render(
        request,
        "training/classes/class_detail.html",
        {
            "klass": klass,
            "sessions": sessions,
            "participants": participants,
            "waiting": waiting,
            "accepted": counts.get(Enrollment.Status.ACCEPTED, 0),
            "nominated": counts.get(Enrollment.Status.NOMINATED, 0),
            "waitlisted": counts.get(Enrollment.Status.WAITLISTED, 0),
            "moves": available_transitions(klass, user),
            "can_change": scope_for(user, TrainingClass, "change").covers_object(klass),
            "can_sessions": klass.status not in services.FINISHED
            and scope_for(user, ClassSession, "change").covers_object(
                ClassSession(training_class=klass)
            ),
            "can_decide": decide and taking,
            "any_moves": any(row.moves for row in participants),
            "can_nominate": not nominate_scope.empty and klass.status == TrainingClass.Status.OPEN,
            "can_add_external": taking and (decide or not nominate_scope.empty),
            "can_self_register": klass.self_registration
            and klass.status == TrainingClass.Status.OPEN
            and own is None,
            "own": own,
            "move_form": MoveForm(),
            **_page_links(user, klass),
        },
    )


def _page_links(user, klass: TrainingClass) -> dict[str, bool]:
    """Which of the class's own pages the class page links to: its attendance grid, its
    completion and certificates, and each session's check-in QR code — each shown only
    when the page would open for ``user`` (same rules as the pages themselves)."""
    runs = attendance_services.may_run(user, klass, Attendance, "change")
    return {
        "can_attendance": attendance_services.may_run(user, klass, Attendance, "view"),
        "can_certificates": can(user, Enrollment, "view")
        and (
            attendance_services.may_run(user, klass, TrainingClass, "change")
            or scope_for(user, Enrollment, "view").everything
        ),
        "can_qr": runs and klass.status in attendance_services.RECORDING,
    }


@login_required
@require_POST
def class_transition(request, pk: int):
    """A move of the class's workflow (open, start, close, cancel) with its reason."""
    klass = get_visible_or_404(request.user, TrainingClass, "change", pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("training:class_detail", pk=klass.pk)
    try:
        services.class_move(
            training_class=klass,
            to=form.cleaned_data["to"],
            by=request.user,
            reason=form.cleaned_data["reason"].strip(),
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The class is now “%(status)s”.") % {"status": klass.get_status_display()},
        )
    return redirect("training:class_detail", pk=klass.pk)


def _session_page(request, *, klass, session=None):
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                training_class=klass, by=request.user, session=session, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("training:class_detail", pk=klass.pk)
    return render(
        request,
        "training/classes/session_form.html",
        {"form": form, "klass": klass, "session": session},
    )


@login_required
def session_create(request, pk: int):
    klass = class_for(request.user, ClassSession, "change", pk)
    return _session_page(request, klass=klass)


@login_required
def session_edit(request, pk: int):
    session = get_visible_or_404(request.user, ClassSession, "change", pk=pk)
    klass = session.training_class
    if request.method == "POST" and request.POST.get("op") == "delete":
        try:
            services.session_delete(session=session, by=request.user)
        except ValidationError as error:
            error_messages(request, error)
            return redirect("training:session_edit", pk=session.pk)
        messages.success(request, _("The session is deleted."))
        return redirect("training:class_detail", pk=klass.pk)
    return _session_page(request, klass=klass, session=session)


urlpatterns = [
    path("", index, name="index"),
    path("classes/new/", class_create, name="class_create"),
    path("classes/<int:pk>/", class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", class_edit, name="class_edit"),
    path("classes/<int:pk>/move/", class_transition, name="class_transition"),
    path("classes/<int:pk>/sessions/new/", session_create, name="session_create"),
    path("sessions/<int:pk>/edit/", session_edit, name="session_edit"),
]
