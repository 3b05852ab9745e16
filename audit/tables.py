"""The trail as django-tables2 tables: ``ChangeEntryTable`` and ``AccessEventTable``."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone

from audit.models import AccessEvent, ChangeEntry

#: A long change (a panel minute's summary) is cut on the page; the download has it whole.
SHOWN_CHARS = 300


class WhenColumn(tables.DateTimeColumn):
    """'3 Jul 2025 14:05' on the page, ISO 8601 (local time) in downloads."""

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("format", "j M Y H:i")
        kwargs.setdefault("attrs", {"td": {"class": "app-nowrap"}})
        super().__init__(verbose_name=verbose_name, **kwargs)

    def value(self, value):
        return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def changes_text(entry: ChangeEntry) -> str:
    """Each changed field as 'field: old → new' (or the records added to or taken from a many-to-many)."""
    parts = []
    for field, values in (entry.changes_dict or {}).items():
        if isinstance(values, dict):  # a many-to-many change
            objects = ", ".join(str(o) for o in values.get("objects", []))
            parts.append(f"{field}: {values.get('operation', '')} {objects}".strip())
        elif isinstance(values, (list, tuple)) and len(values) == 2:
            parts.append(f"{field}: {values[0]} \u2192 {values[1]}")
        else:
            parts.append(f"{field}: {values}")
    return "; ".join(parts)


class ChangeEntryTable(tables.Table):
    timestamp = WhenColumn("When")
    actor = tables.Column("Who", accessor="actor__username", default="(system or command)")
    action = tables.Column("Change")
    record_type = tables.Column("Record", accessor="content_type", orderable=False)
    object_repr = tables.Column("Which record", orderable=False)
    case_ref = tables.Column("Child", default="", attrs={"td": {"class": "app-nowrap"}})
    changes = tables.Column("What changed", accessor="changes", orderable=False, empty_values=())

    class Meta:
        model = ChangeEntry
        fields = ("timestamp", "actor", "action", "record_type", "object_repr", "case_ref", "changes")
        order_by = ("-timestamp",)
        empty_text = "No changes match these filters."

    def render_action(self, record):
        return record.get_action_display().capitalize()

    def value_action(self, record):
        return record.get_action_display()

    def render_record_type(self, record):
        model = record.content_type.model_class()
        return str(model._meta.verbose_name).capitalize() if model else record.content_type.model

    def value_record_type(self, record):
        return self.render_record_type(record)

    def render_changes(self, record):
        text = changes_text(record)
        return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "\u2026"

    def value_changes(self, record):
        return changes_text(record)


class AccessEventTable(tables.Table):
    at = WhenColumn("When")
    username = tables.Column("Who")
    kind = tables.Column("What")
    url_name = tables.Column("Page")
    object_id = tables.Column("Record id", default="")
    case_ref = tables.Column("Child", default="", attrs={"td": {"class": "app-nowrap"}})
    export_format = tables.Column("File", default="")
    status_code = tables.Column("Answer")

    class Meta:
        model = AccessEvent
        fields = ("at", "username", "kind", "url_name", "object_id", "case_ref", "export_format", "status_code")
        order_by = ("-at",)
        empty_text = "No views or downloads match these filters."

    def render_status_code(self, value):
        return {200: "Shown", 403: "Refused", 404: "Not found"}.get(value, str(value))
