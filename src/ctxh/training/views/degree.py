"""Degree training pages: the list (filters, search, pages, Excel export), recording a
person sent to a degree programme, and changing the record.

Who: the programme office sees all; a facility's manager or a ward office its own; the
viewer reads; a person sees their own (on ``training:me``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.exporting import xlsx_response
from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import search_q
from ctxh.organizations.models import Organization
from ctxh.workforce.models import Person

from ..models import DegreeLevel, DegreeTraining
from ..services.degree import degree_save

PAGE_SIZE = 25
EDITABLE = (
    "organization",
    "level",
    "institution",
    "major",
    "starts_on",
    "expected_end",
    "actual_end",
    "funding",
)


def _organizations(user, action: str):
    scope = scope_for(user, DegreeTraining, action)
    found = Organization.objects.order_by("name")
    if scope.everything:
        return found
    return found.filter(Q(pk__in=scope.organization_ids) | Q(ward_id__in=scope.ward_ids))


class DegreeForm(forms.ModelForm):
    """A degree training; the person is chosen before (create) and never changed."""

    class Meta:
        model = DegreeTraining
        fields = EDITABLE
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("starts_on", "expected_end", "actual_end")
        }

    def __init__(self, *args, user, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = _organizations(user, action)
        field.required = False
        field.empty_label = _("The person's current organisation")
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)


def _degrees(request):
    """The visible degree trainings filtered by the query string, and the filters."""
    qs = DegreeTraining.objects.visible_to(request.user).select_related("person", "organization")
    filters = {
        "q": request.GET.get("q", "").strip(),
        "level": request.GET.get("level", ""),
        "institution": request.GET.get("institution", "").strip(),
        "status": request.GET.get("status", ""),
    }
    if filters["level"] in DegreeLevel.values:
        qs = qs.filter(level=filters["level"])
    else:
        filters["level"] = ""
    if filters["institution"]:
        qs = qs.filter(institution__icontains=filters["institution"])
    if filters["status"] == "ongoing":
        qs = qs.filter(actual_end__isnull=True)
    elif filters["status"] == "graduated":
        qs = qs.filter(actual_end__isnull=False)
    else:
        filters["status"] = ""
    if filters["q"]:
        qs = qs.filter(search_q(filters["q"], "person__search_text"))
    return qs.order_by("-starts_on", "id"), filters


HEADERS = [
    "Họ và tên",
    "Đơn vị cử đi",
    "Trình độ",
    "Cơ sở đào tạo",
    "Ngành",
    "Bắt đầu",
    "Dự kiến kết thúc",
    "Tốt nghiệp",
    "Kinh phí",
]


def _rows(qs):
    for d in qs.iterator(chunk_size=1000):
        yield [
            d.person.full_name,
            d.organization.name if d.organization_id else "",
            str(d.get_level_display()),
            d.institution,
            d.major,
            d.starts_on,
            d.expected_end,
            d.actual_end,
            str(d.get_funding_display()),
        ]


@login_required
@require_GET
def degrees(request):
    require(request.user, DegreeTraining, "view")
    qs, filters = _degrees(request)
    if request.GET.get("format") == "xlsx":
        from django.utils import translation

        with translation.override("vi"):
            rows = list(_rows(qs))
        return xlsx_response(
            headers=HEADERS,
            rows=rows,
            filename=f"dao-tao-bang-cap-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
            sheet_title="Dao tao",
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "training/degree/list.html",
        {
            "page": page,
            "filters": filters,
            "levels": DegreeLevel.choices,
            "query": query,
            "may_add": not scope_for(request.user, DegreeTraining, "add").empty,
        },
    )


def _people(user, query: str):
    if not query:
        return []
    return list(
        Person.objects.visible_to(user)
        .filter(search_q(query))
        .select_related("current_organization")
        .order_by("sort_key", "id")[:20]
    )


def _save(request, form, *, degree=None, person=None):
    if not form.is_valid():
        return None
    fields = {name: form.cleaned_data[name] for name in EDITABLE}
    if person is not None:
        fields["person"] = person
    try:
        return degree_save(by=request.user, degree=degree, **fields)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except PermissionDenied as error:
        form.add_error("organization", str(error) or _("Not allowed."))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def degree_create(request):
    require(request.user, DegreeTraining, "add")
    person_id = request.POST.get("person") or request.GET.get("person")
    person = None
    if person_id and str(person_id).isdigit():
        person = (
            Person.objects.visible_to(request.user)
            .select_related("current_organization")
            .filter(pk=person_id)
            .first()
        )
    query = request.GET.get("q", "").strip()
    form = DegreeForm(request.POST or None, user=request.user, action="add")
    if request.method == "POST" and person is not None:
        saved = _save(request, form, person=person)
        if saved is not None:
            messages.success(request, _("Degree training recorded."))
            return redirect("training:degrees")
    elif request.method == "POST":
        form.is_valid()
        form.add_error(None, _("Choose the person first."))
    return render(
        request,
        "training/degree/form.html",
        {
            "form": form,
            "person": person,
            "query": query,
            "people": _people(request.user, query) if person is None else [],
            "creating": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def degree_edit(request, pk: int):
    degree = get_visible_or_404(request.user, DegreeTraining, "change", pk=pk)
    form = DegreeForm(request.POST or None, instance=degree, user=request.user, action="change")
    if request.method == "POST":
        saved = _save(request, form, degree=degree)
        if saved is not None:
            messages.success(request, _("Degree training saved."))
            return redirect("training:degrees")
    return render(
        request,
        "training/degree/form.html",
        {"form": form, "person": degree.person, "degree": degree, "creating": False},
    )


urlpatterns = [
    path("degrees/", degrees, name="degrees"),
    path("degrees/new/", degree_create, name="degree_create"),
    path("degrees/<int:pk>/", degree_edit, name="degree_edit"),
]
