"""The approval page's entry rows, built in Python: an instructor may have hundreds of
entries waiting, and rendering each through the template engine cost most of the page."""

from __future__ import annotations

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag
def approval_rows(entries):
    """``<li>`` rows of waiting entries: date, hours, activity, how long waiting, the
    description, and the approve / comment / return controls (one form per group)."""
    approve, ret = gettext("Approve"), gettext("Return")
    placeholder = gettext("Comment for the student")
    days_cache: dict = {}
    weekday_cache: dict = {}

    def waiting(days):
        if days not in days_cache:
            days_cache[days] = ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {
                "days": days
            }
        return days_cache[days]

    def day(date):
        if date not in weekday_cache:
            weekday_cache[date] = date_format(date, "D d/m")
        return weekday_cache[date]

    def rows():
        for e in entries:
            yield (
                e.pk,
                day(e.date),
                number_format(e.hours.normalize()),
                e.get_activity_display(),
                waiting(e.waiting_days),
                e.description,
                e.pk,
                approve,
                e.pk,
                placeholder,
                placeholder,
                e.pk,
                ret,
            )

    return format_html_join(
        "\n",
        '<li class="list-group-item px-0"><input type="hidden" name="entry" value="{}">'
        "<strong>{}</strong> · {} h · {} · "
        '<span class="text-body-secondary">{}</span>'
        '<div class="text-break">{}</div>'
        '<div class="d-flex flex-wrap gap-1 mt-1">'
        '<button class="btn btn-success btn-sm" type="submit" name="one" value="{}">{}</button>'
        '<input class="form-control form-control-sm w-auto flex-grow-1" name="comment_{}" '
        'maxlength="1000" placeholder="{}" aria-label="{}">'
        '<button class="btn btn-outline-warning btn-sm" type="submit" name="return" '
        'value="{}">{}</button></div></li>',
        rows(),
    )


__all__ = ["approval_rows"]
