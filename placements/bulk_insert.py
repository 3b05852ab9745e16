"""One bulk path for writing many new rows: keys taken first, then the rows in as few statements as possible.

``insert(model, objs)`` writes unsaved model instances, as ``bulk_create`` would (the same rows, the same keys
in the same order), without Django's per-value preparation: it takes the keys from the table's own counter in
one query, gives each instance its key (and each foreign key whose record was written just before, its key),
then writes the rows:

- **PostgreSQL**: ``COPY ... FROM STDIN`` (text format), one statement for all the rows; the keys come from the
  table's sequence (``nextval`` once a row, in one query), so a writer at the same time never takes the same.
- **SQLite** (and any other database): the same rows with their keys through ``executemany`` of one ``INSERT``;
  the keys follow the largest ever used (``sqlite_sequence``, which ``AUTOINCREMENT`` keeps, so a key of a row
  deleted is not used again). SQLite's transactions here are ``IMMEDIATE``: no other writer can come between.

Both fire the tables' triggers as any insert does (``placements.freshness``). It writes what the instances hold.
Most columns go as they are; a few types are converted once a value, by a function chosen once a column, to what
Django's own save would send (``CONVERTED``): JSON as its text (``None`` is SQL NULL, as Django saves it), money
(``DecimalField``) as a ``Decimal``, a date and time as the database takes it (SQLite: naive, in UTC, as text),
an IP address (an empty one is NULL); a caller asks for them (``can_insert(model, converted=True)``: the agenda
builder and the trail's entries, ``audit.bulk``). Fields that Django fills at save (``auto_now``) and other types
are not handled, and such a model goes through ``bulk_create`` instead. Each row is returned as the
instances' values in column order (JSON as the Python value, not its text), for a caller that keeps what it wrote
(``placements.imports.journal``).

``new(model, **values)`` makes the unsaved instance ``model(**values)`` makes (every column set, defaults
where not given, a record given for a foreign key kept as the instance's related record) without the work
``Model.__init__`` does for each keyword, for a writer that makes hundreds of thousands of them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

#: The field types written as the instance holds them (a foreign key as its target's key).
SIMPLE = (models.AutoField, models.BigAutoField, models.CharField, models.TextField, models.DateField,
          models.IntegerField, models.BooleanField, models.ForeignKey)
#: The field types whose values are converted first, as Django's save converts them (``_converter``).
CONVERTED = (models.JSONField, models.DecimalField, models.DateTimeField, models.GenericIPAddressField)
#: COPY's text format: a backslash, tab, newline and carriage return are written escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def can_insert(model, *, converted: bool = False) -> bool:
    """Whether every column of ``model`` can be written as its instances hold it; with ``converted``, also
    columns whose values are converted first (``CONVERTED``: JSON, money, dates and times, IP addresses).

    The import journal asks without: it keeps a fingerprint of each row as written and compares it later with
    the row read back, and a converted value does not read back as it was written (``Decimal("1200")`` reads
    back as ``Decimal("1200.00")``, a JSON object with its keys reordered)."""
    kinds = SIMPLE + CONVERTED if converted else SIMPLE
    for field in model._meta.concrete_fields:
        if not isinstance(field, kinds) or (not converted and isinstance(field, models.DateTimeField)):
            return False
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return False
        if field.is_relation and not isinstance(field.target_field, (models.AutoField, models.BigAutoField,
                                                                      models.IntegerField)):
            return False
    return True


_templates: dict[type, tuple[dict, dict, list, frozenset]] = {}


def _template(model) -> tuple[dict, dict, list, frozenset]:
    """Per model: each column's default (fixed ones), the foreign keys by name, the fields whose default is
    worked out for each instance (``default=list``), every column's attname."""
    if model not in _templates:
        fixed, called = {}, []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                called.append(field)
            else:
                fixed[field.attname] = field.get_default()
        relations = {field.name: field for field in model._meta.concrete_fields if field.is_relation}
        attnames = frozenset(field.attname for field in model._meta.concrete_fields)
        _templates[model] = (fixed, relations, called, attnames)
    return _templates[model]


def new(model, **values) -> models.Model:
    """``model(**values)``, made quickly: see the module's docstring."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    fixed, relations, called, attnames = _template(model)
    row = dict(fixed)
    for field in called:
        if field.attname not in values and field.name not in values:
            row[field.attname] = field.get_default()
    obj = model.__new__(model)
    state = obj._state = ModelState()
    for name, value in values.items():
        field = relations.get(name)
        if field is not None and name != field.attname:
            row[field.attname] = None if value is None else value.pk
            state.fields_cache[name] = value
        elif name in attnames:
            row[name] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument '{name}'")
    obj.__dict__.update(row)
    return obj


def take_keys(model, count: int, using: str) -> list[int]:
    """``count`` new keys for ``model``'s table, in ascending order."""
    if count == 0:
        return []
    connection = connections[using]
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(table), column, count])
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}")
        largest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            largest = max(largest, row[0] if row and row[0] else 0)
    return list(range(largest + 1, largest + 1 + count))


