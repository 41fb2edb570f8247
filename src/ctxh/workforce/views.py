"""Workforce pages: people list and detail, create/edit, employment, certificates,
field-instructor status, the personal-data access log and the statistics page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from . import selectors, services
from .filters import PersonFilter
from .forms import (
    AccessPurposeForm,
    CertificateForm,
    EmploymentEndForm,
    EmploymentStartForm,
    FieldInstructorForm,
    PersonForm,
)
from .models import Certificate, Employment, FieldInstructor, Person, PersonAccessLog
from .tables import AccessLogTable, PersonTable, TwoStepPageData

PER_PAGE = 25


def _employable_organizations(user):
    """Organisations where ``user`` may register an employment (the scope's own filter)."""
    condition = scope_for(user, Employment, "add").q(Organization)
    qs = Organization.objects.active().only("id", "name", "kind", "ward_id").order_by("sort_key")
    return qs if condition is None else qs.filter(condition)


#: Where the purposes a user gave this session are kept: {person id: {purpose, detail, at}}.
PURPOSE_SESSION_KEY = "workforce.access_purposes"
#: How long a purpose given for a person holds before it is asked again.
PURPOSE_VALID_FOR = dt.timedelta(hours=8)


def _given_purpose(request, person: Person) -> dict | None:
    """The purpose the user gave for ``person`` in this session, if still valid."""
    entry = request.session.get(PURPOSE_SESSION_KEY, {}).get(str(person.pk))
    if not entry:
        return None
    try:
        given_at = dt.datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None
    return entry if timezone.now() - given_at <= PURPOSE_VALID_FOR else None


def _purpose_page(request, person: Person, *, form=None, next_url: str = ""):
    """The interstitial "purpose of access": nothing of the person but the name and the
    organisation, until the user says why they open the data."""
    form = form or AccessPurposeForm(initial={"next": next_url or request.get_full_path()})
    return render(request, "workforce/access_purpose.html", {"person": person, "form": form})


def _person_page(request, pk: int, action: str, *, page: str) -> tuple[Person, HttpResponse | None]:
    """The person if the user may ``action`` them (403/404 otherwise), and the response
    to give instead of the page when the user must first say why they open the data.

    A user of another organisation than the person's is asked the purpose once per person
    (per session, for :data:`PURPOSE_VALID_FOR`); every page they then open that shows the
    person's data is logged with it (``page`` names the page). Colleagues are neither
    asked nor logged.
    """
    require(request.user, Person, action)
    person = get_object_or_404(
        Person.objects.visible_to(request.user, action).select_related(
            "current_organization", "current_organization__ward"
        ),
        pk=pk,
    )
    if not services.viewer_of_another_organization(request.user, person):
        return person, None
    given = _given_purpose(request, person)
    if given is None:
        # A form sent without a purpose (it ran out meanwhile) writes nothing: the user
        # says why, then finds the page again.
        return person, _purpose_page(request, person, next_url=request.path)
    services.record_person_view(
        person=person,
        user=request.user,
        page=page,
        purpose=given.get("purpose", ""),
        purpose_detail=given.get("detail", ""),
    )
    return person, None


@login_required
def person_list(request):
    require(request.user, Person, "view")
    filterset = PersonFilter(
        request.GET,
        queryset=selectors.person_list(user=request.user),
        user=request.user,
        province_code=settings.CTXH_PROVINCE,
    )
    table = PersonTable(TwoStepPageData(filterset.qs))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "workforce/person_list.html",
        {
            "filter": filterset,
            "table": table,
            "can_add": can(request.user, Person, "add"),
            "can_see_log": can(request.user, PersonAccessLog, "view"),
            "can_see_statistics": can(request.user, Person, "statistics"),
        },
    )


@login_required
def person_detail(request, pk: int):
    person, ask = _person_page(request, pk, "view", page=_("person page"))
    if ask is not None:
        return ask
    user = request.user
    return render(
        request,
        "workforce/person_detail.html",
        {
            "person": person,
            "show_cccd": scope_for(user, Person, "view_sensitive").covers_object(person),
            **selectors.person_records(user=user, person=person),
            "can_change": scope_for(user, Person, "change").covers_object(person),
            "can_see_log": can(user, PersonAccessLog, "view"),
        },
    )


