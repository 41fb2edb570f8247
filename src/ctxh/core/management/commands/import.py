"""``ctxh import <kind> FILE [--commit]``: the Excel import from the command line.

Without ``--commit`` it is a dry run: every row is checked, a summary is printed, nothing
is written. With ``--commit`` the file is written all or nothing. Either way, when any row
is rejected the rejected rows are saved next to the file as ``FILE.errors.xlsx``, the
first errors are printed, and the exit code is 1. Changes are audited with the source
"command" and no user (the operator acts as ``SYSTEM``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ctxh.core.audit import audit_context
from ctxh.core.importing import REJECTED, ImportFileError, all_kinds, analyse, get_kind, write
from ctxh.core.importing.jobs import summary_message
from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM


class Command(BaseCommand):
    help = "Check (and with --commit, write) an Excel file of organisations, people…"

    def add_arguments(self, parser):
        kinds = ", ".join(sorted(k.name for k in all_kinds()))
        parser.add_argument("kind", help=f"What the file holds: one of {kinds}.")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--commit", action="store_true", help="Write the rows (all or nothing)."
        )
        parser.add_argument(
            "--show", type=int, default=20, help="How many row errors to print (default 20)."
        )

    def handle(self, *args, kind: str, file: Path, commit: bool = False, show: int = 20, **opts):
        spec = get_kind(kind)
        if spec is None:
            raise CommandError(
                f"Unknown kind {kind!r}; one of: {', '.join(sorted(k.name for k in all_kinds()))}"
            )
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        progress = None
        if opts.get("verbosity", 1) > 1:

            def progress(percent, message):
                self.stderr.write(f"{percent:3d}% {message}")

        with audit_context(source=AuditEvent.Source.COMMAND):
            try:
                analysis = analyse(spec, file, user=SYSTEM, progress=progress)
            except ImportFileError as exc:
                raise CommandError(str(exc)) from None
            counts = analysis.counts
            self.stdout.write(f"Sheet read: {analysis.sheet}")
            self.stdout.write(summary_message(counts))
            if counts[REJECTED]:
                errors_path = file.with_name(file.name + ".errors.xlsx")
                errors_path.write_bytes(analysis.rejected_workbook())
                for row in analysis.rejected[:show]:
                    self.stdout.write(f"  {row.number}: {row.message}")
                self.stdout.write(f"Rejected rows written to {errors_path}. Nothing was written.")
                raise SystemExit(1)
            if not commit:
                self.stdout.write("Dry run: nothing was written (add --commit to write).")
                return
            try:
                summary = write(analysis, user=SYSTEM, filename=file.name)
            except ImportFileError as exc:
                raise CommandError(str(exc)) from None
            c = summary["counts"]
            self.stdout.write(
                self.style.SUCCESS(
                    f"Written: {c['new']} created, {c['updated']} updated, "
                    f"{c['unchanged']} unchanged."
                )
            )
