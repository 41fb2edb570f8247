"""Action plans and their tasks: the plan of a year (per partner: filter by responsible
organisation), adding and editing a task, its page with the evidence and the status moves
(done with what was delivered and a file), and the city-wide list of late tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import available_transitions

from ..forms.agreements import EvidenceForm, LateFilterForm, MoveForm, TaskDoneForm, TaskForm
from ..models import ActionPlan, Attachment, Task
from ..selectors.agreements import late_tasks, task_progress
from ..services import plans as services
from .agreements import error_messages, paginate


@login_required
@require_GET
def plan(request, pk: int):
    """A year's plan of an agreement: progress, and the tasks (of one responsible
    organisation with ``?owner=``), each with its status, lateness and evidence count."""
    user = request.user
    plan = get_visible_or_404(user, ActionPlan, "view", pk=pk)
    plan = ActionPlan.objects.select_related("agreement__agency").get(pk=plan.pk)
    tasks = (
        Task.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("owner")
        .prefetch_related("partners")
        .order_by("deadline", "pk")
    )
    parties = [plan.agreement.agency, *plan.agreement.partners.order_by("sort_key")]
    owner = request.GET.get("owner", "")
    if owner.isdigit():
        tasks = tasks.filter(owner_id=int(owner))
    task_type = ContentType.objects.get_for_model(Task)
    rows = list(tasks)
    evidence = dict(
        Attachment.objects.filter(content_type=task_type, object_id__in=[t.pk for t in rows])
        .values_list("object_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    change = scope_for(user, Task, "change")
    add = scope_for(user, Task, "add")
    return render(
        request,
        "cooperation/plans/plan.html",
        {
            "plan": plan,
            "agreement": plan.agreement,
            "tasks": [(t, evidence.get(t.pk, 0), change.covers_object(t)) for t in rows],
            "progress": task_progress(tasks),
            "parties": parties,
            "owner": owner,
            "may_add": any(add.covers(p) for p in parties),
        },
    )


def _task_form_page(request, *, plan, task=None):
    instance = Task.objects.get(pk=task.pk) if task else Task(plan=plan)
    form = TaskForm(request.POST or None, instance=instance, plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.task_save(
                by=request.user,
                plan=plan if task is None else None,
                task=task,
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task “%(name)s” is saved.") % {"name": saved})
            return redirect("cooperation:plan", pk=plan.pk)
    return render(
        request,
        "cooperation/agreements/form.html",
        {
            "form": form,
            "title": str(task) if task else _("New task"),
            "crumbs": [
                (_("Agreements"), "cooperation:agreements", None),
                (str(plan.agreement), "cooperation:agreement_detail", plan.agreement_id),
                (_("Plan %(year)s") % {"year": plan.year}, "cooperation:plan", plan.pk),
            ],
        },
    )


@login_required
def task_create(request, pk: int):
    require(request.user, Task, "add")
    plan = get_visible_or_404(request.user, ActionPlan, "view", pk=pk)
    plan = ActionPlan.objects.select_related("agreement").get(pk=plan.pk)
    agreement = plan.agreement
    scope = scope_for(request.user, Task, "add")
    parties = [agreement.agency_id, *agreement.partners.values_list("pk", flat=True)]
    if not any(scope.covers(org_id) for org_id in parties):
        raise Http404  # not a party to this agreement: no task of theirs can go here
    return _task_form_page(request, plan=plan)


@login_required
def task_edit(request, pk: int):
    task = get_visible_or_404(request.user, Task, "change", pk=pk)
    plan = ActionPlan.objects.select_related("agreement").get(pk=task.plan_id)
    return _task_form_page(request, plan=plan, task=task)


@login_required
@require_GET
def task_detail(request, pk: int):
    user = request.user
    task = get_visible_or_404(user, Task, "view", pk=pk)
    task = (
        Task.objects.select_related("plan__agreement", "owner", "delivered_by_type")
        .prefetch_related("partners", "evidence")
        .get(pk=task.pk)
    )
    may_change = scope_for(user, Task, "change").covers_object(task)
    return render(
        request,
        "cooperation/plans/task.html",
        {
            "task": task,
            "plan": task.plan,
            "moves": available_transitions(task, user),
            "may_change": may_change,
            "done_form": TaskDoneForm(initial={"result": task.result}) if may_change else None,
            "evidence_form": EvidenceForm() if may_change else None,
            "delivered_by": task.delivered_by if task.delivered_by_type_id else None,
        },
    )


@login_required
@require_POST
def task_move(request, pk: int):
    task = get_visible_or_404(request.user, Task, "change", pk=pk)
    form = MoveForm(request.POST)
    to = request.POST.get("to", "")
    if not form.is_valid() or to not in Task.Status.values:
        messages.error(request, _("Choose a valid change."))
        return redirect("cooperation:task_detail", pk=task.pk)
    files = request.FILES.getlist("evidence")
    result = request.POST.get("result") if to == Task.Status.DONE else None
    try:
        services.task_move(
            task=task,
            to=to,
            by=request.user,
            result=result,
            evidence=files,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("“%(name)s” is now %(status)s.")
            % {"name": task, "status": task.get_status_display().lower()},
        )
    return redirect("cooperation:task_detail", pk=task.pk)


@login_required
@require_POST
def task_evidence(request, pk: int):
    task = get_visible_or_404(request.user, Task, "change", pk=pk)
    try:
        services.task_add_evidence(
            task=task, files=request.FILES.getlist("evidence"), by=request.user
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The file is attached."))
    return redirect("cooperation:task_detail", pk=task.pk)


@login_required
@require_GET
def late(request):
    """The tasks whose deadline has passed and which are not done, city-wide."""
    require(request.user, Task, "view")
    form = LateFilterForm(request.GET or None)
    tasks = late_tasks(request.user)
    if form.is_valid():
        if form.cleaned_data.get("owner"):
            tasks = tasks.filter(owner=form.cleaned_data["owner"])
        if form.cleaned_data.get("area"):
            tasks = tasks.filter(area=form.cleaned_data["area"])
    return render(
        request,
        "cooperation/plans/late.html",
        {"filter": form, "page": paginate(request, tasks), "total": tasks.count()},
    )


urlpatterns = [
    path("plans/<int:pk>/", plan, name="plan"),
    path("plans/<int:pk>/tasks/new/", task_create, name="task_create"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/move/", task_move, name="task_move"),
    path("tasks/<int:pk>/evidence/", task_evidence, name="task_evidence"),
    path("late/", late, name="late"),
]
