"""Template helpers shared by every page."""

from django import forms, template

register = template.Library()


@register.filter
def bs(bound_field, size: str = ""):
    """Render a form field's widget with the Bootstrap class its kind needs."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return bound_field.as_widget()
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
        css = "form-select"
    else:
        css = "form-control"
    if size:
        css += f" {css}-{size}" if css != "form-check-input" else ""
    existing = widget.attrs.get("class", "")
    if css.split()[0] in existing:
        return bound_field.as_widget()
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def filters_in_use(form) -> int:
    """How many of a filter form's fields other than the search box the query string sets
    (the number on the phone's "More filters" button, whose fields are folded away)."""
    data = form.data if form.is_bound else {}
    return sum(1 for name in form.fields if name != "q" and data.get(name) not in (None, ""))
