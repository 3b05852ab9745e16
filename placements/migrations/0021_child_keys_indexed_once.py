"""The child key of placements, episodes and legal-status periods loses its index of its own: each table's
(child, start/decom) index begins with it and serves every read by child, and an import of a region's return
kept three indexes that no query needed (issue 17 item 6). Only the index is dropped (the foreign keys stay as
they are; Django's AlterField would drop and re-add each constraint, checking every row again)."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("placements_episode", "placements_episode_child_id_9f2a33b7"),
    ("placements_legalstatusperiod", "placements_legalstatusperiod_child_id_c50e6b2c"),
    ("placements_placement", "placements_placement_child_id_3e6c390d"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0020_inspections_by_urn'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"', f'CREATE INDEX "{index}" ON "{table}" ("child_id")')
                for table, index in INDEXES
            ],
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
