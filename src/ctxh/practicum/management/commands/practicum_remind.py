"""``ctxh practicum_remind``: kept as an alias of ``ctxh remind`` (every periodic reminder
of the platform, the practicum's among them, and the daily digests). Older crontabs that
name it keep working; new ones run ``ctxh remind`` (see docs/deploy.md)."""

from __future__ import annotations

from ctxh.core.management.commands.remind import Command as RemindCommand


class Command(RemindCommand):
    help = "Alias of `ctxh remind`: every periodic reminder and the daily digests."
