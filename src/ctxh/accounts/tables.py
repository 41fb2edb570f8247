import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Membership


class MembershipTable(tables.Table):
    user = tables.Column(verbose_name=_("User"), accessor="user__username")
    full_name = tables.Column(verbose_name=_("Full name"), accessor="user__full_name")
    role = tables.Column(verbose_name=_("Role"))
    organization = tables.Column(verbose_name=_("Organisation"))
    active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Membership
        fields = ("user", "full_name", "role", "organization", "active")
        empty_text = _("No accounts yet.")
