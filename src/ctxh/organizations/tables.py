"""The organisation list table."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Organization


class OrganizationTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.LinkColumn("organizations:detail", args=[tables.A("pk")], verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    ward = tables.Column(verbose_name=_("Ward/commune"), order_by=("ward__name",))
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
        order_by = ("name",)

    def render_capacity(self, value):
        from django.utils.formats import number_format

        return number_format(value, force_grouping=True)
