"""Figures that need a region's data to compute, remembered until that data changes.

The weekly tracker, the unregulated and residential trackers and the dashboard each read every
placement in care on a day; with a region's 100,000 children that takes seconds (bench/results.md).
Most of the time nothing has changed since the last person looked, so each such figure is kept in
Django's cache under the **data version**, which database triggers move, in the same transaction, on
every insert, update, delete or truncate of a table of the placements, tracker and panel apps. The first
person to look after a change computes the figures again; everyone after them reads them back. Nothing can
write past the triggers (bulk inserts, imports, the admin, the shell and raw SQL all fire them), so a
remembered figure is never older than the data.

- **PostgreSQL**: one trigger per table fires once per statement and *adds* a row to ``DataChange``. The
  version is the epoch (``DataVersion.version``), the number of change rows and the last row's id, read in
  one statement. Writers only insert, so no writer waits on another for the version (a long import does not
  hold up an officer's save, and two writers cannot deadlock over it). Within an epoch rows are only added,
  so every commit moves the count; the id tells apart two states with the same count (a rolled-back
  write's id is never reused). When the rows pass ``COMPACT_AT``, a reader clears them and moves the epoch.
- **SQLite** has one writer at a time anyway: row triggers (three per table) raise the one ``DataVersion``
  row, with the time it moved.

The version is read first, then the figures are computed: a change committed in between lands in data
newer than the version it is kept under, which the next reader (seeing the newer version) never uses.
"""

from __future__ import annotations

import hashlib
import re
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")

#: The apps whose tables the figures read.
WATCHED_APPS = ("placements", "tracker", "panel")
#: Their tables that no figure reads (and the version's own table).
#: (A saved forecast scenario is read only as settings handed to the forecast: saving one changes no figure.)
NOT_WATCHED = {"placements_dataversion", "placements_datachange", "placements_importupload",
               "placements_caresegment", "placements_daychange", "placements_childdaychanges", "placements_importrecord", "tracker_scenario"}
#: Tables derived from the watched ones, watched too on PostgreSQL, where a figure is kept under the versions of
#: only the tables it read (a figure that reads segments alone must see them change). SQLite's one version moves
#: with the writes they are derived from, and its row triggers would fire for every segment rebuilt.
DERIVED = ("placements_caresegment", "placements_daychange")
#: On PostgreSQL, the change rows kept before a reader clears them and moves the epoch.
COMPACT_AT = 5000
#: How long a remembered figure is kept at most, even if nothing changes (a day: seconds).
KEPT_FOR = 24 * 60 * 60

