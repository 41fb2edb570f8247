"""Nominations and enrolment: an organisation nominates its staff, the organiser decides,
a participant withdraws (the waiting list moves up), self-registration, a participant
from outside the registry, and the review list of who they are in the registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import search_q
from ctxh.workforce.models import Person

from ..forms.common import organizations_for
from ..forms.enrolment import CreatePersonForm, DecideForm, ExternalParticipantForm, WithdrawForm
from ..models import Enrollment, TrainingClass
from ..models.enrolment import may_withdraw
from ..services import enrolment as services
from .common import PER_PAGE, class_for, error_messages


def _staff(user, query: str):
    """The registry people ``user`` may nominate: their organisation's staff (everyone's
    for the programme office), narrowed by an accent-insensitive search."""
    scope = scope_for(user, Enrollment, "nominate")
    people = Person.objects.select_related("current_organization").order_by("sort_key", "id")
    if not scope.everything:
        people = people.filter(current_organization_id__in=scope.organization_ids)
    if query:
        people = people.filter(search_q(query))
    return people


@login_required
def nominate(request, pk: int):
    """The user's organisation's staff with checkboxes; the chosen are nominated."""
    require(request.user, Enrollment, "nominate")
    klass = get_visible_or_404(request.user, TrainingClass, "view", pk=pk)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("people") if v.isdigit()]
        chosen = list(Person.objects.visible_to(request.user, "view").filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            messages.error(request, _("Some of the people chosen cannot be found."))
        else:
            try:
                created = services.nominate(training_class=klass, people=chosen, by=request.user)
            except ValidationError as error:
                error_messages(request, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d person is nominated.",
                        "%(count)d people are nominated.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect("training:class_detail", pk=klass.pk)
    query = request.GET.get("q", "")
    page = Paginator(_staff(request.user, query), 50).get_page(request.GET.get("page"))
    enrolled = dict(
        Enrollment.objects.filter(
            training_class=klass, person_id__in=[p.pk for p in page.object_list]
        ).values_list("person_id", "status")
    )
    labels = dict(Enrollment.Status.choices)
    for person in page.object_list:
        status = enrolled.get(person.pk)
        person.enrolled = labels.get(status) if status else ""
    return render(
        request,
        "training/enrolment/nominate.html",
        {
            "klass": klass,
            "page": page,
            "query": query,
            "open": klass.status == TrainingClass.Status.OPEN,
        },
    )


@login_required
@require_POST
def decide(request, pk: int):
    """The organiser's bulk decision on the chosen participants of a class."""
    klass = class_for(request.user, Enrollment, "decide", pk)
    ids = list(klass.enrollments.values_list("pk", flat=True))
    form = DecideForm(request.POST, enrollment_ids=ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("training:class_detail", pk=klass.pk)
    chosen = list(klass.enrollments.filter(pk__in=form.cleaned_data["enrollments"]))
    try:
        result = services.decide(enrollments=chosen, to=form.cleaned_data["to"], by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        parts = []
        if result.accepted:
            parts.append(_("%(count)d accepted") % {"count": len(result.accepted)})
        if result.waitlisted:
            parts.append(_("%(count)d on the waiting list") % {"count": len(result.waitlisted)})
        if result.declined:
            parts.append(_("%(count)d declined") % {"count": len(result.declined)})
        if result.unchanged:
            parts.append(_("%(count)d unchanged") % {"count": len(result.unchanged)})
        messages.success(request, _("Decision saved: %(parts)s.") % {"parts": ", ".join(parts)})
        if form.cleaned_data["to"] == Enrollment.Status.ACCEPTED and result.waitlisted:
            messages.warning(
                request,
                _("The class is full: the others are on the waiting list, in nomination order."),
            )
    return redirect("training:class_detail", pk=klass.pk)


@login_required
def withdraw(request, pk: int):
    """A confirmation with the reason, then the withdrawal."""
    enrollment = get_visible_or_404(request.user, Enrollment, "view", pk=pk)
    enrollment = Enrollment.objects.select_related("training_class", "person").get(pk=enrollment.pk)
    if not may_withdraw(request.user, enrollment):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is withdrawn.") % {"name": enrollment.participant_name}
            )
            return redirect("training:class_detail", pk=enrollment.training_class_id)
    return render(
        request, "training/enrolment/withdraw.html", {"enrollment": enrollment, "form": form}
    )


@login_required
def self_register(request, pk: int):
    """Register oneself in a class that allows it: as one's registry record, or giving
    one's name, date of birth and organisation."""
    user = request.user
    person = Person.objects.filter(user=user).select_related("current_organization").first()
    if person is None and not can(user, TrainingClass, "view"):
        raise PermissionDenied
    klass = get_object_or_404(TrainingClass, pk=pk, self_registration=True)
    form = None if person is not None else ExternalParticipantForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            services.self_register(training_class=klass, user=user, **data)
        except ValidationError as error:
            if form is not None:
                apply_errors(form, error)
            else:
                error_messages(request, error)
        else:
            messages.success(
                request,
                _("You are registered in “%(name)s”: the organiser will confirm your place.")
                % {"name": klass.name},
            )
            if can(user, TrainingClass, "view"):
                return redirect("training:class_detail", pk=klass.pk)
            return redirect("home")
    return render(
        request,
        "training/enrolment/self_register.html",
        {
            "klass": klass,
            "person": person,
            "form": form,
            "open": klass.status == TrainingClass.Status.OPEN,
        },
    )


@login_required
def add_external(request, pk: int):
    """A participant named by hand (name, birth date, CCCD, organisation)."""
    user = request.user
    nominate_scope = scope_for(user, Enrollment, "nominate")
    if nominate_scope.empty and not can(user, Enrollment, "decide"):
        raise PermissionDenied
    klass = get_visible_or_404(user, TrainingClass, "view", pk=pk)
    decides = services.may_decide(user, klass)
    if not decides and nominate_scope.empty:
        raise Http404
    organizations = None if decides else organizations_for(user, Enrollment, "nominate")
    form = ExternalParticipantForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.add_external(training_class=klass, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if row.match_status == Enrollment.Match.REGISTRY:
                text = _("%(name)s is found in the registry and added.")
            elif row.match_status == Enrollment.Match.REVIEW:
                text = _(
                    "%(name)s is added; several people of the registry may be them: "
                    "settle it on the review list."
                )
            else:
                text = _(
                    "%(name)s is added; they are not in the registry yet: their organisation "
                    "is offered to register them."
                )
            messages.success(request, text % {"name": row.participant_name})
            return redirect("training:class_detail", pk=klass.pk)
    return render(request, "training/enrolment/add_external.html", {"klass": klass, "form": form})


@login_required
def matches(request):
    """Participants outside the registry: pick the registry person they are, or register
    them in their organisation's registry."""
    user = request.user
    if scope_for(user, Enrollment, "nominate").empty and not can(user, Enrollment, "decide"):
        raise PermissionDenied
    rows = services.manageable_enrollments(user).filter(
        person=None,
        match_status__in=(Enrollment.Match.REVIEW, Enrollment.Match.UNMATCHED),
    )
    if request.method == "POST":
        pk = request.POST.get("enrollment", "")
        row = get_object_or_404(
            rows.select_related("training_class", "organization"),
            pk=int(pk) if pk.isdigit() else 0,
        )
        op = request.POST.get("op")
        try:
            if op == "link":
                wanted = request.POST.get("person", "")
                person = get_object_or_404(Person, pk=int(wanted) if wanted.isdigit() else 0)
                services.match_link(enrollment=row, person=person, by=user)
            elif op == "create":
                form = CreatePersonForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose the person's gender."))
                services.match_create_person(
                    enrollment=row, by=user, gender=form.cleaned_data["gender"]
                )
            else:
                raise ValidationError(_("Unknown action."))
        except PermissionDenied:
            messages.error(
                request, _("You may not register people in this organisation's registry.")
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is linked to the registry.") % {"name": row.participant_name},
            )
        return redirect("training:matches")
    page = Paginator(
        rows.select_related("training_class", "organization").order_by("-nominated_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.candidates = services.match_candidates(row)
    return render(
        request,
        "training/enrolment/matches.html",
        {"page": page, "gender_form": CreatePersonForm()},
    )


urlpatterns = [
    path("classes/<int:pk>/nominate/", nominate, name="nominate"),
    path("classes/<int:pk>/decide/", decide, name="decide"),
    path("classes/<int:pk>/register/", self_register, name="self_register"),
    path("classes/<int:pk>/external/", add_external, name="add_external"),
    path("enrolments/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("matches/", matches, name="matches"),
]
