"""The training statistics (``training:statistics``), the people behind a figure
(``training:statistics_people``) and the export (``training:statistics_export``).

Who: the permission ``statistics`` on enrolments (the programme office and the viewer, the
whole city). Every figure links to the list behind it: classes to the class list with its
filters (``year``, ``organizer``, ``topic``, ``status``), people to the people page.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ctxh.core.exporting import xlsx_response
from ctxh.core.permissions import require
from ctxh.organizations.models import Sector

from ..models import Enrollment
from ..selectors import statistics as stats


class StatisticsForm(forms.Form):
    """The page's choices: a period (one of the programme's, or any dates), the breakdown
    and the window of the share trained. Bad values fall back to the defaults."""

    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        choices=[(k, v[0]) for k, v in stats.PERIODS.items()],
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Breakdown"),
        required=False,
        choices=list(stats.DIMENSIONS.items()),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    years = forms.IntegerField(
        label=gettext_lazy("Trained in the last (years)"),
        required=False,
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period comes before its start."))
        return data


def _choices(request) -> tuple[StatisticsForm, stats.Period, str, str, int]:
    form = StatisticsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    key = data.get("period") or ""
    start, end = data.get("start"), data.get("end")
    if key and not (start or end):
        _label, start, end = stats.PERIODS[key]
    elif not (start or end):
        key = "all"
    else:
        key = ""
    return (
        form,
        stats.Period(start, end),
        key,
        data.get("by") or "topic",
        data.get("years") or stats.TRAINED_YEARS,
    )


def _period_params(period: stats.Period) -> dict:
    params = {}
    if period.start:
        params["start"] = period.start.isoformat()
    if period.end:
        params["end"] = period.end.isoformat()
    return params


def _class_list(**params) -> str:
    return reverse("training:index") + "?" + urlencode(params)


def _people(period: stats.Period, **params) -> str:
    query = {**_period_params(period), **{k: v for k, v in params.items() if v not in ("", None)}}
    return reverse("training:statistics_people") + "?" + urlencode(query)


@login_required
@require_GET
def statistics(request):
    require(request.user, Enrollment, "statistics")
    form, period, period_key, by, years = _choices(request)
    user = request.user
    total = stats.totals(user=user, period=period)
    years_rows = stats.by_year(user=user, period=period)
    rows = stats.breakdown(user=user, dimension=by, period=period)
    share = stats.trained_share(user=user, years=years)
    for line in years_rows:
        line.classes_url = _class_list(year=line.key)
        line.people_url = _people(period, dimension="year", key=line.key)
    for line in rows:
        if by == "topic":
            line.classes_url = _class_list(topic=line.key)
        elif by == "organizer":
            line.classes_url = _class_list(organizer=line.key)
        line.people_url = _people(period, dimension=by, key=line.key)
    total.people_url = _people(period)
    share.total.url = _people(stats.Period(), trained=years)
    for item in share.by_sector:
        item.url = _people(stats.Period(), trained=years, sector=item.key)
    for item in share.by_ward:
        item.url = _people(stats.Period(), trained=years, ward=item.key or "")
    chart = {
        "type": "bar",
        "labels": [str(line.key) for line in years_rows],
        "datasets": [
            {"label": _("Participant-times"), "data": [r.participant_times for r in years_rows]},
            {"label": _("Distinct people"), "data": [r.people for r in years_rows]},
        ],
    }
    periods = [
        (key, label, reverse("training:statistics") + "?" + urlencode({"period": key, "by": by}))
        for key, (label, _start, _end) in stats.PERIODS.items()
    ]
    export_params = {**_period_params(period), "by": by, "years": years}
    return render(
        request,
        "training/statistics/index.html",
        {
            "form": form,
            "period": period,
            "period_key": period_key,
            "periods": periods,
            "by": by,
            "by_label": stats.DIMENSIONS[by],
            "dimensions": list(stats.DIMENSIONS.items()),
            "total": total,
            "years_rows": years_rows,
            "rows": rows,
            "share": share,
            "chart": chart,
            "class_dimension": by in ("topic", "organizer"),
            "export_url": reverse("training:statistics_export") + "?" + urlencode(export_params),
            "closed_url": _class_list(status="closed"),
        },
    )


class PeopleForm(forms.Form):
    """What the people page lists: the people behind one figure."""

    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    dimension = forms.ChoiceField(
        required=False, choices=[("year", "year"), *((k, k) for k in stats.DIMENSIONS)]
    )
    key = forms.CharField(required=False, max_length=255)
    trained = forms.IntegerField(required=False, min_value=1, max_value=30)
    sector = forms.ChoiceField(required=False, choices=[("", ""), *Sector.choices])
    ward = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        dimension, key = data.get("dimension"), data.get("key")
        if dimension and not key and dimension != "sector":
            raise forms.ValidationError(_("Choose a group."))
        if dimension in ("year", "organizer", "ward", "organization") and key:
            if not key.isdigit():
                raise forms.ValidationError(_("Choose a group."))
            data["key"] = int(key)
        return data


@login_required
@require_GET
def statistics_people(request):
    """The distinct people behind a figure of the statistics (scoped like it)."""
    require(request.user, Enrollment, "statistics")
    form = PeopleForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "training/statistics/people.html",
            {"form": form, "page": None, "heading": _("People trained")},
            status=400,
        )
    data = form.cleaned_data
    if data.get("trained"):
        people = stats.trained_people(
            user=request.user, years=data["trained"], sector=data["sector"], ward=data["ward"]
        )
        rows = None
        heading = _("People of the registry trained in the last %(years)s years") % {
            "years": data["trained"]
        }
        page = Paginator(people, 50).get_page(request.GET.get("page"))
    else:
        period = stats.Period(data.get("start"), data.get("end"))
        rows = stats.people_behind(
            user=request.user, period=period, dimension=data["dimension"], key=data["key"]
        )
        heading = _("People behind the figure")
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/statistics/people.html",
        {
            "form": form,
            "page": page,
            "trained": bool(data.get("trained")),
            "heading": heading,
            "filters": _describe(data),
            "query": query.urlencode(),
        },
    )


def _describe(data: dict) -> list[str]:
    """The filters of the people page, as words."""
    from ctxh.geo.models import Ward
    from ctxh.organizations.models import Organization

    words = []
    if data.get("start") or data.get("end"):
        first = data["start"].strftime("%d/%m/%Y") if data.get("start") else "…"
        last = data["end"].strftime("%d/%m/%Y") if data.get("end") else "…"
        words.append(f"{first} – {last}")
    dimension, key = data.get("dimension"), data.get("key")
    if dimension == "year":
        words.append(_("year %(year)s") % {"year": key})
    elif dimension in ("organizer", "organization"):
        org = Organization.objects.filter(pk=key).first()
        words.append(org.name if org else "—")
    elif dimension == "ward":
        ward = Ward.objects.filter(pk=key).first()
        words.append(ward.name if ward else "—")
    elif dimension == "sector" and key:
        words.append(str(dict(Sector.choices).get(key, key)))
    elif dimension == "topic":
        words.append(str(key))
    if data.get("sector"):
        words.append(str(dict(Sector.choices)[data["sector"]]))
    if data.get("ward"):
        ward = Ward.objects.filter(pk=data["ward"]).first()
        words.append(ward.name if ward else "—")
    return words


@login_required
@require_GET
def statistics_export(request):
    """Every table of the page (for the chosen period) as one Excel sheet."""
    require(request.user, Enrollment, "statistics")
    _form, period, _key, _by, years = _choices(request)
    user = request.user
    headers = [
        _("Table"),
        _("Group"),
        _("Classes"),
        _("Participant-times"),
        _("Distinct people"),
        _("Participant-times not identified in the registry"),
        _("Completed"),
        _("Completion rate (%)"),
        _("People of the registry"),
        _("Of whom trained"),
        _("Share trained (%)"),
    ]

    def line(table, f: stats.Figures):
        rate = f.completion_rate
        return [
            table,
            f.label,
            f.classes,
            f.participant_times,
            f.people,
            f.unidentified,
            f.completed,
            round(rate, 1) if rate is not None else None,
        ]

    def rows():
        yield line(_("Total"), stats.totals(user=user, period=period))
        for f in stats.by_year(user=user, period=period):
            yield line(_("Year"), f)
        for key, label in stats.DIMENSIONS.items():
            for f in stats.breakdown(user=user, dimension=key, period=period):
                yield line(str(label), f)
        share = stats.trained_share(user=user, years=years)
        label = _("Trained in the last %(years)s years") % {"years": years}
        for s in [share.total, *share.by_sector, *share.by_ward]:
            yield [label, s.label, *([None] * 6), s.total, s.trained, round(s.percent, 1)]

    stamp = dt.date.today().strftime("%Y%m%d")
    return xlsx_response(
        headers=headers,
        # A few hundred lines: made now, in the request's language (a streamed generator
        # would run after the response left the view, in the default language).
        rows=list(rows()),
        filename=f"thong-ke-tap-huan-{stamp}.xlsx",
        sheet_title="Thong ke",
    )


urlpatterns = [
    path("statistics/", statistics, name="statistics"),
    path("statistics/people/", statistics_people, name="statistics_people"),
    path("statistics/export.xlsx", statistics_export, name="statistics_export"),
]
