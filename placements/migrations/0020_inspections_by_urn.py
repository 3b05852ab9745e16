"""Ofsted's register apart from the provider list (issue 19, item 4): inspections belong to register entries only."""

import django.db.models.deletion
from django.db import migrations, models

from placements import freshness


def reinstall_triggers(apps, schema_editor):
    # SQLite rebuilds a table to alter it, dropping its triggers; the data version must still move.
    freshness.install_triggers(schema_editor, freshness.watched_tables(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0019_inspections_to_register"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="ofstedinspection", name="one_inspection_per_provider_day"),
        migrations.RemoveIndex(model_name="ofstedinspection", name="placements__provide_06890d_idx"),
        migrations.AlterModelOptions(name="ofstedinspection", options={"ordering": ["entry_id", "-inspection_date"]}),
        migrations.RemoveField(model_name="ofstedinspection", name="provider"),
        migrations.AlterField(
            model_name="ofstedinspection",
            name="entry",
            field=models.ForeignKey(db_column="urn", on_delete=django.db.models.deletion.CASCADE,
                                    related_name="inspections", to="placements.registerentry", to_field="urn",
                                    verbose_name="register entry"),
        ),
        migrations.AddConstraint(
            model_name="ofstedinspection",
            constraint=models.UniqueConstraint(fields=("entry", "inspection_date"), name="one_inspection_per_entry_day"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
