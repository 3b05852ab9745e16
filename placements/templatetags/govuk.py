"""Render Django form widgets with GOV.UK Frontend classes and ARIA links to their hint and error."""

from django import template

register = template.Library()

_CLASSES = {"textarea": "govuk-textarea", "checkbox": "govuk-checkboxes__input"}
_ERROR_CLASSES = {"textarea": " govuk-textarea--error", "checkbox": ""}
_NARROW = {"date": " govuk-input--width-10", "number": " govuk-input--width-10"}


@register.simple_tag
def govuk_widget(field):
    kind = field.widget_type
    is_select = kind.endswith("select")
    classes = "govuk-select" if is_select else _CLASSES.get(kind, "govuk-input")
    if field.errors:
        classes += " govuk-select--error" if is_select else _ERROR_CLASSES.get(kind, " govuk-input--error")
    classes += _NARROW.get(kind, "")
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {"class": classes}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
