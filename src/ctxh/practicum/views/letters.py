"""The practicum's letters: GET downloads the valid letter (or shows a page with the button
that issues it), POST issues it (a write) and then downloads it.

Who: the school's coordinator and the programme office issue the referral letters, the
facility's manager and the programme office the acceptance letter; the student downloads
their own letters, read-only. A user whose role never issues documents gets 403; a
placement outside their reach, or a letter of an organisation not theirs, 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.documents.models import Document
from ctxh.documents.views.documents import pdf_response
from ctxh.organizations.models import Organization

from .. import letters
from ..models import Placement, PlacementPeriod


def _issued(document: Document) -> str:
    return _("Letter No. %(ref)s issued.") % {"ref": document.reference}


def _issuer_or_student(request, placement: Placement, issuer) -> bool:
    """True when the user may issue the letter, False when they may only read it (the
    placement's own student); 403/404 otherwise."""
    user = request.user
    if placement.student.user_id == user.pk and not can(user, Document, "issue"):
        return False
    require(user, Document, "issue")
    if not scope_for(user, Document, "issue").covers(issuer):
        raise Http404
    return True


def _placement_letter(request, pk: int, *, issuer_field: str, existing, issue, title):
    placement = get_visible_or_404(request.user, Placement, "view", pk=pk)
    issuer = getattr(placement, issuer_field)
    may_issue = _issuer_or_student(request, placement, issuer)
    document = existing(placement)
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        if document is None:
            try:
                document = issue(placement=placement, by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(request.path)
            messages.success(request, _issued(document))
            # The page that says so, and starts the download (the letter downloads once).
            return redirect(f"{request.path}?issued=1")
        return redirect(request.path)
    if document is not None and request.GET.get("issued") == "1":
        return render(
            request,
            "practicum/letters/issued.html",
            {"title": title, "placement": placement, "document": document},
        )
    if document is not None:
        return pdf_response(document)
    return render(
        request,
        "practicum/letters/issue.html",
        {"title": title, "placement": placement, "may_issue": may_issue, "issuer": issuer},
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_referral(request, pk: int):
    return _placement_letter(
        request,
        pk,
        issuer_field="school",
        existing=letters.referral_letter,
        issue=letters.issue_referral_letter,
        title=_("Referral letter"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_acceptance(request, pk: int):
    return _placement_letter(
        request,
        pk,
        issuer_field="facility",
        existing=letters.acceptance_letter,
        issue=letters.issue_acceptance_letter,
        title=_("Acceptance letter"),
    )


def _list_school(request, period, facility) -> Organization:
    """The school whose list letter is asked: among the schools with students placed at
    ``facility`` in ``period`` that the user may issue for, the one named by ``?school=``,
    else the user's own, else the only one. None of them (nothing to refer) → 404."""
    scope = scope_for(request.user, Document, "issue")
    candidates = {
        school.pk: school
        for school in Organization.objects.filter(
            pk__in=Placement.objects.filter(
                period=period, facility=facility, status__in=letters.ACTIVE
            ).values("school_id")
        )
        if scope.covers(school)
    }
    wanted = request.GET.get("school") or request.POST.get("school") or ""
    if wanted.isdigit():
        if int(wanted) not in candidates:
            raise Http404
        return candidates[int(wanted)]
    for membership in getattr(request.user, "active_memberships", ()):
        if membership.organization_id in candidates:
            return candidates[membership.organization_id]
    if len(candidates) != 1:
        raise Http404
    return next(iter(candidates.values()))


@login_required
@require_http_methods(["GET", "POST"])
def letter_referral_list(request, period_pk: int, facility_pk: int):
    require(request.user, Document, "issue")
    period = get_visible_or_404(request.user, PlacementPeriod, "view", pk=period_pk)
    facility = get_object_or_404(Organization, pk=facility_pk)
    school = _list_school(request, period, facility)
    placements = letters.list_placements(period=period, facility=facility, school=school)
    document = letters.referral_list_letter(period=period, facility=facility, school=school)
    if request.method == "POST":
        if document is None:
            try:
                document = letters.issue_referral_list_letter(
                    period=period, facility=facility, school=school, by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _issued(document))
        return redirect(f"{request.path}?school={school.pk}")
    if document is not None:
        return pdf_response(document)
    return render(
        request,
        "practicum/letters/issue_list.html",
        {
            "period": period,
            "facility": facility,
            "school": school,
            "placements": placements[:500],
            "count": placements.count(),
        },
    )


urlpatterns = [
    path("placements/<int:pk>/letters/referral/", letter_referral, name="letter_referral"),
    path("placements/<int:pk>/letters/acceptance/", letter_acceptance, name="letter_acceptance"),
    path(
        "periods/<int:period_pk>/facilities/<int:facility_pk>/letters/referral/",
        letter_referral_list,
        name="letter_referral_list",
    ),
]
