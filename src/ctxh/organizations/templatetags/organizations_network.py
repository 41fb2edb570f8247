"""Template helpers of the service-network pages."""

from django import template

register = template.Library()


@register.filter
def headcount_cells(period, groups):
    """A history row's figures in the order of the table's target-group columns."""
    return period.cells(groups)
