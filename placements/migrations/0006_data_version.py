"""The data version (``placements.freshness``): one row, and a trigger on every table the figures read
that raises it in the same transaction as any change."""

from django.db import migrations, models

from placements import freshness


def install(apps, schema_editor):
    freshness.install_triggers(schema_editor, freshness.watched_tables(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0005_scale_indexes"),
        ("panel", "0002_review_cost_avoidance"),
        ("tracker", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                ("changed_at", models.CharField(default="", help_text="When the version last moved, as the database wrote it.", max_length=40)),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="data_version_single_row")],
            },
        ),
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
    ]
