"""Table rows of the period board, built in Python: a city has hundreds of facilities, and
rendering each of their cells through the template engine cost most of the page's time."""

from __future__ import annotations

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def count_rows(rows, *keys):
    """``<tr>`` rows: the row's name, then each of ``keys`` as a grouped number
    (23.912 in Vietnamese), right-aligned."""
    sep = get_format("THOUSAND_SEPARATOR")
    cells = "".join('<td class="text-end">{}</td>' for _key in keys)

    def values():
        for row in rows:
            yield (row["name"], *(f"{row[key] or 0:,}".replace(",", sep) for key in keys))

    return format_html_join("\n", "<tr><td>{}</td>" + cells + "</tr>", values())
