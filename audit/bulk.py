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

Both the records of a bulk create and the entries go through ``placements.bulk_insert`` (one ``COPY`` on
PostgreSQL, one ``executemany`` on SQLite) where it can write every column: the records from their instances,
the entries from plain values, with no entry instance each. What the request's context puts on an entry (who,
from where) is the same for every entry of one write: ``pre_save`` is sent once, for a first entry, and what
it set is written on all of them (``_EntryRows``).

The SSDA903 and other imports are the exception, by design: they write thousands of rows at once and
keep their own record of each change (the import and its history), logged as one import event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateTimeField, Field, JSONField, Model, QuerySet, prefetch_related_objects
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from django.utils import timezone

from audit.models import child_path
from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.diff import get_field_value, get_fields_in_model, model_instance_diff
from auditlog.registry import auditlog
from placements import bulk_insert


#: Types whose text ``smart_str`` gives is ``str(value)`` (it checks for bytes and lazy text first).
_AS_STR = frozenset({int, bool, float, Decimal, date, type(None)})


class _CreateDiff:
    """``model_instance_diff(None, record)`` for many records of one model: the fields compared and their
    "before" worked out once, then each record's value of a plain or JSON column read directly as auditlog
    reads it (its own ``get_field_value`` for the rest: dates and times, reverse relations, masked fields)."""

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
            if (field.name not in self.masked and isinstance(field, JSONField)
                    and type(field).to_python is Field.to_python):
                kind = "json"  # auditlog's value: the JSON text with sorted keys (the value if it has none)
            elif field.name not in self.masked and field.one_to_many and not field.concrete:
                # A reverse foreign key (a review's actions): auditlog's value is the text of the related manager,
                # "app.Model.None" whatever the record (``Manager.__str__``): made once, not a manager a record.
                kind = "reverse"
            elif field.name in self.masked or isinstance(field, (DateTimeField, JSONField)) or not field.concrete:
                kind = "auditlog"
            elif fk_as_key and (field.one_to_one or field.many_to_one) and hasattr(field, "rel_class"):
                kind = "key"
            else:
                kind = "plain"
            attribute = field.attname if kind == "key" else field.name
            encoder = (field.encoder or json.JSONEncoder)(sort_keys=True) if kind == "json" else None
            self.fields.append((field, kind, attribute, old, smart_str(old), encoder))
        #: Each reverse foreign key's value, the same for every record: worked out on the first record.
        self.reverse: dict[str, str] = {}

    def __call__(self, record: Model) -> dict | None:
        changes = {}
        values = record.__dict__
        for field, kind, attribute, old, old_text, encoder in self.fields:
            if kind == "reverse":
                new = self.reverse.get(attribute)
                if new is None:
                    new = self.reverse[attribute] = get_field_value(record, field)
            elif kind == "auditlog" or attribute not in values:
                if field.name in self.masked:
                    return model_instance_diff(None, record)
                if kind == "auditlog" and values.get(attribute, 0) is None and isinstance(field, DateTimeField):
                    new = None  # auditlog's value of an empty date and time (no conversion to make)
                else:
                    new = get_field_value(record, field)
            elif kind == "key":
                new = values[attribute]
                if type(new) is not int and new is not None:
                    new = smart_str(new, strings_only=True)
            elif kind == "json":
                new = values[attribute]
                try:
                    new = encoder.encode(new)  # json.dumps(new, sort_keys=True, cls=field.encoder), one encoder
                except TypeError:
                    pass
            else:
                new = values[attribute]
                kind_of = type(new)
                if kind_of is not str:
                    if kind_of in _AS_STR:
                        new = str(new)  # what smart_str gives, without its checks
                    else:
                        new = smart_str(new)
                        if type(new).__name__ == "__proxy__":
                            new = str(new)
            if old != new:
                changes[field.name] = (old_text, new if type(new) is str else smart_str(new))
        return changes or None


#: The entry's columns that differ from entry to entry of one write (the rest are the write's, or the context's).
_PER_ENTRY = ("id", "object_pk", "object_id", "object_repr", "changes", "case_ref", "timestamp")


class _EntryRows:
    """Entries of one write as plain rows for ``bulk_insert.insert_values``: the columns every entry shares
    (content type, action, correlation id, and what ``pre_save`` puts on an entry: auditlog's request context
    sets who and from where) worked out once, on a first entry made as the others would be made."""

    def __init__(self, LogEntry, content_type, action, cid):
        first = LogEntry(content_type=content_type, action=action, cid=cid)
        fields = [f for f in LogEntry._meta.concrete_fields if f.attname != "id"]
        unset = {f.attname: getattr(first, f.attname) for f in fields}
        pre_save.send(sender=LogEntry, instance=first, raw=False, using=LogEntry._default_manager.db,
                      update_fields=None)
        shared = {f.attname: getattr(first, f.attname) for f in fields}
        #: Whether a receiver set a column that differs from entry to entry: then each entry needs its own.
        self.per_entry_signal = any(shared[name] != unset[name] for name in _PER_ENTRY if name in shared)
        self.names = [f.attname for f in fields]
        self.shared = shared

    def row(self, **values) -> tuple:
        shared = self.shared
        return tuple([values[name] if name in values else shared[name] for name in self.names])


