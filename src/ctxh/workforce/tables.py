"""Tables of the workforce pages. The citizen ID is always masked in lists."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .cccd import mask_cccd
from .models import Person, PersonAccessLog


class PersonTable(tables.Table):
    # Every sort ends with the id: many people share a name, and a page must not repeat
    # or skip anyone. Names sort in Vietnamese list order (``sort_key``: given name first).
    full_name = tables.LinkColumn(
        "workforce:detail",
        args=[tables.A("pk")],
        verbose_name=_("Full name"),
        order_by=("sort_key", "id"),
    )
    cccd = tables.Column(verbose_name=_("Citizen ID"), orderable=False, default="—")
    date_of_birth = tables.DateColumn(
        verbose_name=_("Date of birth"), format="d/m/Y", order_by=("date_of_birth", "id")
    )
    current_organization = tables.Column(
        verbose_name=_("Organisation"),
        order_by=("current_organization__sort_key", "sort_key", "id"),
    )
    professional_title = tables.Column(
        verbose_name=_("Title"), default="—", order_by=("professional_title", "sort_key", "id")
    )
    education_level = tables.Column(
        verbose_name=_("Education"), default="—", order_by=("education_level", "sort_key", "id")
    )
    staff_type = tables.Column(verbose_name=_("Type"), order_by=("staff_type", "sort_key", "id"))
    field_instructor = tables.Column(
        verbose_name=_("Field instructor"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta:
        model = Person
        fields = (
            "full_name",
            "cccd",
            "date_of_birth",
            "current_organization",
            "professional_title",
            "education_level",
            "staff_type",
            "field_instructor",
        )
        empty_text = _("No person matches these filters.")
        # No default sort here: the list comes ordered by name, or a search's best matches
        # first (a column the user clicks overrides both).
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "people"}
        template_name = "workforce/_people_table.html"

    def render_cccd(self, value):
        return mask_cccd(value)

    def render_professional_title(self, record):
        return record.professional_title

    def render_field_instructor(self, record):
        status = getattr(record, "field_instructor", None)
        return "✓" if status is not None and status.active else ""


class AccessLogTable(tables.Table):
    viewed_at = tables.DateTimeColumn(verbose_name=_("Viewed at"), format="d/m/Y H:i")
    user = tables.Column(verbose_name=_("User"))
    user_organization = tables.Column(verbose_name=_("User's organisation"))
    person = tables.LinkColumn(
        "workforce:detail", args=[tables.A("person_id")], verbose_name=_("Person")
    )
    person_organization = tables.Column(
        verbose_name=_("Person's organisation"),
        accessor="person__current_organization",
        orderable=False,
    )
    page = tables.Column(verbose_name=_("Page"), default="—")
    purpose = tables.Column(verbose_name=_("Purpose"), default="—")

    class Meta:
        model = PersonAccessLog
        fields = (
            "viewed_at",
            "user",
            "user_organization",
            "person",
            "person_organization",
            "page",
            "purpose",
        )
        empty_text = _("No access has been recorded.")
        order_by = ("-viewed_at",)

    def render_purpose(self, record):
        return record.purpose_text or "—"


class TwoStepPageData(tables.data.TableQuerysetData):
    """Table data whose pages load through the queryset's ``page(slice)`` (the people list:
    the ids of the page first, then those rows; see ``PersonQuerySet.page``)."""

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.data.page(key)
        return super().__getitem__(key)
