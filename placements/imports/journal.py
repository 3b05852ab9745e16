"""What an import wrote, kept so that it can be undone exactly (issue 19).

Every apply writes through its plan's ``Journal``: ``bulk_create``, ``bulk_update`` and ``delete``
do the write and note, per table, the rows created, each changed row as it was before, and each
deleted row whole. ``seal()`` then notes a fingerprint of every row the import left behind, so an
undo can tell a row a person (or anything else) changed afterwards from one still as the import
wrote it. A row written through ``placements.bulk_insert`` (every table whose columns it can write) is
fingerprinted from the values written, which are the values the database gives back, rather than read
back; any other row the import created or changed is read back when sealing. The journal is plain JSON (``as_json`` / ``from_json``), stored on the import's
``ImportRecord``; ``placements.imports.history`` reads it to undo.

Values are written so that they read back exactly: dates and times in full ISO form (microseconds
kept), decimals as text, and each field's ``to_python`` turns them back.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring_ascii
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.db import models

from placements import bulk_insert

#: Rows read per query when a journal reads rows by key (within every database's limit on parameters).
CHUNK = 900


def _plain(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def fields_of(model) -> list:
    """The model's own columns, key first."""
    return [f for f in model._meta.concrete_fields]


def rows_of(model, pks: Iterable) -> dict[int, dict]:
    """The rows with these keys as stored now, each as ``{column attname: plain value}``."""
    names = [f.attname for f in fields_of(model)]
    found: dict[int, dict] = {}
    pks = sorted(set(pks))
    for start in range(0, len(pks), CHUNK):
        for values in model._base_manager.filter(pk__in=pks[start:start + CHUNK]).values_list(*names):
            row = {name: _plain(value) for name, value in zip(names, values)}
            found[row[model._meta.pk.attname]] = row
    return found


def fingerprint(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _json_value(value) -> str:
    """``json.dumps(_plain(value), default=str)`` for one column's value, without the general encoder."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, (datetime, date, time)):
        return f'"{value.isoformat()}"'
    return json.dumps(_plain(value), default=str)


class Fingerprints:
    """``fingerprint`` of many rows of one table given as values in column order (``fields_of``), the same
    text hashed: the keys sorted once, each value written as ``json.dumps`` writes it."""

    def __init__(self, model):
        fields = fields_of(model)
        names = [f.attname for f in fields]
        order = sorted(range(len(names)), key=names.__getitem__)
        self.columns = [(json.dumps(names[index]) + ": ", index, self._writer(fields[index])) for index in order]

    @staticmethod
    def _writer(field):
        """How a column's value is written, chosen once for its type (text and keys most often)."""
        if isinstance(field, (models.CharField, models.TextField)) and not field.null:
            return lambda value: encode_basestring_ascii(value) if type(value) is str else _json_value(value)
        if isinstance(field, (models.IntegerField, models.AutoField, models.ForeignKey)) and not isinstance(
                field, models.BooleanField):
            return lambda value: "null" if value is None else (int.__repr__(value) if type(value) is int
                                                               else _json_value(value))
        return _json_value

    def __call__(self, values: tuple) -> str:
        text = "{" + ", ".join([key + write(values[index]) for key, index, write in self.columns]) + "}"
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def instance_from(model, row: dict) -> models.Model:
    """A model instance holding a row as the journal kept it (each value read back by its field)."""
    return model(**{f.attname: f.to_python(row[f.attname]) if row[f.attname] is not None else None
                    for f in fields_of(model) if f.attname in row})


class Journal:
    """Per table (``app_label.model``): rows created, rows as they were before a change, rows deleted,
    and after ``seal()`` each touched row's fingerprint as the import left it."""

    def __init__(self, tables: dict | None = None):
        self.tables: dict[str, dict] = tables or {}
        #: Per table, the fingerprints of rows created through the bulk path, as written (kept until ``seal``).
        self._written: dict[str, dict[str, str]] = {}

    def _table(self, model) -> dict:
        return self.tables.setdefault(model._meta.label_lower,
                                      {"created": [], "before": {}, "deleted": {}, "after": {}})

    # --- Writing through the journal ---------------------------------------------------

    def bulk_create(self, model, objs: list, **kwargs) -> list:
        """Write new rows: through ``placements.bulk_insert`` when it can write every column of the table (one
        statement on PostgreSQL), else ``bulk_create``."""
        if not bulk_insert.can_insert(model):
            created = model.objects.bulk_create(objs, **kwargs)
            self.created(model, created)
            return created
        rows = bulk_insert.insert(model, objs)
        self.created(model, objs)
        written = self._written.setdefault(model._meta.label_lower, {})
        pk_index = [f.attname for f in fields_of(model)].index(model._meta.pk.attname)
        print_of = Fingerprints(model)
        for values in rows:
            written[str(values[pk_index])] = print_of(values)
        return objs

    def created(self, model, objs: Iterable) -> None:
        pks = [obj.pk for obj in objs]
        if pks:
            self._table(model)["created"] += pks

    def bulk_update(self, model, objs: list, fields: list[str], **kwargs) -> None:
        self.changing(model, [obj.pk for obj in objs])
        model.objects.bulk_update(objs, fields, **kwargs)

    def changing(self, model, pks: Iterable) -> None:
        """Keep these rows as they are now, before they change (a row created by this import is not kept)."""
        pks = list(pks)
        if not pks:
            return
        table = self._table(model)
        fresh = set(table["created"])
        written = self._written.get(model._meta.label_lower, {})
        for pk in pks:  # created here and changed again: read back when sealing
            written.pop(str(pk), None)
        wanted = [pk for pk in pks if pk not in fresh and str(pk) not in table["before"]]
        table["before"].update({str(pk): row for pk, row in rows_of(model, wanted).items()})

    def delete(self, model, pks: Iterable) -> None:
        pks = list(pks)
        if not pks:
            return
        table = self._table(model)
        written = self._written.get(model._meta.label_lower, {})
        for pk in pks:
            written.pop(str(pk), None)
        table["deleted"].update({str(pk): row for pk, row in rows_of(model, pks).items()})
        model._base_manager.filter(pk__in=pks).delete()

    def seal(self) -> None:
        """Fingerprint every row created or changed, as the import leaves it."""
        for label, table in self.tables.items():
            model = apps.get_model(label)
            written = self._written.pop(label, {})
            touched = {pk for pk in table["created"] if str(pk) not in written} | {int(pk) for pk in table["before"]}
            after = {str(pk): fingerprint(row) for pk, row in rows_of(model, touched).items()}
            after.update(written)
            table["after"] = {pk: after[pk] for pk in sorted(after, key=int)}

    # --- Reading ------------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        return not any(t["created"] or t["before"] or t["deleted"] for t in self.tables.values())

    def as_json(self) -> dict:
        return self.tables

    @classmethod
    def from_json(cls, data: dict) -> Journal:
        return cls(data or {})
