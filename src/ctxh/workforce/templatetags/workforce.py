"""Template helpers of the workforce pages."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def fast_select(bound_field):
    """A small ``<select>`` for a filter field, written in one pass (no template per option):
    the people list shows hundreds of organisations and wards on every request."""
    current = bound_field.value()
    current = "" if current is None else str(current)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == current else "", label)
            for value, label in bound_field.field.widget.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}" class="form-select form-select-sm">{}</select>',
        bound_field.html_name,
        bound_field.id_for_label,
        options,
    )
