"""One bulk path for writing many new rows: keys taken first, then the rows in as few statements as possible.

``insert(model, objs)`` writes new records, as ``bulk_create`` would (the same rows, the same keys in the same
order), without Django's per-value preparation: it takes the keys from the table's own counter in one query,
gives each record its key (and each foreign key whose record was written just before, its key), then writes
the rows:

- **PostgreSQL**: ``COPY ... FROM STDIN`` (text format), one statement for all the rows; the keys come from the
  table's sequence (``nextval`` once a row, in one query), so a writer at the same time never takes the same.
- **SQLite** (and any other database): the same rows with their keys through ``executemany`` of one ``INSERT``;
  the keys follow the largest ever used (``sqlite_sequence``, which ``AUTOINCREMENT`` keeps, so a key of a row
  deleted is not used again). SQLite's transactions here are ``IMMEDIATE``: no other writer can come between.

Inside ``writing_behind()`` (an import's apply), the COPY statements run one after another on a thread of their own,
on the same connection and so in the same transaction, while the writer goes on working out the next table's rows;
any other statement of the writer's waits until they are done (``execute_wrapper``), so the statements run in the
order written, and the foreign keys are checked as each COPY ends (``SET CONSTRAINTS ALL IMMEDIATE``: on that thread
too) rather than all at the commit. A COPY that fails is raised to the writer at its next statement, or at the end
of the block.

Both fire the tables' triggers as any insert does (``placements.freshness``). It writes what the records hold.
Most columns go as they are; a few types are converted once a value, by a function chosen once a column, to what
Django's own save would send (``CONVERTED``): JSON as its text (``None`` is SQL NULL, as Django saves it), money
(``DecimalField``) as a ``Decimal``, a date and time as the database takes it (SQLite: naive, in UTC, as text),
an IP address (an empty one is NULL); a caller asks for them (``can_insert(model, converted=True)``: the agenda
builder and the trail's entries, ``audit.bulk``). Fields that Django fills at save (``auto_now``) and other types
are not handled, and such a model goes through ``bulk_create`` instead. Each row is returned as its line of COPY
text (``copy_lines``), the same text the row read back from the database gives when no column is converted, for
a caller that keeps a fingerprint of what it wrote (``placements.imports.journal``, which asks without).

The records written are unsaved model instances (any writer), or, for a writer that makes hundreds of thousands
of them, the plain records ``new(model, **values)`` makes: an object with the model's columns as attributes (the
values ``model(**values)`` would hold: every column set, defaults where not given, a record given for a foreign
key kept under the relation's name and its key read from it when written), without a model instance's weight.
A writer that needs real instances (the trail's entries name each record, ``audit.bulk``) makes them with
``instance(model, **values)``: ``model(**values)`` without the work ``Model.__init__`` does for each keyword.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

#: The field types written as the record holds them (a foreign key as its target's key).
SIMPLE = (models.AutoField, models.BigAutoField, models.CharField, models.TextField, models.DateField,
          models.IntegerField, models.BooleanField, models.ForeignKey)
#: The field types whose values are converted first, as Django's save converts them (``_converter``).
CONVERTED = (models.JSONField, models.DecimalField, models.DateTimeField, models.GenericIPAddressField)


def can_insert(model, *, converted: bool = False) -> bool:
    """Whether every column of ``model`` can be written as its records hold it; with ``converted``, also
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


# --- Plain records -------------------------------------------------------------------


class Record:
    """A new row of ``model``, as ``new`` makes it: the model's columns (attnames) as attributes, and for each
    foreign key the record it refers to under the relation's name (or None)."""

    __slots__ = ()
    _model: type
    #: The columns' attnames in the model's column order (``concrete_fields``).
    _names: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<new {self._model.__name__} {', '.join(f'{n}={getattr(self, n)!r}' for n in self._names)}>"


_classes: dict[type, type] = {}
_MISSING = object()


