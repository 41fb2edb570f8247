"""The allocation pages of the programme office: runs of a period (start one), a run's
preview (progress, summary, each student's explanation, commit), two runs compared, the
export of a run, and moving a placed student by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.exporting import xlsx_response
from ctxh.core.forms import apply_errors
from ctxh.core.models import Job
from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from ..allocation_forms import CompareForm, MoveForm, RunStartForm
from ..models import AllocationRun, Placement, PlacementPeriod
from ..selectors.allocation import explain, offer_label, offers_by_id, run_outcomes, runs_compare
from ..services import allocation as services

PER_PAGE = 50


def _period_schools(period):
    return (
        Organization.objects.filter(practicum_rounds__period=period)
        .distinct()
        .order_by("sort_key", "pk")
    )


@login_required
def runs(request, period_pk: int):
    """The runs of a period with their figures, and the form that starts one."""
    require(request.user, AllocationRun, "view")
    period = get_visible_or_404(request.user, PlacementPeriod, "view", pk=period_pk)
    schools = list(_period_schools(period))
    form = RunStartForm(request.POST or None, schools=schools)
    if request.method == "POST":
        require(request.user, AllocationRun, "run")
        kind = request.POST.get("kind", AllocationRun.Kind.MAIN)
        if form.is_valid():
            try:
                run = services.allocation_start(
                    period=period,
                    by=request.user,
                    seed=form.cleaned_data["seed"],
                    school_priority=form.cleaned_data["school_priority"],
                    second_pass=form.cleaned_data["second_pass"],
                    kind=kind if kind in AllocationRun.Kind.values else AllocationRun.Kind.MAIN,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The allocation run has started."))
                return redirect("practicum:run_detail", pk=run.pk)
    period_runs = list(
        AllocationRun.objects.filter(period=period).select_related("created_by").order_by("-number")
    )
    unplaced = 0
    if period.status == PlacementPeriod.Status.ACCEPTANCE:
        unplaced = period.students.exclude(placements__status__in=Placement.ACTIVE).count()
    return render(
        request,
        "practicum/allocation/runs.html",
        {
            "period": period,
            "runs": period_runs,
            "form": form,
            "may_run": scope_for(request.user, AllocationRun, "run").everything,
            "main_open": period.status == PlacementPeriod.Status.ALLOCATION,
            "second_open": period.status == PlacementPeriod.Status.ACCEPTANCE and unplaced > 0,
            "unplaced": unplaced,
        },
    )


def _status(run: AllocationRun) -> str:
    """The run's status, failed too when its job died before the run could say so."""
    if (
        run.status == AllocationRun.Status.RUNNING
        and run.job_id
        and run.job.status == Job.Status.FAILED
    ):
        return AllocationRun.Status.FAILED
    return run.status


@login_required
@require_GET
def run_detail(request, pk: int):
    """A run: its progress while it runs; then its figures, every student's outcome with
    the explanation, and the commit button."""
    require(request.user, AllocationRun, "view")
    run = get_visible_or_404(request.user, AllocationRun, "view", pk=pk)
    status = _status(run)
    if request.htmx and request.GET.get("poll"):
        # The page's watcher: reload the page once the run has ended.
        response = HttpResponse(status=204)
        if status != AllocationRun.Status.RUNNING:
            response["HX-Refresh"] = "true"
        return response
    context = {
        "run": run,
        "period": run.period,
        "status": status,
        "job_visible": run.job_id and scope_for(request.user, Job, "view").covers_object(run.job),
        "may_commit": scope_for(request.user, AllocationRun, "commit").everything
        and status == AllocationRun.Status.READY,
    }
    if status in (AllocationRun.Status.READY, AllocationRun.Status.COMMITTED):
        query, show = request.GET.get("q", "").strip(), request.GET.get("show", "")
        page = Paginator(run_outcomes(run, query=query, show=show), PER_PAGE).get_page(
            request.GET.get("page")
        )
        offers = offers_by_id(run.period_id)
        rows = [
            {
                "outcome": outcome,
                "offer": offer_label(offers[outcome.offer_id]) if outcome.offer_id else "",
                "explanation": explain(outcome, offers),
            }
            for outcome in page
        ]
        params = request.GET.copy()
        params.pop("page", None)
        context.update(page=page, rows=rows, q=query, show=show, query=params.urlencode())
    return render(request, "practicum/allocation/run_detail.html", context)


