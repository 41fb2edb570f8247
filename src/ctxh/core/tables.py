"""Tables of the core pages."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name=_("Time"), format="d/m/Y H:i:s")
    actor_label = tables.Column(verbose_name=_("Actor"))
    source = tables.Column(verbose_name=_("Source"))
    action = tables.Column(verbose_name=_("Action"))
    object_repr = tables.Column(verbose_name=_("Object"))
    organization_id = tables.Column(verbose_name=_("Organisation"), orderable=False)
    changes = tables.TemplateColumn(
        template_name="core/_audit_changes.html", verbose_name=_("Changes"), orderable=False
    )
    ip_address = tables.Column(verbose_name=_("IP"))

    class Meta:
        model = AuditEvent
        fields = (
            "created_at",
            "actor_label",
            "source",
            "action",
            "object_repr",
            "organization_id",
            "changes",
            "ip_address",
        )
        empty_text = _("No audit events match these filters.")
