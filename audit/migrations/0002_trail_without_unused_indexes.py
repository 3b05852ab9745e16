"""Four of the trail's thirteen indexes that no query reads, dropped (PostgreSQL only; issue 17: every entry written
updates each index, and the agenda builder writes thousands at once).

- ``object_pk``, ``cid`` and ``case_ref`` each have a second index that Django makes for a text column on
  PostgreSQL, with ``varchar_pattern_ops``: read only by a ``LIKE 'prefix%'`` (``startswith``). Nothing searches
  the trail so: auditlog reads ``object_pk`` and ``cid`` by equality, the trail's search reads ``case_ref`` with
  ``iexact`` and the admin's search with ``icontains`` (``UPPER(...) LIKE '%...%'``: neither index serves those).
  Their plain indexes stay.
- ``actor_id`` alone: the index on ``(actor_id, timestamp)`` (``ChangeEntry.Meta.indexes``) serves every read by
  actor, and the update that empties the actor when a user is deleted.

SQLite has none of the first three (and keeps its actor index: it costs nothing there worth a migration). Undone,
the four are made again as Django made them.
"""

from django.db import migrations

INDEXES = {
    "audit_changeentry_object_pk_79049d45_like": '("object_pk" varchar_pattern_ops)',
    "audit_changeentry_cid_a0f0b709_like": '("cid" varchar_pattern_ops)',
    "audit_changeentry_case_ref_a8f476f7_like": '("case_ref" varchar_pattern_ops)',
    "audit_changeentry_actor_id_3e11b3da": '("actor_id")',
}


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def make_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "audit_changeentry" USING btree {columns}')


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(drop, make_again)]
