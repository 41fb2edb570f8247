"""Sites, field instructors and schools compared across years
(``practicum:compare_facilities``, ``compare_instructors``, ``compare_schools``, each with
``?format=xlsx``), and the placements behind a figure (``practicum:placements``).

Who: the permission ``compare`` (placements for sites and instructors, students for
schools); the rows are the placements the user may compare
(:func:`ctxh.practicum.selectors.comparisons.compare_q`) next to the city's. Tables sort
on any column (``?sort=column`` or ``-column``); every count links to the placement list
with the same filters, which shows only what the user may see.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ctxh.core.exporting import xlsx_response
from ctxh.core.permissions import require
from ctxh.organizations.models import Kind, Organization
from ctxh.workforce.models import FieldInstructor

from ..models import Placement, PlacementPeriod, PracticeType, Student
from ..selectors import comparisons as cmp

PAGE_SIZE = 50
_SMALL = {"class": "form-select form-select-sm"}
_NUMBER = {"class": "form-control form-control-sm", "style": "width: 7rem"}


class CompareForm(forms.Form):
    """The comparison's choices; bad values fall back to everything."""

    year_from = forms.IntegerField(
        label=gettext_lazy("From year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("To year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    practice_type = forms.ChoiceField(
        label=gettext_lazy("Practice type"),
        required=False,
        choices=[("", gettext_lazy("All types")), *PracticeType.choices],
        widget=forms.Select(attrs=_SMALL),
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"),
        required=False,
        queryset=Organization.objects.filter(kind=Kind.SCHOOL).order_by("sort_key"),
        empty_label=gettext_lazy("All schools"),
        widget=forms.Select(attrs=_SMALL),
    )
    facility = forms.ModelChoiceField(
        label=gettext_lazy("Facility"),
        required=False,
        queryset=Organization.objects.filter(practicum_offers__isnull=False)
        .distinct()
        .order_by("sort_key"),
        empty_label=gettext_lazy("All facilities"),
        widget=forms.Select(attrs=_SMALL),
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Breakdown"),
        required=False,
        choices=list(cmp.BREAKDOWNS.items()),
        widget=forms.Select(attrs=_SMALL),
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and last < first:
            self.add_error("year_to", _("The last year comes before the first."))
        return data


def _selection(request) -> tuple[CompareForm, cmp.Selection]:
    form = CompareForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, cmp.Selection(
        year_from=data.get("year_from"),
        year_to=data.get("year_to"),
        practice_type=data.get("practice_type") or "",
        school_id=data["school"].pk if data.get("school") else None,
        facility_id=data["facility"].pk if data.get("facility") else None,
        by=data.get("by") or "year",
    )


def _placements_url(sel: cmp.Selection, row: cmp.Row, **extra) -> str:
    """The placement list behind a figure of ``row`` (its key and the selection)."""
    params: dict = {
        "year_from": sel.year_from,
        "year_to": sel.year_to,
        "practice_type": sel.practice_type,
        "school": sel.school_id,
        "facility": sel.facility_id,
    }
    if sel.by == "year":
        params["year_from"] = params["year_to"] = row.key
    elif sel.by == "period":
        params["period"] = row.key
    elif sel.by == "practice_type":
        params["practice_type"] = row.key
    params.update(extra)
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("practicum:placements") + "?" + urlencode(query)


#: Columns: (name, label, format, status group the count links to).
FACILITY_COLUMNS = (
    ("hosted", gettext_lazy("Students hosted"), "int", "hosted"),
    ("acceptance_rate", gettext_lazy("Acceptance rate"), "rate", "decided"),
    ("days_to_decide", gettext_lazy("Days to decide (mean)"), "days", "decided"),
    ("completion_rate", gettext_lazy("Completion rate"), "rate", "finished"),
    ("approved_hours", gettext_lazy("Approved hours"), "hours", "hosted"),
    ("hours_per_student", gettext_lazy("Hours per student"), "days", None),
    ("rating", gettext_lazy("Students' rating of the site"), "mean", None),
    ("raters", gettext_lazy("Ratings"), "int", None),
)
INSTRUCTOR_COLUMNS = (
    ("hosted", gettext_lazy("Students"), "int", "hosted"),
    ("at_once", gettext_lazy("Students at once (most in one period)"), "int", None),
    ("completion_rate", gettext_lazy("Completion rate"), "rate", "finished"),
    ("days_to_approve", gettext_lazy("Days to approve entries (mean)"), "days", None),
    ("entries", gettext_lazy("Entries decided"), "int", None),
    ("rating", gettext_lazy("Students' rating of the instructor"), "mean", None),
    ("raters", gettext_lazy("Ratings"), "int", None),
)
SCHOOL_COLUMNS = (
    ("students", gettext_lazy("Students"), "int", None),
    ("placement_rate", gettext_lazy("Placement rate"), "rate", "hosted"),
    ("first_choice_rate", gettext_lazy("First-choice rate"), "rate", "first"),
    ("completion_rate", gettext_lazy("Completion rate"), "rate", "finished"),
    *(
        (f"grade_{label}", gettext_lazy("Grade %(band)s") % {"band": label}, "int", None)
        for label in cmp.GRADE_LABELS
    ),
)

PAGES = {
    "facilities": {
        "title": gettext_lazy("Sites compared across years"),
        "subject": gettext_lazy("Facility"),
        "columns": FACILITY_COLUMNS,
        "selector": cmp.facility_comparison,
        "model": Placement,
        "url": "practicum:compare_facilities",
        "file": "so-sanh-co-so",
    },
    "instructors": {
        "title": gettext_lazy("Field instructors compared across years"),
        "subject": gettext_lazy("Field instructor"),
        "columns": INSTRUCTOR_COLUMNS,
        "selector": cmp.instructor_comparison,
        "model": Placement,
        "url": "practicum:compare_instructors",
        "file": "so-sanh-kiem-huan-vien",
    },
    "schools": {
        "title": gettext_lazy("Schools compared across years"),
        "subject": gettext_lazy("School"),
        "columns": SCHOOL_COLUMNS,
        "selector": cmp.school_comparison,
        "model": Student,
        "url": "practicum:compare_schools",
        "file": "so-sanh-truong",
    },
}


def _subject_params(page: str, row: cmp.Row) -> dict:
    if row.subject_id is None:
        return {}
    if page == "facilities":
        return {"facility": row.subject_id}
    if page == "schools":
        return {"school": row.subject_id}
    return {"instructor": row.subject_id, "facility": row.facility_id}


def _cells(page: str, sel: cmp.Selection, row: cmp.Row, columns) -> list[dict]:
    cells = []
    for name, _label, kind, link in columns:
        value = row.value(name)
        url = None
        if link and value not in (None, 0) and row.subject_id is not None:
            extra = {"status": "hosted" if link == "first" else link}
            if link == "first":
                extra["rank"] = 1
            url = _placements_url(sel, row, **_subject_params(page, row), **extra)
        cells.append({"name": name, "value": value, "kind": kind, "url": url})
    return cells


def _sort(rows: list[cmp.Row], sort: str, columns) -> tuple[list[cmp.Row], str]:
    names = {c[0] for c in columns} | {"subject", "key"}
    name = sort.lstrip("-")
    if name not in names:
        return rows, ""
    reverse_order = sort.startswith("-")

    def key(row: cmp.Row):
        value = {"subject": row.subject, "key": row.key_label}.get(name, row.value(name))
        if name == "subject":
            from ctxh.core.collation import name_sort_key

            value = name_sort_key(value)
        # Empty figures last in both directions.
        return (value is None) != reverse_order, value if value is not None else 0

    return sorted(rows, key=key, reverse=reverse_order), sort


def _chart(page: str, table: cmp.Table, sel: cmp.Selection) -> dict:
    """The city's rates per key, and the selection's rows pooled when they are not the
    whole city (a facility sees itself against the city)."""
    labels = [row.key_label for row in table.city]
    rates = {
        "facilities": (
            ("acceptance_rate", _("Acceptance rate")),
            ("completion_rate", _("Completion rate")),
        ),
        "instructors": (("completion_rate", _("Completion rate")),),
        "schools": (
            ("placement_rate", _("Placement rate")),
            ("first_choice_rate", _("First-choice rate")),
            ("completion_rate", _("Completion rate")),
        ),
    }[page]
    datasets = [
        {"label": f"{label} — {_('City')}", "data": [row.value(name) for row in table.city]}
        for name, label in rates
    ]
    subjects = {row.subject_id for row in table.rows}
    if len(subjects) == 1 and table.rows:
        only = table.rows[0].subject
        by_key = {row.key: row for row in table.rows}
        datasets += [
            {
                "label": f"{label} — {only}",
                "data": [
                    by_key[c.key].value(name) if c.key in by_key else None for c in table.city
                ],
            }
            for name, label in rates
        ]
    return {
        "type": "bar" if sel.by in ("practice_type", "all") else "line",
        "labels": labels,
        "datasets": datasets,
        "y_label": "%",
    }


def _grades_chart(table: cmp.Table) -> dict:
    rows = table.rows if table.rows else table.city
    totals: dict = {}
    for row in rows:
        counts = totals.setdefault(row.subject, [0] * len(cmp.GRADE_LABELS))
        for i, label in enumerate(cmp.GRADE_LABELS):
            counts[i] += row.value(f"grade_{label}") or 0
    names = sorted(totals)
    return {
        "type": "bar",
        "stacked": True,
        "labels": names,
        "datasets": [
            {"label": _("Grade %(band)s") % {"band": label}, "data": [totals[n][i] for n in names]}
            for i, label in enumerate(cmp.GRADE_LABELS)
        ],
    }


def _comments(page: str, request, sel: cmp.Selection, table: cmp.Table) -> list[str] | None:
    """The students' comments, when the table is about one facility or one instructor."""
    subjects = {row.subject_id for row in table.rows}
    if page == "facilities" and (sel.facility_id or len(subjects) == 1):
        facility = sel.facility_id or next(iter(subjects))
        return cmp.facility_comments(user=request.user, selection=sel, facility_id=facility)
    if page == "instructors" and len(subjects) == 1:
        return cmp.instructor_comments(
            user=request.user, selection=sel, instructor_id=next(iter(subjects))
        )
    return None


def _export(page: str, spec: dict, table: cmp.Table):
    columns = spec["columns"]
    headers = [str(spec["subject"])]
    if page == "instructors":
        headers.append(_("Facility"))
    headers += [_("Group"), *(str(c[1]) for c in columns)]
    rows = []
    for row in [*table.rows, *table.city]:
        line = [row.subject]
        if page == "instructors":
            line.append(row.facility)
        line.append(row.key_label)
        for name, _label, _kind, _link in columns:
            value = row.value(name)
            line.append(float(value) if value is not None and not isinstance(value, int) else value)
        rows.append(line)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(
        headers=headers, rows=rows, filename=f"{spec['file']}-{stamp}.xlsx", sheet_title="So sanh"
    )


def _compare(request, page: str):
    spec = PAGES[page]
    require(request.user, spec["model"], "compare")
    form, sel = _selection(request)
    table = spec["selector"](user=request.user, selection=sel)
    if request.GET.get("format") == "xlsx":
        return _export(page, spec, table)
    rows, sort = _sort(table.rows, request.GET.get("sort", ""), spec["columns"])
    query = request.GET.copy()
    for name in ("sort", "format"):
        query.pop(name, None)
    chart = _grades_chart(table) if page == "schools" else _chart(page, table, sel)
    return render(
        request,
        "practicum/comparisons/page.html",
        {
            "page_name": page,
            "title": spec["title"],
            "subject_label": spec["subject"],
            "columns": [(c[0], c[1]) for c in spec["columns"]],
            "form": form,
            "rows": [{"row": r, "cells": _cells(page, sel, r, spec["columns"])} for r in rows],
            "city": [
                {"row": r, "cells": _cells(page, sel, r, spec["columns"])} for r in table.city
            ],
            "sort": sort,
            "query": query.urlencode(),
            "export_url": "?" + (query.urlencode() + "&" if query else "") + "format=xlsx",
            "chart": chart,
            "comments": _comments(page, request, sel, table),
            "min_raters": cmp.MIN_RATERS,
            "show_facility": page == "instructors",
            "others": [(key, PAGES[key]["title"], reverse(PAGES[key]["url"])) for key in PAGES],
        },
    )


@login_required
@require_GET
def compare_facilities(request):
    """Sites compared across years (``?format=xlsx``: the table as Excel)."""
    return _compare(request, "facilities")


@login_required
@require_GET
def compare_instructors(request):
    """Field instructors compared across years."""
    return _compare(request, "instructors")


@login_required
@require_GET
def compare_schools(request):
    """Schools compared across years."""
    return _compare(request, "schools")


# --- the placements behind a figure -------------------------------------------------------

STATUS_GROUPS = {
    "hosted": (gettext_lazy("Hosted"), cmp.HOSTED),
    "decided": (gettext_lazy("Decided by the facility"), None),
    "finished": (gettext_lazy("Finished (completed or interrupted)"), cmp.FINISHED),
}


class PlacementFilterForm(forms.Form):
    """The placement list's filters (every one optional)."""

    period = forms.ModelChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        queryset=PlacementPeriod.objects.all(),
        empty_label=gettext_lazy("All periods"),
        widget=forms.Select(attrs=_SMALL),
    )
    year_from = CompareForm.base_fields["year_from"]
    year_to = CompareForm.base_fields["year_to"]
    practice_type = CompareForm.base_fields["practice_type"]
    school = CompareForm.base_fields["school"]
    facility = CompareForm.base_fields["facility"]
    instructor = forms.ModelChoiceField(
        label=gettext_lazy("Field instructor"),
        required=False,
        queryset=FieldInstructor.objects.all(),
        widget=forms.HiddenInput,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All statuses")),
            *((k, v[0]) for k, v in STATUS_GROUPS.items()),
            *Placement.Status.choices,
        ],
        widget=forms.Select(attrs=_SMALL),
    )
    rank = forms.IntegerField(
        label=gettext_lazy("Choice obtained"),
        required=False,
        min_value=1,
        max_value=10,
        widget=forms.NumberInput(attrs=_NUMBER),
    )


def _filtered(request, form: PlacementFilterForm):
    rows = cmp.placements_visible(request.user)
    if not form.is_valid():
        return rows.none()
    data = form.cleaned_data
    condition = Q()
    for name, lookup in (
        ("period", "period"),
        ("school", "school"),
        ("facility", "facility"),
        ("instructor", "instructor__instructor"),
        ("rank", "rank"),
        ("practice_type", "offer__practice_type"),
        ("year_from", "period__starts_on__year__gte"),
        ("year_to", "period__starts_on__year__lte"),
    ):
        if data.get(name) not in (None, ""):
            condition &= Q(**{lookup: data[name]})
    status = data.get("status")
    if status == "decided":
        condition &= Q(decided_at__isnull=False)
    elif status in STATUS_GROUPS:
        condition &= Q(status__in=STATUS_GROUPS[status][1])
    elif status:
        condition &= Q(status=status)
    return rows.filter(condition)


@login_required
@require_GET
def placements(request):
    """The placements the user may see, filtered (the records behind a comparison's
    figure), 50 a page."""
    require(request.user, Placement, "view")
    form = PlacementFilterForm(request.GET or None)
    rows = (
        _filtered(request, form)
        .select_related(
            "student", "school", "facility", "offer", "period", "instructor__instructor__person"
        )
        .order_by("-period__starts_on", "facility__sort_key", "student__sort_key", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practicum/comparisons/placements.html",
        {"form": form, "page": page, "query": query.urlencode(), "title": _("Placements")},
        status=200 if form.is_valid() or not request.GET else 400,
    )


urlpatterns = [
    path("compare/facilities/", compare_facilities, name="compare_facilities"),
    path("compare/instructors/", compare_instructors, name="compare_instructors"),
    path("compare/schools/", compare_schools, name="compare_schools"),
    path("placements/", placements, name="placements"),
]
