"""The issuer's pages: its documents (list, detail, PDF), voiding, re-issue, signer settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from .. import services
from ..forms import SignerSettingsForm, VoidForm
from ..models import Document, SignerSettings
from ..selectors import document_list

PAGE_SIZE = 25


def pdf_response(document: Document) -> HttpResponse:
    """The document's PDF as a download named after its number."""
    response = HttpResponse(services.render_pdf(document), content_type="application/pdf")
    name = f"{document.reference.replace('/', '-')}.pdf"
    ascii_name = name.encode("ascii", "ignore").decode() or "document.pdf"
    response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    return response


@login_required
@require_GET
def document_index(request):
    require(request.user, Document, "view")
    query = request.GET.get("q", "").strip()
    documents = document_list(request.user, query=query)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    settings_orgs = _settings_organizations(request.user)
    return render(
        request,
        "documents/list.html",
        {"page": page, "query": query, "settings_orgs": settings_orgs},
    )


def _settings_organizations(user) -> list[Organization]:
    """The user's own organisations whose signer settings they may change."""
    scope = scope_for(user, SignerSettings, "change")
    if scope.empty:
        return []
    found: dict[int, Organization] = {}
    for membership in getattr(user, "active_memberships", ()):
        if scope.covers(membership.organization):
            found[membership.organization_id] = membership.organization
    return list(found.values())


@login_required
@require_GET
def document_detail(request, pk: int):
    document = get_visible_or_404(request.user, Document, "view", pk=pk)
    may_void = document.status == Document.Status.VALID and scope_for(
        request.user, Document, "void"
    ).covers(document.organization)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "replacement": Document.objects.filter(replaces=document).first(),
            "may_void": may_void,
        },
    )


@login_required
@require_GET
def document_pdf(request, pk: int):
    document = get_visible_or_404(request.user, Document, "view", pk=pk)
    return pdf_response(document)


def _actionable(request, pk: int, action: str) -> Document:
    require(request.user, Document, action)
    document = get_visible_or_404(request.user, Document, "view", pk=pk)
    if not scope_for(request.user, Document, action).covers(document.organization):
        raise PermissionDenied
    return document


@login_required
@require_http_methods(["GET", "POST"])
def document_void(request, pk: int):
    document = _actionable(request, pk, "void")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_document(
                document=document, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The document was voided."))
            return redirect("documents:detail", pk=document.pk)
    return render(
        request,
        "documents/confirm.html",
        {"document": document, "form": form, "action": "void"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_reissue(request, pk: int):
    document = _actionable(request, pk, "issue")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reissue_document(
                document=document, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Document %(old)s was voided and replaced by %(new)s.")
                % {"old": document.reference, "new": new.reference},
            )
            return redirect("documents:detail", pk=new.pk)
    return render(
        request,
        "documents/confirm.html",
        {"document": document, "form": form, "action": "reissue"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def signer_settings(request, org_pk: int):
    require(request.user, SignerSettings, "change")
    organization = get_object_or_404(Organization, pk=org_pk)
    if not scope_for(request.user, SignerSettings, "change").covers(organization):
        raise Http404
    current = services.signer_settings_for(organization)
    form = SignerSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.SIGNER_FIELDS}
        try:
            services.update_signer_settings(organization=organization, by=request.user, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The signer settings were saved."))
            return redirect(reverse("documents:settings", kwargs={"org_pk": organization.pk}))
    return render(
        request,
        "documents/settings.html",
        {"organization": organization, "form": form},
    )


urlpatterns = [
    path("", document_index, name="list"),
    path("<int:pk>/", document_detail, name="detail"),
    path("<int:pk>/pdf/", document_pdf, name="pdf"),
    path("<int:pk>/void/", document_void, name="void"),
    path("<int:pk>/reissue/", document_reissue, name="reissue"),
    path("settings/<int:org_pk>/", signer_settings, name="settings"),
]