@login_required
@require_GET
def run_compare(request, period_pk: int):
    """Two runs of a period side by side: their figures, and who moves where."""
    require(request.user, AllocationRun, "view")
    period = get_visible_or_404(request.user, PlacementPeriod, "view", pk=period_pk)
    candidates = AllocationRun.objects.filter(
        period=period,
        status__in=(AllocationRun.Status.READY, AllocationRun.Status.COMMITTED),
    ).order_by("-number")
    form = CompareForm(request.GET if {"a", "b"} & set(request.GET) else None, runs=candidates)
    context = {"period": period, "form": form}
    if form.is_bound and form.is_valid():
        run_a, run_b = form.cleaned_data["a"], form.cleaned_data["b"]
        comparison = runs_compare(run_a, run_b)
        offers = offers_by_id(period.pk)
        page = Paginator(comparison["moves"], PER_PAGE).get_page(request.GET.get("page"))
        for move in page:
            for side in ("a", "b"):
                offer = offers.get(move[f"{side}_offer"])
                move[f"{side}_label"] = offer_label(offer) if offer else ""
        context.update(
            run_a=run_a,
            run_b=run_b,
            figures=comparison["figures"],
            moved=len(comparison["moves"]),
            page=page,
            query=f"a={run_a.pk}&b={run_b.pk}",
        )
    return render(request, "practicum/allocation/compare.html", context)


@login_required
@require_POST
def run_commit(request, pk: int):
    """Commit a ready run: its outcomes become proposals to the facilities."""
    require(request.user, AllocationRun, "view")
    run = get_visible_or_404(request.user, AllocationRun, "view", pk=pk)
    require(request.user, AllocationRun, "commit")
    try:
        run = services.allocation_commit(run=run, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Run %(number)s committed: the facilities can now decide on the proposals.")
            % {"number": run.number},
        )
    return redirect("practicum:run_detail", pk=run.pk)


EXPORT_HEADERS = [
    "Mã sinh viên",
    "Họ và tên",
    "Trường",
    "Cơ sở",
    "Loại thực hành",
    "Nguyện vọng được xếp",
    "Ngoài nguyện vọng",
    "Giải thích",
]


@login_required
@require_GET
def run_export(request, pk: int):
    """A run's outcomes as Excel, one row per student (the download is audited)."""
    require(request.user, AllocationRun, "view")
    run = get_visible_or_404(request.user, AllocationRun, "view", pk=pk)
    outcomes = run_outcomes(run)
    services.record_run_export(run=run, by=request.user, count=outcomes.count())
    offers = offers_by_id(run.period_id)
    yes, no = _("Yes"), _("No")

    def rows():
        for outcome in outcomes.iterator(chunk_size=2000):
            offer = offers.get(outcome.offer_id)
            yield [
                outcome.student.student_code,
                outcome.student.full_name,
                outcome.student.school.name,
                offer.facility.name if offer else "",
                offer.get_practice_type_display() if offer else "",
                outcome.rank,
                yes if outcome.outside_preferences else no,
                " ".join(explain(outcome, offers)),
            ]

    filename = f"phan-bo-{run.period_id}-lan-{run.number}-{timezone.localtime():%Y%m%d}.xlsx"
    return xlsx_response(
        headers=EXPORT_HEADERS, rows=rows(), filename=filename, sheet_title="Phan bo"
    )


@login_required
def placement_move(request, pk: int):
    """Move a placed student to another offer by hand, with a reason."""
    placement = get_visible_or_404(request.user, Placement, "view", pk=pk)
    if not scope_for(request.user, Placement, "move").covers_object(placement):
        raise PermissionDenied
    placement = Placement.objects.select_related(
        "student__round", "student__school", "offer__facility", "period"
    ).get(pk=placement.pk)
    targets = services.move_targets(placement)
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.placement_move(
                placement=placement,
                offer=form.cleaned_data["offer"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(student)s moved to %(offer)s.")
                % {"student": placement.student.full_name, "offer": offer_label(moved.offer)},
            )
            return redirect(reverse("practicum:board") + f"?period={placement.period_id}")
    return render(
        request,
        "practicum/allocation/move.html",
        {
            "placement": placement,
            "form": form,
            "offer": offer_label(placement.offer),
            "targets": targets,
        },
    )


urlpatterns = [
    path("periods/<int:period_pk>/runs/", runs, name="runs"),
    path("periods/<int:period_pk>/runs/compare/", run_compare, name="run_compare"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/commit/", run_commit, name="run_commit"),
    path("runs/<int:pk>/export.xlsx", run_export, name="run_export"),
    path("placements/<int:pk>/move/", placement_move, name="placement_move"),
]