def record_class(model) -> type:
    """The class of ``model``'s plain records, made once: a constructor taking each column (by attname, or a
    foreign key by the relation's name given a record) with the model's defaults."""
    if model not in _classes:
        fields = list(model._meta.concrete_fields)
        relations = [field for field in fields if field.is_relation]
        names = tuple(field.attname for field in fields)
        namespace = {"_MISSING": _MISSING, "_fields": {field.attname: field for field in fields}}
        parameters, body = [], []
        for field in fields:
            if field.has_default() and callable(field.default):
                parameters.append(f"{field.attname}=_MISSING")
                body.append(f"self.{field.attname} = _fields[{field.attname!r}].get_default() "
                            f"if {field.attname} is _MISSING else {field.attname}")
                continue
            namespace[f"_default_{field.attname}"] = field.get_default()
            parameters.append(f"{field.attname}=_default_{field.attname}")
            if field.is_relation:
                parameters.append(f"{field.name}=None")
                body.append(f"self.{field.name} = {field.name}")
                body.append(f"self.{field.attname} = {field.attname} if {field.name} is None else {field.name}.pk")
            else:
                body.append(f"self.{field.attname} = {field.attname}")
        source = f"def __init__(self, *, {', '.join(parameters)}):\n    " + "\n    ".join(body) + "\n"
        exec(source, namespace)  # noqa: S102 (generated from the model's own field names)
        pk_name = model._meta.pk.attname
        _classes[model] = type(f"New{model.__name__}", (Record,), {
            "__slots__": names + tuple(field.name for field in relations), "__init__": namespace["__init__"],
            "_model": model, "_names": names, "__module__": __name__,
            "pk": property(attrgetter(pk_name), lambda self, value: setattr(self, pk_name, value))})
    return _classes[model]


def new(model, **values) -> Record:
    """A plain record of a new row of ``model``: see the module's docstring."""
    return record_class(model)(**values)


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


def instance(model, **values) -> models.Model:
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


# --- COPY text -----------------------------------------------------------------------


def _converter(field, connection) -> Callable | None:
    """What Django's save does to a value of ``field`` before the database driver sees it, as one function for
    the column (None: the value goes as it is). The result is what COPY's text or SQLite's driver takes."""
    if isinstance(field, models.JSONField):
        # Django's save writes None as SQL NULL (JSON null only from Value(None, JSONField())). One encoder for the
        # column: ``json.dumps(value, cls=encoder)`` makes one a value (a third of its time for a trail entry).
        encode = (field.encoder or json.JSONEncoder)().encode
        return lambda value: None if value is None else encode(value)
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
    """``text`` for COPY's text format (a backslash, tab, newline and carriage return escaped): most text holds
    none of the four characters, found at C speed; the rest are replaced a character at a time, the backslash
    first (``translate`` looks every character up in Python: 50 µs for a JSON text of a kilobyte)."""
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


def _generic_line(row: tuple) -> str:
    return "\t".join([_copy_value(value) for value in row]) + "\n"


class _DateText(dict):
    """A date's ISO text, remembered (a return writes the same few thousand days over and over); only a date: a
    datetime (or anything else) is not one of its keys, and the row is written by ``_copy_value``."""

    def __missing__(self, day):
        if day.__class__ is not date:
            raise KeyError(day)
        if len(self) > 100_000:
            self.clear()
        text = self[day] = day.isoformat()
        return text


_line_writers: dict[tuple, object] = {}


def _line_writer(fields: list):
    """A function giving a row's line of COPY text, made once for these columns: the line as one f-string, each
    column by an expression chosen for its type (a key or number, a date, a flag, text), the same text as
    ``_copy_value`` gives; text is escaped only when it holds a character COPY escapes. A row holding a value of
    another type than its column's is written by ``_copy_value`` throughout."""
    key = tuple(fields)
    if key not in _line_writers:
        parts, texts, prepare = [], [], []
        for index, field in enumerate(fields):
            value = f"v{index}"
            if isinstance(field, models.BooleanField):
                parts.append(f"{{N if {value} is None else 't' if {value} is True else 'f' if {value} is False "
                             f"else C({value})}}")
            elif isinstance(field, (models.CharField, models.TextField)):
                # Text as it is when it is a str (escaped below if need be), a choice's value as its str (T); anything
                # else (None, a number) is not a str, and the row is written by _copy_value.
                prepare.append(f"{value} = {value} if {value}.__class__ is str else T({value})")
                texts.append(value)
                parts.append(f"{{{value}}}")
            elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                parts.append(f"{{N if {value} is None else D[{value}]}}")
            elif isinstance(field, (models.IntegerField, models.AutoField, models.ForeignKey)):
                parts.append(f"{{N if {value} is None else I({value})}}")
            else:
                parts.append(f"{{C({value})}}")
        values = ", ".join(f"v{index}" for index in range(len(fields)))
        lines = ["def line(row):", f"    {values}{',' if len(fields) == 1 else ''} = row", *[f"    {p}" for p in prepare]]
        if texts:
            # A backslash, tab, newline or carriage return in any text: the row escaped value by value.
            lines += [f"    t = {' + '.join(texts)}",
                      "    if '\\\\' in t or '\\t' in t or '\\n' in t or '\\r' in t:",
                      "        return slow(row)"]
        lines.append('    return f"' + "\\t".join(parts) + '\\n"')
        namespace = {"N": "\\N", "C": _copy_value, "T": str.__str__, "D": _DateText(), "I": int.__repr__,
                     "slow": _generic_line}
        exec("\n".join(lines) + "\n", namespace)  # noqa: S102 (generated from the columns' types)
        fast = namespace["line"]

        def line(row, fast=fast):
            try:
                return fast(row)
            except (AttributeError, KeyError, TypeError):  # a value not of its column's type
                return _generic_line(row)

        _line_writers[key] = line
    return _line_writers[key]


