"""The organisation list table."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Organization


class OrganizationTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.LinkColumn(
        "organizations:detail",
        args=[tables.A("pk")],
        verbose_name=_("Name"),
        order_by=("sort_key", "id"),  # Vietnamese alphabetical order (ctxh.core.collation)
    )
    kind = tables.Column(verbose_name=_("Kind"))
    ward = tables.Column(
        verbose_name=_("Ward/commune"), order_by=("ward__sort_key", "sort_key", "id")
    )
    capacity = tables.Column(
        verbose_name=_("Capacity"),
        accessor="facility__capacity",
        default="—",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Organization
        fields = ("code", "name", "kind", "ward", "capacity", "active")
        empty_text = _("No organisation matches these filters.")
        # No default sort: the list comes in name order, or a search's best matches first.

    def render_capacity(self, value):
        from django.utils.formats import number_format

        return number_format(value, force_grouping=True)


class FacilityTable(tables.Table):
    """The facilities page: what each facility is, can take, and cares for now."""

    code = tables.Column(verbose_name=_("Code"))
    name = tables.LinkColumn(
        "organizations:detail",
        args=[tables.A("pk")],
        verbose_name=_("Name"),
        order_by=("sort_key", "id"),  # Vietnamese alphabetical order (ctxh.core.collation)
    )
    kind = tables.Column(verbose_name=_("Type"))
    ownership = tables.Column(verbose_name=_("Ownership"))
    ward = tables.Column(
        verbose_name=_("Ward/commune"), order_by=("ward__sort_key", "sort_key", "id")
    )
    target_groups = tables.TemplateColumn(
        template_name="organizations/_target_groups_cell.html",
        verbose_name=_("Target groups"),
        orderable=False,
    )
    social_work = tables.BooleanColumn(
        verbose_name=_("Social-work services"),
        accessor="facility__provides_social_work_services",
        order_by=("facility__provides_social_work_services",),
    )
    capacity = tables.Column(
        verbose_name=_("Capacity"),
        accessor="facility__capacity",
        default="—",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    latest_residents = tables.TemplateColumn(
        template_name="organizations/_residents_cell.html",
        verbose_name=_("Residents"),
        order_by=("latest_residents",),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = Organization
        fields = (
            "code",
            "name",
            "kind",
            "ownership",
            "ward",
            "target_groups",
            "social_work",
            "capacity",
            "latest_residents",
        )
        empty_text = _("No facility matches these filters.")
        # No default sort: the list comes in name order, or a search's best matches first.
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "facilities"}

    def render_capacity(self, value):
        from django.utils.formats import number_format

        return number_format(value, force_grouping=True)
