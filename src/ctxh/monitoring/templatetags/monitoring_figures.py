"""How the monitoring pages write a figure: Vietnamese grouping (23.912), a decimal comma
for shares (45,5 %), a dash when unknown."""

from django import template
from django.utils.formats import number_format

register = template.Library()


def format_figure(value, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if unit == "percent":
        return number_format(round(float(value), 1), 1, use_l10n=True, force_grouping=True) + " %"
    number = float(value)
    if number == int(number):
        return number_format(int(number), 0, use_l10n=True, force_grouping=True)
    return number_format(round(number, 2), 2, use_l10n=True, force_grouping=True)


@register.filter
def figure(value, unit: str = ""):
    """``{{ value|figure:indicator.unit }}``."""
    return format_figure(value, unit)