def copy_lines(model, rows: Sequence[tuple], names: list[str] | None = None) -> list[str]:
    """Each row (values of the columns ``names``, attnames, by default every column of ``model`` in order) as its
    line of COPY text: the same text for a row as written and as read back from the database."""
    fields = ([model._meta.get_field(name) for name in names] if names is not None
              else list(model._meta.concrete_fields))
    line = _line_writer(fields)
    return [line(row) for row in rows]


# --- Writing -------------------------------------------------------------------------


def take_keys(model, count: int, using: str) -> list[int]:
    """``count`` new keys for ``model``'s table, in ascending order."""
    if count == 0:
        return []
    connection = connections[using]
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once (worked out for each row, its name costs more than the key), then taken one a
            # row (another writer's keys may come between), given back as runs of consecutive keys: a few rows rather
            # than one a key.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT MIN(key), MAX(key) FROM (SELECT key, key - ROW_NUMBER() OVER (ORDER BY key) AS run "
                "FROM (SELECT nextval(%s::regclass) AS key FROM generate_series(1, %s)) AS taken"
                ") AS numbered GROUP BY run ORDER BY 1", [sequence, count])
            return [key for first, last in cursor.fetchall() for key in range(first, last + 1)]
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}")
        largest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            largest = max(largest, row[0] if row and row[0] else 0)
    return list(range(largest + 1, largest + 1 + count))


def link_keys(model, objs: Sequence, fields: list | None = None) -> None:
    """Each plain record's foreign keys (of ``fields``, else every column) read from the records they refer to,
    when those are given: as the rows are written, or before, once every record has its key (``give_keys``)."""
    for field in fields if fields is not None else model._meta.concrete_fields:
        if not field.is_relation:
            continue
        name, attname = field.name, field.attname
        for obj in objs:
            related = getattr(obj, name)
            if related is not None:
                if related.pk is None:
                    raise ValueError(f"{model.__name__}.{name}: the {field.related_model.__name__} it refers to "
                                     "has not been written yet.")
                setattr(obj, attname, related.pk)


def _values(model, objs: Sequence, fields: list) -> list[tuple]:
    """Each record's column values, a foreign key read from the record it refers to when that is given."""
    relations = [(index, field) for index, field in enumerate(fields) if field.is_relation]
    if objs and all(isinstance(obj, Record) for obj in objs):
        link_keys(model, objs, fields)
        values = attrgetter(*[field.attname for field in fields])
        return [values(obj) for obj in objs] if len(fields) > 1 else [(values(obj),) for obj in objs]
    rows = []
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


def _copy(cursor, sql: str, text: str) -> None:
    """``COPY ... FROM STDIN`` of ``text``, handed to the driver in one piece: psycopg2 reads its file a piece at
    a time (8 KB unless told), taking Python's lock for each, and on the writing-behind thread each piece then
    waits for the writer's thread to let go of it (every 5 ms): a table of 7 MB took seconds longer."""
    cursor.copy_expert(sql, io.StringIO(text), size=max(len(text), 8192))


class _Behind:
    """The COPY statements of one connection, run in order on a thread of their own."""

    def __init__(self, connection):
        self.raw = connection.connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-insert")
        self.pending: list[Future] = []

    def copy(self, sql: str, text: str) -> None:
        def run():
            with self.raw.cursor() as cursor:
                _copy(cursor, sql, text)
        self.pending.append(self.pool.submit(run))

    def wait(self) -> None:
        """Until every COPY given is done; the first that failed is raised."""
        pending, self.pending = self.pending, []
        for future in pending:
            future.exception()  # every one finished before any is raised
        for future in pending:
            future.result()

    def before_statement(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)


_behind = threading.local()


def _behind_for(using: str) -> _Behind | None:
    return getattr(_behind, "writers", {}).get(using)


@contextmanager
def writing_behind(using: str | None = None) -> Iterator[None]:
    """COPY statements written inside the block run on a thread of their own (see the module's docstring); on
    PostgreSQL only (elsewhere, and inside another such block, nothing changes). Call inside a transaction."""
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    if connection.vendor != "postgresql" or _behind_for(using) is not None:
        yield
        return
    connection.ensure_connection()
    writer = _Behind(connection)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    writers = _behind.__dict__.setdefault("writers", {})
    writers[using] = writer
    try:
        with connection.execute_wrapper(writer.before_statement):
            try:
                yield
            except BaseException as error:
                try:
                    writer.wait()
                except Exception as failed:  # the COPY's failure is what the writer's error followed from
                    raise failed from error
                raise
            writer.wait()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares its foreign keys
    finally:
        del writers[using]
        writer.pool.shutdown(wait=True)


