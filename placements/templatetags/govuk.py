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


#: Django's generic messages, and what GOV.UK asks for instead: say which field, and what to do.
_REQUIRED = "This field is required."
_INVALID = {"Enter a valid date.": "as a real date", "Enter a number.": "as a number",
            "Enter a whole number.": "as a whole number", "Enter a valid month.": "as a real month"}
_NO_ARTICLE = {"the", "a", "an", "your", "who", "why", "what", "how", "which", "where", "when", "whether"}
_KEEP_CAPITAL = {"Ofsted", "DoL", "PRF", "SSDA903", "URN", "IRO"}


def field_phrase(label: str) -> str:
    """'Date of birth' -> 'the date of birth'; 'Who confirmed permission' -> 'who confirmed permission'."""
    label = label.strip().rstrip(":")
    first, _, rest = label.partition(" ")
    if first not in _KEEP_CAPITAL and not first[1:2].isupper():
        first = first[:1].lower() + first[1:]
    phrase = f"{first} {rest}".strip()
    return phrase if first.lower() in _NO_ARTICLE else f"the {phrase}"


@register.simple_tag
def field_error(field, error) -> str:
    """The error as the summary and the field show it: the generic 'This field is required.' names the field
    ('Enter the date of birth'; 'Choose the sex' for a list), and so do Django's other generic messages."""
    text = str(error)
    label = str(field.label or field.name.replace("_", " "))
    choosing = field.widget_type.endswith("select") or field.widget_type in ("radioselect", "checkboxselectmultiple")
    if text == _REQUIRED:
        return f"{'Choose' if choosing else 'Enter'} {field_phrase(label)}"
    if text in _INVALID:
        return f"Enter {field_phrase(label)} {_INVALID[text]}"
    return text
