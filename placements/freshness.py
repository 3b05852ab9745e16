"""Figures that need a region's data to compute, remembered until that data changes.

The weekly tracker, the unregulated and residential trackers and the dashboard each read every
placement in care on a day; with a region's 100,000 children that takes seconds (bench/results.md).
Most of the time nothing has changed since the last person looked, so each such figure is kept in
Django's cache under the **data version**: a counter in the one row of ``DataVersion`` that database
triggers raise, in the same transaction, on every insert, update, delete or truncate of a table of the
placements, tracker and panel apps. The first person to look after a change computes the figures again;
everyone after them reads them back. Nothing can write past the triggers (bulk inserts, imports, the
admin, the shell and raw SQL all fire them), so a remembered figure is never older than the data.

The version is read first, then the figures are computed: a change committed in between lands in data
newer than the version it is kept under, which the next reader (seeing the newer version) never uses.

On PostgreSQL one trigger per table fires once per statement; SQLite has only row triggers, three per
table. A writing transaction holds the version row until it commits, so two transactions that write at
once take turns at that point (an import waits for an officer's save, or the other way round).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

T = TypeVar("T")

#: The apps whose tables the figures read.
WATCHED_APPS = ("placements", "tracker", "panel")
#: Their tables that no figure reads (and the version's own table).
#: (A saved forecast scenario is read only as settings handed to the forecast: saving one changes no figure.)
NOT_WATCHED = {"placements_dataversion", "placements_importupload", "placements_caresegment", "tracker_scenario"}
#: How long a remembered figure is kept at most, even if nothing changes (a day: seconds).
KEPT_FOR = 24 * 60 * 60

TABLE = "placements_dataversion"
_BUMP_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION placements_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (id, version, changed_at) VALUES (1, 1, clock_timestamp()::text)
    ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1, changed_at = EXCLUDED.changed_at;
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
        for table in tables:
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
    """The version and when it moved: one indexed read of one row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, changed_at FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return f"{row[0]}@{row[1]}" if row else "0"


def remembered(name: str, compute: Callable[..., T], *args) -> T:
    """``compute(*args)``, kept in the cache until the data version moves (or a day passes)."""
    # Hashed: any cache backend takes the key (memcached refuses spaces and long keys).
    key = "figures:" + hashlib.sha256(f"{name}|{data_version()}|{args!r}".encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute(*args)
        cache.set(key, value, KEPT_FOR)
    return value
