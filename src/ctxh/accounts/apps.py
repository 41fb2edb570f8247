from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ctxh.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        from .roles import register_rows

        register_rows()

        register(
            NavItem(
                _("Accounts"),
                "accounts:members",
                "accounts.Membership",
                order=80,
                # The role table is reached from the account list (a button there).
                also=("accounts:roles",),
                menu="admin",
            )
        )
        register(NavItem(_("Audit trail"), "core:audit", "core.AuditEvent", order=90, menu="admin"))