TABLE = "placements_dataversion"
CHANGES = "placements_datachange"
_BUMP_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION placements_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {CHANGES} ("table") VALUES (TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""
_BUMP_SQLITE = (f"INSERT INTO {TABLE} (id, version, changed_at) "
                "VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')) "
                "ON CONFLICT (id) DO UPDATE SET version = version + 1, changed_at = excluded.changed_at;")


def trigger_name(table: str, operation: str = "") -> str:
    return f"{table}_changed{'_' + operation.lower() if operation else ''}"


def install_triggers(schema_editor, tables: list[str]) -> None:
    """Make each table raise the data version when it changes (PostgreSQL or SQLite)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_BUMP_POSTGRESQL)
        existing = set(schema_editor.connection.introspection.table_names())
        for table in [*tables, *(derived for derived in DERIVED if derived in existing and derived not in tables)]:
            name = trigger_name(table)
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}_truncate" ON "{table}"')
            schema_editor.execute(f'CREATE TRIGGER "{name}" AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                                  "FOR EACH STATEMENT EXECUTE FUNCTION placements_data_changed()")
            schema_editor.execute(f'CREATE TRIGGER "{name}_truncate" AFTER TRUNCATE ON "{table}" '
                                  "FOR EACH STATEMENT EXECUTE FUNCTION placements_data_changed()")
    elif vendor == "sqlite":
        for table in tables:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                name = trigger_name(table, operation)
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                schema_editor.execute(f'CREATE TRIGGER "{name}" AFTER {operation} ON "{table}" '
                                      f"BEGIN {_BUMP_SQLITE} END")
    else:  # pragma: no cover - the app runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"No data-version triggers for {vendor}")


def watched_tables(apps) -> list[str]:
    """The tables whose changes move the data version (``apps``: a migration's app registry or the live one)."""
    return sorted(
        model._meta.db_table
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in NOT_WATCHED
    ) + sorted(  # many-to-many tables Django makes itself
        field.remote_field.through._meta.db_table
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    )


def tables_with_triggers() -> set[str]:
    """The tables that have a data-version trigger in this database (for the test that every table has one)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT event_object_table FROM information_schema.triggers "
                           "WHERE action_statement LIKE '%%placements_data_changed%%'")
        else:
            cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE ?",
                           [f"%{TABLE}%"])
        return {row[0] for row in cursor.fetchall()}


def data_version() -> str:
    """The version: on PostgreSQL the epoch, the count and the last id of the change rows (one statement, so
    one snapshot); on SQLite the one row's counter and when it moved."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT (SELECT version FROM {TABLE} WHERE id = 1), count(*), max(id) FROM {CHANGES}")
            epoch, count, last = cursor.fetchone()
            if count > COMPACT_AT:
                compact(last)
            return f"{epoch or 0}:{count}:{last or 0}"
        cursor.execute(f"SELECT version, changed_at FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return f"{row[0]}@{row[1]}" if row else "0"


def compact(up_to: int) -> None:
    """Clear the change rows up to ``up_to`` and move the epoch, together (PostgreSQL): the versions of the
    new epoch cannot be mistaken for any of the old one's. Rows of writers still running stay."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (id, version, changed_at) VALUES (1, 1, clock_timestamp()::text) "
                       f"ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1, "
                       "changed_at = EXCLUDED.changed_at")
        cursor.execute(f"DELETE FROM {CHANGES} WHERE id <= %s", [up_to])


def table_versions() -> tuple[int, dict[str, tuple[int, int]]]:
    """PostgreSQL: the epoch, and for each table changed in it the number of its change rows and the last one's
    id, in one statement (one snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT version FROM {TABLE} WHERE id = 1), c.\"table\", count(*), max(c.id) "
                       f"FROM {CHANGES} c GROUP BY c.\"table\"")
        rows = cursor.fetchall()
    if sum(row[2] for row in rows) > COMPACT_AT:
        compact(max(row[3] for row in rows))
    epoch = rows[0][0] if rows else _epoch()
    return epoch or 0, {table: (count, last) for _, table, count, last in rows}


def _epoch() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


#: A table of the watched apps named in a query (quoted or not, in FROM, JOIN or a subquery).
_TABLE_NAMED = re.compile(r"\b(?:placements|tracker|panel)_[a-z0-9_]+\b")
#: The tables read by each figure being computed, innermost last (a figure may use another).
_reading: ContextVar[tuple[set[str], ...]] = ContextVar("figures_reading", default=())


def _note_reads(tables) -> None:
    for reads in _reading.get():
        reads.update(tables)


def _record_tables(execute, sql, params, many, context):
    _note_reads(_TABLE_NAMED.findall(sql))
    return execute(sql, params, many, context)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the apps' Python code, worked out once a process: a figure computed by other code (before a
    deployment) is never given after it, whatever its data, by a cache that outlives the processes (a shared
    one). Its numbers might follow an old definition, and its shape an old class (a field added since)."""
    from django.conf import settings

    digest = hashlib.sha256()
    for app in ("placements", "tracker", "panel"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _key(*parts) -> str:
    """The cache key of a figure: its parts, the code that computed it (``code_version``) and the database it
    was read from (a cache shared by two deployments, or a process that moves between databases, must never
    give one database's figures for another's, whose versions may be the same numbers). Hashed: any cache
    backend takes the key (memcached refuses spaces and long keys)."""
    database = connection.settings_dict
    parts = (code_version(), connection.vendor, database.get("HOST"), database.get("PORT"),
             str(database.get("NAME")), *parts)
    return "figures:" + hashlib.sha256("|".join(repr(part) for part in parts).encode()).hexdigest()


def remembered(name: str, compute: Callable[..., T], *args) -> T:
    """``compute(*args)``, kept in the cache until the data it read changes (or a day passes).

    On PostgreSQL a figure is kept under the versions of the tables it read, and only those: the tables are
    the ones its queries named when it was last computed (a figure that uses another counts that one's
    tables too). A figure is a function of its arguments and of what it read, so until one of those tables
    changes it would read the same and give the same; a note on a search does not make the dashboard
    compute again. On SQLite any change does (one version for all).
    """
    if connection.vendor != "postgresql":
        key = _key(name, data_version(), args)
        value = cache.get(key)
        if value is None:
            value = compute(*args)
            cache.set(key, value, KEPT_FOR)
        return value

    epoch, versions = table_versions()  # before computing: a change made meanwhile is newer than this

    def key_for(tables) -> str:
        return _key(name, args, epoch, sorted((table, versions.get(table)) for table in tables))

    reads_key = _key("reads", name, args)
    tables = cache.get(reads_key)
    if tables is not None:
        value = cache.get(key_for(tables))
        if value is not None:
            _note_reads(tables)
            return value
    reads: set[str] = set()
    token = _reading.set((*_reading.get(), reads))
    try:
        with connection.execute_wrapper(_record_tables):
            value = compute(*args)
    finally:
        _reading.reset(token)
    tables = frozenset(reads)
    cache.set(reads_key, tables, KEPT_FOR)
    cache.set(key_for(tables), value, KEPT_FOR)
    _note_reads(tables)
    return value
