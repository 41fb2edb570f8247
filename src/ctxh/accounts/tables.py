import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Membership, User


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


class AccountTable(tables.Table):
    """One row per account, with its roles and state."""

    username = tables.Column(verbose_name=_("Username"), linkify=False)
    full_name = tables.Column(verbose_name=_("Full name"), order_by=("sort_key", "id"))
    email = tables.Column(verbose_name=_("E-mail"))
    roles = tables.Column(verbose_name=_("Roles"), accessor="pk", orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("Active"))
    locked = tables.BooleanColumn(verbose_name=_("Locked"), orderable=False, accessor="pk")
    last_login = tables.DateTimeColumn(
        verbose_name=_("Last sign-in"), format="d/m/Y H:i", default=_("never")
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "roles", "is_active", "locked", "last_login")
        empty_text = _("No account matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "accounts"}

    def __init__(self, *args, locked: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked

    def render_locked(self, record, bound_column):
        return bound_column.column.render(
            value=record.username in self.locked, record=record, bound_column=bound_column
        )

    def render_username(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts:account", args=[record.pk]), record.username
        )

    def render_roles(self, record):
        active = [m for m in record.memberships.all() if m.active]
        if not active:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '{} <span class="text-muted small">· {}</span>',
            ((m.get_role_display(), m.organization.name) for m in active),
        )