def _hold_related(model: type[Model], records: list[Model], names: list[str],
                  columns: dict[str, tuple[str, ...]] | None = None) -> None:
    """Each record's related records (its foreign keys ``names``) read once each, by key, and held on the records
    as ``prefetch_related_objects`` would hold them, without composing a lookup of one expression a key (for
    the agenda's 3,222 items that composing took longer than the reading). ``columns``: for a foreign key named
    there, the only columns its records are read with (what the record's name reads; the rest deferred)."""
    for name in names:
        field = model._meta.get_field(name)
        keys = {getattr(record, field.attname) for record in records if not field.is_cached(record)} - {None}
        if not keys:
            continue
        related = field.related_model._base_manager
        if columns and columns.get(name):
            related = related.only(*columns[name])
        found = related.in_bulk(list(keys), field_name=field.target_field.attname)
        for record in records:
            if not field.is_cached(record):
                key = getattr(record, field.attname)
                field.set_cached_value(record, None if key is None else found.get(key))


def _case_refs_of_created(records: list[Model], path: str) -> dict:
    """The case reference of the child each new record is about, through the related records it holds (read
    once each): what ``values_list(pk, f"{path}__case_ref")`` would read back, without reading it back."""
    steps = path.split("__") if path else []
    if len(steps) > 1:
        prefetch_related_objects(records, "__".join(steps))
    found = {}
    for record in records:
        child = record
        for step in steps:
            child = getattr(child, step) if child is not None else None
        found[record.pk] = child.case_ref if child is not None else None
    return found


def _write_entries(model: type[Model], action, pairs: list[tuple[Model | None, Model | None]],
                   fields: Iterable[str] | None = None) -> None:
    """One entry per (old, new) pair whose fields differ, all in one insert."""
    if not pairs or not auditlog.contains(model):
        return
    LogEntry = get_logentry_model()
    pks = [(new if new is not None else old).pk for old, new in pairs]
    # The records each one's name mentions, and the child each is about, in a few queries.
    direct = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    # A model may say which related records its name (``__str__``) reads: only those are read (any other it
    # read would be read record by record, the same entry written); as a mapping, with the columns read of each
    # (the name's and the child's case reference: any other column would be read record by record).
    named = getattr(model, "TRAIL_NAME_READS", None)
    if named is not None:
        direct = [name for name in direct if name in named]
    named_columns = named if isinstance(named, dict) else None
    path = child_path(model)
    if all(old is None for old, _new in pairs) and fields is None:
        # Created: the records are as written; their related records are read once each.
        shown = {new.pk: new for _old, new in pairs}
        _hold_related(model, list(shown.values()), direct, named_columns)
        case_refs = {} if path is None else _case_refs_of_created(list(shown.values()), path)
    else:
        shown = model._default_manager.select_related(*direct).in_bulk(pks)
        case_refs = {} if path is None else dict(
            model._default_manager.filter(pk__in=pks).values_list("pk", f"{path}__case_ref" if path else "case_ref"))
    content_type = ContentType.objects.get_for_model(model)
    json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    checked = list(fields) if fields is not None else None
    created = None
    if not json_changes and checked is None and all(old is None for old, _new in pairs):
        created = _CreateDiff(model, pairs[0][1])
    cid = get_cid()
    entry_rows = _EntryRows(LogEntry, content_type, action, cid)
    as_rows = not entry_rows.per_entry_signal and bulk_insert.can_insert(LogEntry, converted=True)
    entries = []
    for (old, new), pk in zip(pairs, pks):
        if created is not None:
            changes = created(new)
        else:
            changes = model_instance_diff(old, new, fields_to_check=checked, use_json_for_changes=json_changes)
        if not changes:
            continue
        # ``smart_str`` of a key and of a record is ``str`` of it (neither is bytes nor lazy text): called directly.
        values = dict(object_pk=str(pk) if type(pk) is int else smart_str(pk),
                      object_id=pk if isinstance(pk, int) else None,
                      object_repr=str(shown.get(pk, new or old)), changes=changes,
                      case_ref=case_refs.get(pk) or "")
        if as_rows:
            entries.append(entry_rows.row(timestamp=timezone.now(), **values))
            continue
        entry = LogEntry(content_type=content_type, action=action, cid=cid, **values)
        # auditlog's request context fills in who (and from where) on this signal, as for its own entries.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=LogEntry._default_manager.db,
                      update_fields=None)
        entries.append(entry)
    if as_rows:
        bulk_insert.insert_values(LogEntry, entry_rows.names, entries)
    else:
        LogEntry._default_manager.bulk_create(entries)


def bulk_create(model: type[Model], records: Sequence[Model], **options) -> list[Model]:
    """``model.objects.bulk_create(records)``, with a create entry for each record: the records written in one
    statement through ``placements.bulk_insert`` when it can write every column (the same rows and keys)."""
    with transaction.atomic():
        if not options and bulk_insert.can_insert(model, converted=True):
            records = list(records)
            bulk_insert.insert(model, records)
            created = records
        else:
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