def _values(model, objs: Sequence[models.Model], fields: list) -> list[tuple]:
    """Each instance's column values, a foreign key read from the record it holds when only that is set."""
    rows = []
    relations = [(index, field) for index, field in enumerate(fields) if field.is_relation]
    attnames = [field.attname for field in fields]
    for obj in objs:
        values = obj.__dict__
        row = [values[name] for name in attnames]
        for index, field in relations:
            if row[index] is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{field.name}: the {field.related_model.__name__} it "
                                         "refers to has not been written yet.")
                    row[index] = values[field.attname] = related.pk
        rows.append(tuple(row))
    return rows


def _converter(field, connection) -> Callable | None:
    """What Django's save does to a value of ``field`` before the database driver sees it, as one function for
    the column (None: the value goes as it is). The result is what COPY's text or SQLite's driver takes."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        # Django's save writes None as SQL NULL (JSON null only from Value(None, JSONField())).
        return lambda value: None if value is None else json.dumps(value, cls=encoder)
    if isinstance(field, models.DecimalField):
        to_python = field.to_python  # a float or text as Django makes it a Decimal (its max_digits' precision)
        return lambda value: value if value is None or type(value) is Decimal else to_python(value)
    if isinstance(field, models.DateTimeField):
        prepare, adapt = field.get_prep_value, connection.ops.adapt_datetimefield_value
        return lambda value: None if value is None else adapt(prepare(value))  # naive ones warned and made aware
    if isinstance(field, models.GenericIPAddressField):
        prepare = field.get_prep_value  # IPv6 written in its short form, as Django saves it
        return lambda value: prepare(value) or None
    return None


def _converted(rows: list[tuple], fields: list, connection) -> list[tuple]:
    """The rows with each converted column's values converted (``_converter``); the rows themselves if none is."""
    converters = [(index, convert) for index, field in enumerate(fields)
                  if (convert := _converter(field, connection)) is not None]
    if not converters:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for index, convert in converters:
            row[index] = convert(row[index])
        out.append(tuple(row))
    return out


def _escaped(text: str) -> str:
    """``text`` for COPY's text format (``_COPY_ESCAPES``): most text holds none of the four characters, found
    at C speed; the rest are replaced a character at a time, the backslash first (``translate`` looks every
    character up in Python: 50 µs for a JSON text of a kilobyte)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _copy_text(rows: list[tuple], fields: list | None = None) -> str:
    """The rows in COPY's text format. With the fields, each column is written by a function chosen once for
    its type (most columns of most rows are text, a date or a key), the same text."""
    def column(field):
        if isinstance(field, (models.CharField, models.TextField)) and not field.null:
            return lambda value: _escaped(value) if type(value) is str else _copy_value(value)
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return lambda value: "\\N" if value is None else (value.isoformat() if type(value) is date
                                                               else _copy_value(value))
        if isinstance(field, (models.IntegerField, models.AutoField, models.ForeignKey)) and not isinstance(
                field, models.BooleanField):
            return lambda value: "\\N" if value is None else (int.__repr__(value) if type(value) is int
                                                               else _copy_value(value))
        return _copy_value

    if fields is None:
        return "".join("\t".join([_copy_value(value) for value in row]) + "\n" for row in rows)
    writers = [column(field) for field in fields]
    return "".join("\t".join([write(value) for write, value in zip(writers, row)]) + "\n" for row in rows)


def insert_values(model, names: list[str], rows: list[tuple], *, using: str | None = None) -> None:
    """Write rows given as plain values of the columns ``names`` (attnames; the key left to the database unless
    named), in one statement on PostgreSQL: for rows that need no instances and no keys back. JSON, money and
    date-and-time columns take their Python values (``CONVERTED``)."""
    if not rows:
        return
    using = using or router.db_for_write(model)
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in names]
    rows = _converted(rows, fields, connection)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN",
                                      io.StringIO(_copy_text(rows, fields)))
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def insert(model, objs: Sequence[models.Model], *, using: str | None = None) -> list[tuple]:
    """Write these new instances of ``model`` (as ``bulk_create`` would: same rows, keys in the same order) and
    give each its key. Returns each row's values in ``model``'s column order (``concrete_fields``)."""
    objs = list(objs)
    if not objs:
        return []
    using = using or router.db_for_write(model)
    fields = list(model._meta.concrete_fields)
    pk_attname = model._meta.pk.attname
    missing = [obj for obj in objs if obj.pk is None]
    for obj, key in zip(missing, take_keys(model, len(missing), using)):
        setattr(obj, pk_attname, key)
    rows = _values(model, objs, fields)
    insert_values(model, [field.attname for field in fields], rows, using=using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return rows
