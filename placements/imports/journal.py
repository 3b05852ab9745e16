"""What an import wrote, kept so that it can be undone exactly (issue 19).

Every apply writes through its plan's ``Journal``: ``bulk_create``, ``bulk_update`` and ``delete``
do the write and note, per table, the rows created, each changed row as it was before, and each
deleted row whole. ``seal()`` then notes a fingerprint of every row the import left behind, so an
undo can tell a row a person (or anything else) changed afterwards from one still as the import
wrote it. The journal is plain JSON (``as_json`` / ``from_json``), stored on the import's
``ImportRecord``; ``placements.imports.history`` reads it to undo.

Two forms of fingerprint, both read by the undo (``from_json`` reads journals written before the second):

- ``after``: ``{key: fingerprint}``, the row read back as JSON and hashed (``fingerprint``): every row created
  or changed by a write other than the bulk path, and, in journals written before 2 December 2026, every row.
- ``written``: the rows created through ``placements.bulk_insert`` (every table whose columns it can write), as
  runs of consecutive keys ``[first, last, digests]``: ``digests`` holds, for each key of the run in order,
  ``DIGEST`` bytes of the SHA-256 of the row's line of COPY text (``bulk_insert.copy_lines``, the same text as
  written and as read back), base64. Nothing is read back to make them, and a region's import keeps a few
  megabytes rather than a JSON object of 270,000 keys.

The keys created are kept as runs too (``created_ranges``: ``[first, last]``; ``created``, a list of keys, in
journals written before), and ``from_json`` gives them back as a list either way.

Values are written so that they read back exactly: dates and times in full ISO form (microseconds
kept), decimals as text, and each field's ``to_python`` turns them back.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.db import models

from placements import bulk_insert

#: Rows read per query when a journal reads rows by key (within every database's limit on parameters).
CHUNK = 900
#: Bytes of a row's SHA-256 kept in ``written`` (48 bits: a changed row goes unnoticed once in 2**48).
DIGEST = 6


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


def instance_from(model, row: dict) -> models.Model:
    """A model instance holding a row as the journal kept it (each value read back by its field)."""
    return model(**{f.attname: f.to_python(row[f.attname]) if row[f.attname] is not None else None
                    for f in fields_of(model) if f.attname in row})


def digest(line: str) -> bytes:
    """The ``DIGEST`` bytes kept for a row written through the bulk path, from its line of COPY text."""
    return hashlib.sha256(line.encode()).digest()[:DIGEST]


def runs(keys: Iterable[int]) -> list[list[int]]:
    """Keys as runs of consecutive keys, ``[first, last]``, in the order given."""
    found: list[list[int]] = []
    for key in keys:
        if found and found[-1][1] + 1 == key:
            found[-1][1] = key
        else:
            found.append([key, key])
    return found


def written_changed(model, written: list) -> tuple[list[int], list[int]]:
    """Of the rows kept in ``written`` form: those no longer as the import wrote them, and those gone."""
    names = [f.attname for f in fields_of(model)]
    changed, gone = [], []
    for first, last, packed in written:
        prints = base64.b64decode(packed)
        rows = model._base_manager.filter(pk__gte=first, pk__lte=last).order_by("pk").values_list(*names)
        rows = list(rows)
        found = set()
        for row, line in zip(rows, bulk_insert.copy_lines(model, rows)):
            key = row[0]
            found.add(key)
            at = (key - first) * DIGEST
            if digest(line) != prints[at:at + DIGEST]:
                changed.append(key)
        gone += [key for key in range(first, last + 1) if key not in found]
    return changed, gone


class Journal:
    """Per table (``app_label.model``): rows created, rows as they were before a change, rows deleted,
    and after ``seal()`` each touched row's fingerprint as the import left it."""

    def __init__(self, tables: dict | None = None):
        self.tables: dict[str, dict] = tables or {}
        #: Per table, the digests of rows created through the bulk path, as written (kept until ``seal``).
        self._written: dict[str, dict[int, bytes]] = {}

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
        lines = bulk_insert.insert(model, objs)
        self.created(model, objs)
        written = self._written.setdefault(model._meta.label_lower, {})
        written.update(zip([obj.pk for obj in objs], map(digest, lines)))
        return objs

    def bulk_create_all(self, writes: list[tuple[type, list]]) -> None:
        """Several tables' new rows, in the order given (each may refer to those before it): every table's keys
        taken first (``take_keys``, unless every record has its key already: the caller took them), then each
        table written as ``bulk_create`` writes it, so that on PostgreSQL, inside ``bulk_insert.writing_behind``,
        a table's rows are worked out while the one before is written."""
        if any(obj.pk is None for _model, objs in writes for obj in objs):
            self.take_keys(writes)
        for model, objs in writes:
            self.bulk_create(model, objs)

    def take_keys(self, writes: list[tuple[type, list]]) -> None:
        """Give every new row of these tables that has none its key (``bulk_create_all`` does it first), and the
        plain records' foreign keys those of the records they refer to, so that what depends on the keys can be
        worked out before the rows are written."""
        for model, objs in writes:
            if bulk_insert.can_insert(model):
                bulk_insert.give_keys(model, objs)
        for model, objs in writes:
            if bulk_insert.can_insert(model) and objs and all(isinstance(obj, bulk_insert.Record) for obj in objs):
                bulk_insert.link_keys(model, objs)

    def created(self, model, objs: Iterable) -> None:
        pks = [obj.pk for obj in objs]
        if pks:
            self._table(model)["created"] += pks

    def bulk_update(self, model, objs: list, fields: list[str], **kwargs) -> None:
        """Change rows already here: through ``placements.bulk_insert.update`` when it can write every column of
        the table (three statements on PostgreSQL, whatever the number of rows), else ``bulk_update``."""
        self.changing(model, [obj.pk for obj in objs])
        if bulk_insert.can_insert(model):
            bulk_insert.update(model, objs, fields)
        else:
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
            written.pop(pk, None)
        wanted = [pk for pk in pks if pk not in fresh and str(pk) not in table["before"]]
        table["before"].update({str(pk): row for pk, row in rows_of(model, wanted).items()})

    def delete(self, model, pks: Iterable) -> None:
        pks = list(pks)
        if not pks:
            return
        table = self._table(model)
        written = self._written.get(model._meta.label_lower, {})
        for pk in pks:
            written.pop(pk, None)
        table["deleted"].update({str(pk): row for pk, row in rows_of(model, pks).items()})
        model._base_manager.filter(pk__in=pks).delete()

    def seal(self) -> None:
        """Fingerprint every row created or changed, as the import leaves it."""
        for label, table in self.tables.items():
            model = apps.get_model(label)
            written = self._written.pop(label, {})
            touched = {pk for pk in table["created"] if pk not in written} | {int(pk) for pk in table["before"]}
            after = {str(pk): fingerprint(row) for pk, row in rows_of(model, touched).items()}
            table["after"] = {pk: after[pk] for pk in sorted(after, key=int)}
            keys = sorted(written)
            table["written"] = []
            for first, last in runs(keys):
                packed = b"".join([written[key] for key in range(first, last + 1)])
                table["written"].append([first, last, base64.b64encode(packed).decode()])

    # --- Reading ------------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        return not any(t["created"] or t["before"] or t["deleted"] for t in self.tables.values())

    def as_json(self) -> dict:
        """The journal as stored: the keys created as runs (``created_ranges``)."""
        stored = {}
        for label, table in self.tables.items():
            table = dict(table)
            table["created_ranges"] = runs(table.pop("created"))
            stored[label] = table
        return stored

    @classmethod
    def from_json(cls, data: dict) -> Journal:
        """A journal as stored, in either form (see the module's docstring): ``created`` a list of keys, each
        table with ``written`` (empty in the old form)."""
        tables = {}
        for label, table in (data or {}).items():
            table = dict(table)
            ranges = table.pop("created_ranges", None)
            if ranges is not None:
                table["created"] = [key for first, last in ranges for key in range(first, last + 1)]
            table.setdefault("written", [])
            tables[label] = table
        return cls(tables)
