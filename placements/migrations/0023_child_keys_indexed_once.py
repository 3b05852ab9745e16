"""The child key of placements, episodes and legal-status periods loses its index of its own: each table's
(child, start/decom) index begins with it and serves every read by child, and an import of a region's return
kept three indexes that no query needed (issue 17 item 6). Only the index is dropped (the foreign keys stay as
they are; Django's AlterField would drop and re-add each constraint, checking every row again).

On PostgreSQL, the children's case reference also loses the ``varchar_pattern_ops`` index Django adds beside its
unique one for ``LIKE 'x%'``: no query here reads it (a case reference is found by equality, the unique index, or by
``icontains``, which no btree index serves)."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("placements_episode", "placements_episode_child_id_9f2a33b7"),
    ("placements_legalstatusperiod", "placements_legalstatusperiod_child_id_c50e6b2c"),
    ("placements_placement", "placements_placement_child_id_3e6c390d"),
]

CASE_REF_LIKE = "placements_child_case_ref_a181ef11_like"


def drop_case_ref_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{CASE_REF_LIKE}"')


def add_case_ref_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{CASE_REF_LIKE}" ON "placements_child" ("case_ref" varchar_pattern_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0022_care_segment_keys_indexed_once'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"', f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("child_id")')
                for table, index in INDEXES
            ] + [migrations.RunPython(drop_case_ref_like, add_case_ref_like)],
            state_operations=[
                migrations.AlterField(
                    model_name='episode',
                    name='child',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='episodes', to='placements.child'),
                ),
                migrations.AlterField(
                    model_name='legalstatusperiod',
                    name='child',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='legal_status_periods', to='placements.child'),
                ),
                migrations.AlterField(
                    model_name='placement',
                    name='child',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='placements', to='placements.child'),
                ),
            ],
        ),
    ]
