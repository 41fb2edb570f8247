from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from ctxh.demo.loader import DEFAULT_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo city (168 wards, 92 facilities, 7 schools…) and one account per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password for every demo account."
        )
        parser.add_argument("--quiet", action="store_true", help="Do not list the accounts.")

    def handle(self, *args, password, quiet, **options):
        # The demo's services notify its invented people (letters issued, registrations):
        # those e-mails stay in memory instead of filling the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            report = load_demo(password=password)
        self.stdout.write(
            _("Demo data ready: %(c)d organisations created, %(u)d updated, %(n)d users created.")
            % {
                "c": report.organizations_created,
                "u": report.organizations_updated,
                "n": report.users_created,
            }
        )
        if report.people_created:
            self.stdout.write(
                _("Workforce: %(p)d people created (one audit event for the bulk load).")
                % {"p": report.people_created}
            )
        else:
            self.stdout.write(_("Workforce: already loaded, nothing changed."))
        if report.practicum:
            self.stdout.write(
                _(
                    "Practicum: %(sites)d practice sites, %(instructors)d field instructors, "
                    "%(students)d students (%(accounts)d accounts created), %(seats)d seats, "
                    "%(preferences)d preferences; the previous period: %(placed)d students "
                    "placed."
                )
                % {
                    "sites": report.practicum["sites"],
                    "instructors": report.practicum["instructors"],
                    "students": report.practicum["students"],
                    "accounts": report.practicum["accounts_created"],
                    "seats": report.practicum["seats"],
                    "preferences": report.practicum["preferences"],
                    "placed": report.practicum["placed"],
                }
            )
        else:
            self.stdout.write(_("Practicum: already loaded, nothing changed."))
        if quiet:
            return
        self.stdout.write("")
        self.stdout.write(f"{'username':<13} {'role':<20} organisation")
        for account, org in report.accounts:
            self.stdout.write(f"{account.username:<13} {account.role:<20} {org.name}")
        self.stdout.write("")
        self.stdout.write(_("Password for every demo account: %(p)s") % {"p": password})