@login_required
def person_create(request):
    require(request.user, Person, "add")
    organizations = _employable_organizations(request.user)
    everything = scope_for(request.user, Person, "add").everything
    form = PersonForm(request.POST or None)
    employment_form = EmploymentStartForm(
        request.POST or None, organizations=organizations, required=not everything, prefix="job"
    )
    if request.method == "POST" and form.is_valid() and employment_form.is_valid():
        job = employment_form.cleaned_data
        try:
            person = services.person_create(
                by=request.user,
                data=form.person_data(),
                employment=job if job.get("organization") else None,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” registered.") % {"name": person})
            return redirect("workforce:detail", pk=person.pk)
    return render(
        request,
        "workforce/person_form.html",
        {"form": form, "employment_form": employment_form, "title": _("New person")},
    )


@login_required
def person_edit(request, pk: int):
    person, ask = _person_page(request, pk, "change", page=_("edit form"))
    if ask is not None:
        return ask
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, data=form.person_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("workforce:detail", pk=person.pk)
    return render(
        request,
        "workforce/person_form.html",
        {"form": form, "person": person, "title": _("Edit %(name)s") % {"name": person}},
    )


@login_required
def employment_start(request, pk: int):
    require(request.user, Employment, "add")
    person, ask = _person_page(request, pk, "change", page=_("new employment"))
    if ask is not None:
        return ask
    form = EmploymentStartForm(
        request.POST or None, organizations=_employable_organizations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_start(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Employment recorded."))
            return redirect("workforce:detail", pk=person.pk)
    return render(
        request,
        "workforce/small_form.html",
        {
            "form": form,
            "person": person,
            "title": _("New employment"),
            "help": _(
                "The current employment, if any, ends the day before the new one starts; "
                "the history is kept."
            ),
        },
    )


@login_required
def employment_end(request, pk: int, employment_pk: int):
    require(request.user, Employment, "change")
    person, ask = _person_page(request, pk, "change", page=_("end of employment"))
    if ask is not None:
        return ask
    employment = get_object_or_404(
        Employment.objects.visible_to(request.user, "change").select_related("organization"),
        pk=employment_pk,
        person=person,
        end_date__isnull=True,
    )
    form = EmploymentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_end(
                by=request.user, employment=employment, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Employment ended."))
            return redirect("workforce:detail", pk=person.pk)
    return render(
        request,
        "workforce/small_form.html",
        {
            "form": form,
            "person": person,
            "title": _("End employment at %(org)s") % {"org": employment.organization},
            "help": _(
                "After this the person has no current organisation until a new employment "
                "is recorded."
            ),
            "danger": True,
        },
    )


@login_required
def certificate_add(request, pk: int):
    require(request.user, Certificate, "add")
    person, ask = _person_page(request, pk, "change", page=_("new certificate"))
    if ask is not None:
        return ask
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.certificate_add(by=request.user, person=person, data=form.cleaned_data)
        messages.success(request, _("Certificate added."))
        return redirect("workforce:detail", pk=person.pk)
    return render(
        request,
        "workforce/small_form.html",
        {"form": form, "person": person, "title": _("Add certificate")},
    )


@login_required
def field_instructor_set(request, pk: int):
    require(request.user, FieldInstructor, "change")
    person, ask = _person_page(request, pk, "change", page=_("field-instructor status"))
    if ask is not None:
        return ask
    instance = (
        FieldInstructor.objects.visible_to(request.user, "change").filter(person=person).first()
    )
    form = FieldInstructorForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.field_instructor_set(by=request.user, person=person, data=form.cleaned_data)
        messages.success(request, _("Field-instructor status saved."))
        return redirect("workforce:detail", pk=person.pk)
    return render(
        request,
        "workforce/small_form.html",
        {"form": form, "person": person, "title": _("Field-instructor status")},
    )


@login_required
def access_purpose(request, pk: int):
    """Say why one opens a person's data (users of another organisation, once per person
    and session); then on to the page asked for (``next``, one of the person's pages)."""
    require(request.user, Person, "view")
    person = get_object_or_404(
        Person.objects.visible_to(request.user, "view").select_related("current_organization"),
        pk=pk,
    )
    detail_url = reverse("workforce:detail", args=[person.pk])
    next_url = request.POST.get("next") or request.GET.get("next") or detail_url
    if not next_url.startswith(detail_url) or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = detail_url
    if request.method != "POST":
        return _purpose_page(request, person, next_url=next_url)
    form = AccessPurposeForm(request.POST)
    if not form.is_valid():
        return _purpose_page(request, person, form=form)
    given = dict(request.session.get(PURPOSE_SESSION_KEY, {}))
    given[str(person.pk)] = {
        "purpose": form.cleaned_data["purpose"],
        "detail": form.cleaned_data["detail"],
        "at": timezone.now().isoformat(),
    }
    request.session[PURPOSE_SESSION_KEY] = given
    return redirect(next_url)


@login_required
def access_log(request):
    require(request.user, PersonAccessLog, "view")
    logs = (
        PersonAccessLog.objects.visible_to(request.user, "view")
        .select_related("user", "user_organization", "person", "person__current_organization")
        .order_by("-viewed_at", "-id")
    )
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        logs = logs.filter(person_id=int(person_id))
    table = AccessLogTable(logs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "workforce/access_log.html", {"table": table})


@login_required
def statistics(request):
    require(request.user, Person, "statistics")
    return render(
        request,
        "workforce/statistics.html",
        {"stats": selectors.workforce_statistics(user=request.user)},
    )
