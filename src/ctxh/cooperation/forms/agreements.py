"""The forms of agreements, action plans and tasks (the services validate again)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Kind, Organization

from ..models import ActionPlan, Agreement, AreaOfWork, Task
from ..services.plans import deliverable_models
from ..services.uploads import ACCEPTED_EXTENSIONS, max_upload_bytes

ACCEPT = ",".join(f".{e}" for e in ACCEPTED_EXTENSIONS)


def date_widget():
    return forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


def file_field(label, required=False):
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, Word, Excel, PowerPoint or an image; at most %(mb)s MB.")
        % {"mb": max_upload_bytes() // (1024 * 1024)},
    )


def _organizations():
    return Organization.objects.filter(active=True).order_by("sort_key", "id")


class AgreementForm(forms.ModelForm):
    areas = forms.MultipleChoiceField(
        label=_("areas of work"), choices=AreaOfWork.choices, widget=forms.CheckboxSelectMultiple
    )
    signed_upload = file_field(_("signed file"))

    class Meta:
        model = Agreement
        fields = [
            "title",
            "number",
            "agency",
            "partners",
            "signed_on",
            "starts_on",
            "ends_on",
            "areas",
            "summary",
        ]
        widgets = {
            "signed_on": date_widget(),
            "starts_on": date_widget(),
            "ends_on": date_widget(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _organizations().filter(kind=Kind.AGENCY)
        self.fields["partners"].queryset = _organizations().exclude(kind=Kind.AGENCY)

    def _post_clean(self):  # the service validates the model (with the partners)
        pass

    def service_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields if k != "partners"}
        return {
            **data,
            "partners": list(self.cleaned_data["partners"]),
            "signed_file": self.cleaned_data.get("signed_upload") or None,
        }


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    to = forms.CharField()
    reason = forms.CharField(required=False, max_length=500)


def _delivered_choices(plan: ActionPlan) -> list[tuple[str, str]]:
    """The classes, events and research projects of the plan's year a task may link to."""
    choices: list[tuple[str, str]] = [("", "—")]
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    for model in deliverable_models():
        names = {f.name for f in model._meta.get_fields()}
        qs = model._default_manager.all()
        if "starts_on" in names and "ends_on" in names:
            qs = qs.filter(starts_on__lte=end).exclude(ends_on__lt=start)
        elif "starts_on" in names:
            qs = qs.filter(starts_on__year=plan.year)
        elif "starts_at" in names:
            qs = qs.filter(starts_at__year=plan.year)
        label = str(model._meta.verbose_name).capitalize()
        choices += [
            (f"{model._meta.label_lower}:{obj.pk}", f"{label}: {obj}")
            for obj in qs.order_by("pk")[:300]
        ]
    return choices


def delivered_value(task: Task) -> str:
    if not task.delivered_by_type_id:
        return ""
    return (
        f"{task.delivered_by_type.app_label}.{task.delivered_by_type.model}:{task.delivered_by_id}"
    )


class TaskForm(forms.ModelForm):
    delivered = forms.ChoiceField(label=_("delivered by"), required=False)

    class Meta:
        model = Task
        fields = ["title", "area", "owner", "partners", "deadline", "expected_product"]
        widgets = {"deadline": date_widget(), "partners": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, plan: ActionPlan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        agreement = plan.agreement
        parties = _organizations().filter(
            pk__in=[agreement.agency_id, *agreement.partners.values_list("pk", flat=True)]
        )
        scope = scope_for(user, Task, "change" if self.instance.pk else "add")
        owners = parties if scope.everything else parties.filter(pk__in=scope.organization_ids)
        self.fields["owner"].queryset = owners
        self.fields["partners"].queryset = _organizations().exclude(kind=Kind.WARD_OFFICE)
        self.fields["partners"].required = False
        self.fields["delivered"].choices = _delivered_choices(plan)
        if self.instance.pk:
            self.initial.setdefault("delivered", delivered_value(self.instance))
        elif owners.count() == 1:
            self.initial.setdefault("owner", owners.first().pk)
        self.fields["deadline"].help_text = _("Between 01/01/%(year)s and 31/12/%(year)s.") % {
            "year": plan.year
        }

    def clean_delivered(self):
        value = self.cleaned_data.get("delivered") or ""
        if not value:
            return None
        from django.apps import apps

        label, _sep, pk = value.partition(":")
        try:
            return apps.get_model(label)._default_manager.get(pk=int(pk))
        except (LookupError, ValueError, Exception) as error:  # noqa: BLE001 — any bad value
            raise forms.ValidationError(_("Choose one of the listed records.")) from error

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields if k != "partners"}
        return {
            **data,
            "partners": list(self.cleaned_data["partners"]),
            "delivered_by": self.cleaned_data.get("delivered"),
        }


class TaskDoneForm(forms.Form):
    result = forms.CharField(
        label=_("what was delivered"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = file_field(_("evidence"))


class EvidenceForm(forms.Form):
    evidence = file_field(_("evidence"), required=True)


class LateFilterForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("responsible organisation"), queryset=Organization.objects.none(), required=False
    )
    area = forms.ChoiceField(
        label=_("area of work"), choices=[("", _("All")), *AreaOfWork.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _organizations().filter(pk__in=Task.objects.values("owner"))
