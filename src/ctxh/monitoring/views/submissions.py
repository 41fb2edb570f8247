"""``/monitoring/submissions/…``: periodic reports — the list, a new one, its form (built
from the data set's fields), its page with versions, history and the moves the user may
make, and the completeness of a period with reminders."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.models import AuditEvent
from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import available_transitions
from ctxh.organizations.models import Organization

from ..models import DataSet, Submission
from ..selectors.submissions import (
    completeness,
    latest_due_period,
    recent_periods,
    submissions_for,
)
from ..services.submissions import (
    can_report,
    period_close,
    submission_approve,
    submission_correct,
    submission_return,
    submission_save,
    submission_start,
    submission_submit,
    submissions_remind,
)


def _parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


class FilterForm(forms.Form):
    dataset = forms.ModelChoiceField(
        DataSet.objects.filter(active=True),
        required=False,
        to_field_name="code",
        label=gettext_lazy("Form"),
        empty_label=gettext_lazy("All forms"),
    )
    period = forms.DateField(required=False, label=gettext_lazy("Period start"))
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("All statuses")), *Submission.Status.choices],
        required=False,
        label=gettext_lazy("Status"),
    )


@login_required
@require_GET
def submission_list(request):
    require(request.user, Submission, "view")
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = submissions_for(
        request.user,
        dataset=filters.get("dataset"),
        period_start=filters.get("period"),
        status=filters.get("status") or None,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/submissions/list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "may_add": not scope_for(request.user, Submission, "add").empty,
            "may_monitor": not scope_for(request.user, Submission, "monitor").empty,
        },
    )


def _reporting_orgs(user):
    """The organisations ``user`` may report for (any data set's kinds)."""
    kinds = sorted({k for ds in DataSet.objects.filter(active=True) for k in ds.org_kinds})
    return Organization.objects.visible_to(user, "view").filter(kind__in=kinds, active=True)


class NewForm(forms.Form):
    dataset = forms.ModelChoiceField(
        DataSet.objects.filter(active=True), label=gettext_lazy("Form")
    )
    organization = forms.ModelChoiceField(
        Organization.objects.none(), label=gettext_lazy("Organisation")
    )
    period = forms.DateField(label=gettext_lazy("Period"), widget=forms.Select)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user, Submission, "add")
        orgs = _reporting_orgs(user)
        if not scope.everything:
            orgs = orgs.filter(pk__in=scope.organization_ids)
        self.fields["organization"].queryset = orgs.select_related("ward")
        if orgs.count() == 1:
            self.fields["organization"].initial = orgs.first().pk
        # Quarterly forms: the recent quarters (the forms are all quarterly; a monthly or
        # annual data set lists its own periods the same way).
        dataset = DataSet.objects.filter(active=True).first()
        periods = recent_periods(dataset, 8) if dataset else []
        self.fields["period"].widget.choices = [(p.isoformat(), dataset.label(p)) for p in periods]
        if dataset:
            self.fields["period"].initial = latest_due_period(dataset).isoformat()


@login_required
def submission_new(request):
    require(request.user, Submission, "add")
    form = NewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_start(
                dataset=form.cleaned_data["dataset"],
                organization=form.cleaned_data["organization"],
                period_start=form.cleaned_data["period"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            return redirect("monitoring:submission_edit", submission.pk)
    return render(request, "monitoring/submissions/new.html", {"form": form})


def values_form(submission: Submission, data=None):
    """The form of a data set: one whole-number field per figure, in the data set's order,
    initial values from the submission."""
    current = {v.field_id: v.value for v in submission.values.all()}
    fields = list(submission.dataset.fields.all())
    form = forms.Form(data)
    for f in fields:
        form.fields[f.code] = forms.CharField(
            label=f.name,
            required=False,
            initial=current.get(f.pk),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "text-end"}),
        )
        form.fields[f.code].is_total = any(p.part_of_id == f.pk for p in fields)
        form.fields[f.code].is_part = f.part_of_id is not None
    return form


