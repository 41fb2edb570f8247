"""Forms of the offers and preferences pages (they only read and validate input: the
rules themselves are the services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.geo.models import Ward
from ctxh.organizations.models import Organization
from ctxh.workforce.models import FieldInstructor

from ..models import Level, Offer, PeriodInstructor, PracticeType

ALL = _("All")


def _blank(choices):
    return [("", ALL), *choices]


class OfferFilterForm(forms.Form):
    """The offers list's filters (every field optional; bad values are ignored)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    practice_type = forms.ChoiceField(
        label=_("Practice type"), required=False, choices=_blank(PracticeType.choices)
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_blank(Level.choices))
    facility = forms.ModelChoiceField(
        label=_("Facility"), required=False, queryset=Organization.objects.none()
    )
    ward = forms.ModelChoiceField(label=_("Ward"), required=False, queryset=Ward.objects.none())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(Offer.Status.choices)
    )

    def __init__(self, *args, period=None, show_status=False, show_facility=True, **kwargs):
        super().__init__(*args, **kwargs)
        offers = Offer.objects.filter(period=period)
        self.fields["facility"].queryset = Organization.objects.filter(
            pk__in=offers.values("facility_id")
        ).order_by("sort_key")
        self.fields["ward"].queryset = Ward.objects.filter(
            pk__in=offers.values("facility__ward_id")
        ).order_by("sort_key", "code")
        if not show_status:
            del self.fields["status"]
        if not show_facility:
            del self.fields["facility"]

    def values(self) -> dict:
        """The valid filters as plain values (ids for the choices)."""
        self.is_valid()  # the fields that are valid stay in cleaned_data; the others drop
        data = dict(self.cleaned_data)
        for name in ("facility", "ward"):
            if data.get(name) is not None:
                data[name] = data[name].pk
        return {k: v for k, v in data.items() if v}


class OfferForm(forms.Form):
    """A facility's offer in a period: seats, instructors, per-school quotas, notes. The
    quota fields (``quota_<school id>``) are those of the schools with a round in the period."""

    practice_type = forms.ChoiceField(label=_("Practice type"), choices=PracticeType.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)
    instructors = forms.ModelMultipleChoiceField(
        label=_("Field instructors who take its students"),
        queryset=PeriodInstructor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes for students"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, period, facility, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        site = getattr(facility, "practice_site", None)
        if site is not None:
            # Only what the facility accepts, in the vocabularies' order.
            types = [c for c in PracticeType.choices if c[0] in (site.practice_types or [])]
            levels = [c for c in Level.choices if c[0] in (site.levels or [])]
            self.fields["practice_type"].choices = types or PracticeType.choices
            self.fields["level"].choices = levels or Level.choices
        rows = (
            PeriodInstructor.objects.filter(period=period, facility=facility)
            .select_related("instructor__person")
            .order_by("instructor__person__sort_key")
        )
        self.fields["instructors"].queryset = rows
        self.fields["instructors"].label_from_instance = lambda row: (
            _("%(name)s (%(capacity)d students)")
            % {"name": row.instructor.person.full_name, "capacity": row.capacity}
        )
        self.schools = list(schools)
        for school in self.schools:
            self.fields[f"quota_{school.pk}"] = forms.IntegerField(
                label=_("Quota: %(school)s") % {"school": school.name},
                required=False,
                min_value=0,
                max_value=500,
                help_text=_("At most this many seats for its students; empty: no quota."),
            )

    def quotas(self) -> dict:
        return {
            school: self.cleaned_data[f"quota_{school.pk}"]
            for school in self.schools
            if self.cleaned_data.get(f"quota_{school.pk}") is not None
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class PeriodInstructorForm(forms.Form):
    """Add (or change the number of students of) one of the facility's registry instructors."""

    instructor = forms.ModelChoiceField(
        label=_("Field instructor"), queryset=FieldInstructor.objects.none()
    )
    capacity = forms.IntegerField(label=_("Students in this period"), min_value=1, max_value=30)

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["instructor"]
        field.queryset = (
            FieldInstructor.objects.filter(active=True, person__current_organization=facility)
            .select_related("person")
            .order_by("person__sort_key")
        )
        field.label_from_instance = lambda fi: (
            _("%(name)s (at most %(max)d)")
            % {
                "name": fi.person.full_name,
                "max": fi.max_students,
            }
        )
