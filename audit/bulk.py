"""Trail entries for writes that Django's signals do not see: ``bulk_create``, ``bulk_update`` and a
queryset's ``update()``.

django-auditlog writes a ``ChangeEntry`` from each record's save and delete signals; a bulk write sends
none. Code that writes records in bulk (the agenda builder, placing a child, a search's optimistic lock)
calls these instead of the queryset methods, so every write is in the trail with who, when, the child and
each field's old and new value, in the same transaction as the write. The entries are made as auditlog makes
its own (its field differences; its actor, through the same ``pre_save`` signal its request context
listens to), and written in one statement, so a bulk write stays a few queries whatever its size. For a
create, whose "before" is the same for every record, the differences are worked out once a model and each
record's values read directly (``_CreateDiff``: the same changes as auditlog's ``model_instance_diff``, a
test compares them), as the agenda builder writes thousands at once.

The SSDA903 and other imports are the exception, by design: they write thousands of rows at once and
keep their own record of each change (the import and its history), logged as one import event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateTimeField, JSONField, Model, QuerySet, prefetch_related_objects
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from audit.models import child_path
from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.diff import get_field_value, get_fields_in_model, model_instance_diff
from auditlog.registry import auditlog


class _CreateDiff:
    """``model_instance_diff(None, record)`` for many records of one model: the fields compared and their
    "before" worked out once, then each record's value of a plain column read directly (auditlog's own
    ``get_field_value`` for the rest: dates and times, JSON, reverse relations, masked fields)."""

    def __init__(self, model: type[Model], sample: Model):
        fields = set(get_fields_in_model(sample))
        options = auditlog.get_model_fields(model)
        if options["include_fields"]:
            fields = [f for f in fields if f.name in options["include_fields"]]
        if options["exclude_fields"]:
            fields = [f for f in fields if f.name not in options["exclude_fields"]]
        self.masked = set(options["mask_fields"])
        fk_as_key = not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
        self.fields = []
        for field in fields:
            old = get_field_value(None, field)
            if field.name in self.masked or isinstance(field, (DateTimeField, JSONField)) or not field.concrete:
                kind = "auditlog"
            elif fk_as_key and (field.one_to_one or field.many_to_one) and hasattr(field, "rel_class"):
                kind = "key"
            else:
                kind = "plain"
            attribute = field.attname if kind == "key" else field.name
            self.fields.append((field, kind, attribute, old))

    def __call__(self, record: Model) -> dict | None:
        changes = {}
        values = record.__dict__
        for field, kind, attribute, old in self.fields:
            if kind == "auditlog" or attribute not in values:
                if field.name in self.masked:
                    return model_instance_diff(None, record)
                new = get_field_value(record, field)
            elif kind == "key":
                new = smart_str(values[attribute], strings_only=True)
            else:
                new = values[attribute]
                if type(new) is not str:
                    new = smart_str(new)
                    if type(new).__name__ == "__proxy__":
                        new = str(new)
            if old != new:
                changes[field.name] = (smart_str(old), smart_str(new))
        return changes or None


def _write_entries(model: type[Model], action, pairs: list[tuple[Model | None, Model | None]],
                   fields: Iterable[str] | None = None) -> None:
    """One entry per (old, new) pair whose fields differ, all in one insert."""
    if not pairs or not auditlog.contains(model):
        return
    LogEntry = get_logentry_model()
    pks = [(new if new is not None else old).pk for old, new in pairs]
    # The records each one's name mentions, and the child each is about, in a few queries.
    direct = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    if all(old is None for old, _new in pairs) and fields is None:
        # Created: the records are as written; their related records are read once each.
        shown = {new.pk: new for _old, new in pairs}
        prefetch_related_objects(list(shown.values()), *direct)
    else:
        shown = model._default_manager.select_related(*direct).in_bulk(pks)
    path = child_path(model)
    case_refs = {} if path is None else dict(
        model._default_manager.filter(pk__in=pks).values_list("pk", f"{path}__case_ref" if path else "case_ref"))
    content_type = ContentType.objects.get_for_model(model)
    json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    checked = list(fields) if fields is not None else None
    created = None
    if not json_changes and checked is None and all(old is None for old, _new in pairs):
        created = _CreateDiff(model, pairs[0][1])
    entries = []
    for (old, new), pk in zip(pairs, pks):
        if created is not None:
            changes = created(new)
        else:
            changes = model_instance_diff(old, new, fields_to_check=checked, use_json_for_changes=json_changes)
        if not changes:
            continue
        entry = LogEntry(content_type=content_type, object_pk=smart_str(pk), object_id=pk if isinstance(pk, int) else None,
                         object_repr=smart_str(shown.get(pk, new or old)), action=action, changes=changes,
                         cid=get_cid(), case_ref=case_refs.get(pk) or "")
        # auditlog's request context fills in who (and from where) on this signal, as for its own entries.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=LogEntry._default_manager.db,
                      update_fields=None)
        entries.append(entry)
    LogEntry._default_manager.bulk_create(entries)


def bulk_create(model: type[Model], records: Sequence[Model], **options) -> list[Model]:
    """``model.objects.bulk_create(records)``, with a create entry for each record."""
    with transaction.atomic():
        created = model._default_manager.bulk_create(records, **options)
        _write_entries(model, get_logentry_model().Action.CREATE, [(None, record) for record in created])
    return created


def bulk_update(records: Sequence[Model], fields: Sequence[str]) -> int:
    """``bulk_update(records, fields)``, with an update entry for each record whose fields changed."""
    if not records:
        return 0
    model = type(records[0])
    with transaction.atomic():
        before = model._default_manager.select_for_update().in_bulk([record.pk for record in records])
        written = model._default_manager.bulk_update(records, fields)
        _write_entries(model, get_logentry_model().Action.UPDATE,
                       [(before[record.pk], record) for record in records if record.pk in before], fields)
    return written


def update(queryset: QuerySet, **values) -> int:
    """``queryset.update(**values)`` (expressions such as ``F()`` included), with an update entry for each
    row it changed, its values read back after the write."""
    model = queryset.model
    with transaction.atomic():
        before = {record.pk: record for record in queryset.select_for_update()}
        if not before:
            return 0
        written = model._default_manager.filter(pk__in=list(before)).update(**values)
        after = model._default_manager.in_bulk(list(before))
        _write_entries(model, get_logentry_model().Action.UPDATE,
                       [(old, after[pk]) for pk, old in before.items() if pk in after], values.keys())
    return written