def _write(model, fields: list, rows: list[tuple], lines: list[str] | None, using: str, *,
           table: str | None = None) -> None:
    """Write ``rows`` (their values converted already, ``_converted``), or on PostgreSQL their ``lines``, into
    the model's table (or ``table``, a table of the same columns)."""
    connection = connections[using]
    table = connection.ops.quote_name(table or model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if lines is None:
                line = _line_writer(fields)
                lines = [line(row) for row in rows]
            sql, text = f"COPY {table} ({columns}) FROM STDIN", "".join(lines)
            behind = _behind_for(using)
            if behind is not None:
                behind.copy(sql, text)
            else:
                _copy(cursor.cursor, sql, text)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def insert_values(model, names: list[str], rows: list[tuple], *, using: str | None = None) -> None:
    """Write rows given as plain values of the columns ``names`` (attnames; the key left to the database unless
    named), in one statement on PostgreSQL: for rows that need no records and no keys back. JSON, money and
    date-and-time columns take their Python values (``CONVERTED``)."""
    if not rows:
        return
    using = using or router.db_for_write(model)
    fields = [model._meta.get_field(name) for name in names]
    _write(model, fields, _converted(rows, fields, connections[using]), None, using)


def update(model, objs: Sequence, names: Sequence[str], *, using: str | None = None) -> None:
    """Write the columns ``names`` (field names) of these records already in the table, as ``bulk_update``
    writes them (a foreign key's record given, its key), in three statements whatever their number
    (``update_values``). The same columns as ``insert`` takes (``can_insert``; converted ones too)."""
    objs = list(objs)
    if not objs:
        return
    using = using or router.db_for_write(model)
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in names)]
    _update(model, fields, _converted(_values(model, objs, fields), fields, connections[using]), using)


def update_values(model, names: Sequence[str], rows: Sequence[tuple], *, using: str | None = None) -> None:
    """Write plain values of the columns ``names`` (attnames, the key first) to the rows with those keys.

    PostgreSQL: the rows go by COPY into a temporary table of those columns, then one ``UPDATE ... FROM`` it
    (Django's ``bulk_update`` writes a ``CASE`` of every key for each column, which PostgreSQL evaluates for
    every row: seconds of Python and of the database for a few thousand rows). Elsewhere, ``executemany`` of
    one ``UPDATE``."""
    if not rows:
        return
    using = using or router.db_for_write(model)
    fields = [model._meta.get_field(name) for name in names]
    _update(model, fields, _converted(list(rows), fields, connections[using]), using)


def _update(model, fields: list, rows: list[tuple], using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(fields[0].column)
    if connection.vendor != "postgresql":
        sets = ", ".join(f"{quote(field.column)} = %s" for field in fields[1:])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {key} = %s", [(*row[1:], row[0]) for row in rows])
        return
    temporary = f"bulk_update_{model._meta.db_table}"
    columns = ", ".join(quote(field.column) for field in fields)
    sets = ", ".join(f"{quote(field.column)} = u.{quote(field.column)}" for field in fields[1:])
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(temporary)} ON COMMIT DROP AS "
                       f"SELECT {columns} FROM {table} WITH NO DATA")
        _write(model, fields, rows, None, using, table=temporary)
        cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {quote(temporary)} AS u WHERE t.{key} = u.{key}")
        cursor.execute(f"DROP TABLE {quote(temporary)}")


def give_keys(model, objs: Sequence, *, using: str | None = None) -> None:
    """Give each record that has none a new key (as ``insert`` does first): a writer of several tables takes every
    table's keys before writing any, so that the writing is not held up by a query."""
    using = using or router.db_for_write(model)
    pk_attname = model._meta.pk.attname
    missing = [obj for obj in objs if getattr(obj, pk_attname) is None]
    for obj, key in zip(missing, take_keys(model, len(missing), using)):
        setattr(obj, pk_attname, key)


def insert(model, objs: Sequence, *, using: str | None = None) -> list[str]:
    """Write these new records of ``model`` (as ``bulk_create`` would: same rows, keys in the same order) and give
    each its key. Returns each row's line of COPY text (``copy_lines``), in the order given."""
    objs = list(objs)
    if not objs:
        return []
    using = using or router.db_for_write(model)
    fields = list(model._meta.concrete_fields)
    give_keys(model, objs, using=using)
    rows = _converted(_values(model, objs, fields), fields, connections[using])
    line = _line_writer(fields)
    lines = [line(row) for row in rows]
    _write(model, fields, rows, lines, using)
    for obj in objs:
        if not isinstance(obj, Record):
            obj._state.adding = False
            obj._state.db = using
    return lines
