"""The forms on a rendered page, read from its HTML as a browser would: each form's method, action and
fields (name, kind, the values offered), so tests can fill in whatever a page offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, date, number, file, month, ...
    values: list[str] = field(default_factory=list)  # the options, radio or checkbox values, or the value shown
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def named(self, suffix: str) -> str:
        """The field whose name is ``suffix`` or ends with ``-suffix`` (a form with a prefix)."""
        for name in self.fields:
            if name == suffix or name.endswith(f"-{suffix}"):
                return name
        raise KeyError(f"no field {suffix!r} in the form to {self.action}: {sorted(self.fields)}")


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.page_url
            self.current = Form(method=(attrs.get("method") or "get").lower(), action=action.split("#")[0])
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            existing = self.current.fields.get(name)
            if existing and kind in ("radio", "checkbox"):
                existing.values.append(attrs.get("value", "on"))
                existing.multiple = existing.multiple or kind == "checkbox"
            else:
                self.current.fields[name] = Field(name, kind, [attrs.get("value", "on" if kind in ("radio", "checkbox") else "")])
        elif tag == "textarea" and name:
            self.current.fields[name] = Field(name, "textarea", [""])
        elif tag == "select" and name:
            self.select = Field(name, "select", [], multiple="multiple" in attrs)
            self.current.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            self.select.values.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def page_forms(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