@login_required
def submission_edit(request, pk: int):
    submission = get_visible_or_404(request.user, Submission, "add", pk=pk)
    if not submission.editable:
        messages.info(request, _("This submission can no longer be edited."))
        return redirect("monitoring:submission_detail", submission.pk)
    form = values_form(submission, request.POST or None)
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in form.fields}
        try:
            submission = submission_save(
                dataset=submission.dataset,
                organization=submission.organization,
                period_start=submission.period_start,
                values=values,
                by=request.user,
            )
            if "submit" in request.POST:
                submission_submit(submission=submission, by=request.user)
                messages.success(request, _("Submitted to the programme office."))
                return redirect("monitoring:submission_detail", submission.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(key if key in form.fields else None, message)
            else:
                for message in _errors(exc):
                    form.add_error(None, message)
            form.is_valid()  # bound: show the errors added
        else:
            messages.success(request, _("Saved as a draft."))
            return redirect("monitoring:submission_edit", submission.pk)
    return render(
        request,
        "monitoring/submissions/edit.html",
        {"submission": submission, "form": form},
    )


@login_required
@require_GET
def submission_detail(request, pk: int):
    submission = get_visible_or_404(request.user, Submission, "view", pk=pk)
    versions = list(
        Submission.objects.filter(
            dataset=submission.dataset_id,
            organization=submission.organization_id,
            period_start=submission.period_start,
        )
        .select_related("submitted_by", "decided_by")
        .order_by("-version")
    )
    values = {v.field_id: v.value for v in submission.values.all()}
    rows = [(f, values.get(f.pk)) for f in submission.dataset.fields.all()]
    events = AuditEvent.objects.filter(
        object_type=Submission._meta.label_lower, object_id__in=[str(v.pk) for v in versions]
    ).order_by("-created_at", "-id")[:50]
    moves = available_transitions(submission, request.user)
    may_edit = submission.editable and can_report(
        request.user, submission.dataset, submission.organization
    )
    may_correct = (
        submission.status == Submission.Status.APPROVED
        and not any(v.version > submission.version for v in versions)
        and can_report(request.user, submission.dataset, submission.organization)
    )
    return render(
        request,
        "monitoring/submissions/detail.html",
        {
            "submission": submission,
            "rows": rows,
            "versions": versions,
            "events": events,
            "moves": [(str(target), move) for target, move in moves],
            "may_edit": may_edit,
            "may_correct": may_correct,
        },
    )


@login_required
@require_POST
def submission_transition(request, pk: int):
    submission = get_visible_or_404(request.user, Submission, "view", pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "submit":
            submission_submit(submission=submission, by=request.user)
            messages.success(request, _("Submitted to the programme office."))
        elif action == "approve":
            submission_approve(
                submission=submission, by=request.user, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("Approved."))
        elif action == "return":
            submission_return(
                submission=submission, by=request.user, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("Returned to the organisation with your comment."))
        elif action == "correct":
            correction = submission_correct(submission=submission, by=request.user)
            messages.success(request, _("A new version was opened: correct the figures."))
            return redirect("monitoring:submission_edit", correction.pk)
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    return redirect("monitoring:submission_detail", submission.pk)


@login_required
@require_GET
def completeness_view(request):
    require(request.user, Submission, "monitor")
    datasets = list(DataSet.objects.filter(active=True))
    code = request.GET.get("dataset")
    dataset = next((d for d in datasets if d.code == code), datasets[0] if datasets else None)
    if dataset is None:
        return render(request, "monitoring/submissions/completeness.html", {"report": None})
    start = _parse_date(request.GET.get("period"))
    start = dataset.bounds(start)[0] if start else latest_due_period(dataset)
    report = completeness(dataset, start, user=request.user)
    return render(
        request,
        "monitoring/submissions/completeness.html",
        {
            "report": report,
            "datasets": datasets,
            "periods": [(p, dataset.label(p)) for p in recent_periods(dataset, 8)],
            "may_approve": scope_for(request.user, Submission, "approve").everything,
        },
    )


@login_required
@require_POST
def completeness_remind(request):
    """POST ``action=remind`` (default): remind the organisations that have not reported
    the period; ``action=close``: close the period for submissions. Programme office."""
    require(request.user, Submission, "approve")
    dataset = DataSet.objects.filter(active=True, code=request.POST.get("dataset")).first()
    start = _parse_date(request.POST.get("period"))
    if dataset is None or start is None:
        messages.error(request, _("Choose a form and a period."))
        return redirect("monitoring:completeness")
    start = dataset.bounds(start)[0]
    if request.POST.get("action") == "close":
        period_close(dataset=dataset, period_start=start, by=request.user)
        messages.success(request, _("The period is closed for submissions."))
    else:
        count = submissions_remind(dataset=dataset, period_start=start, by=request.user)
        messages.success(request, _("%(count)s organisations reminded.") % {"count": count})
    url = reverse("monitoring:completeness")
    return redirect(f"{url}?dataset={dataset.code}&period={start.isoformat()}")


urlpatterns = [
    path("submissions/", submission_list, name="submissions"),
    path("submissions/new/", submission_new, name="submission_new"),
    path("submissions/completeness/", completeness_view, name="completeness"),
    path("submissions/completeness/remind/", completeness_remind, name="completeness_remind"),
    path("submissions/<int:pk>/", submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/edit/", submission_edit, name="submission_edit"),
    path("submissions/<int:pk>/transition/", submission_transition, name="submission_transition"),
]
