"""Ofsted's register apart from the provider list (issue 19, item 4): the register's table, and each inspection's
link to its entry (filled by the next migration)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0017_child_name_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("urn", models.CharField(max_length=16, unique=True, verbose_name="Ofsted URN")),
                ("name", models.CharField(help_text="As Ofsted publishes it, or a placeholder where it is redacted.", max_length=200)),
                ("name_redacted", models.BooleanField(default=False, help_text="Ofsted redacts the name (every children's home).")),
                ("provision_type", models.CharField(blank=True, help_text="Ofsted's provision type, as published.", max_length=100)),
                ("provision", models.CharField(choices=[("fostering_agency", "Fostering agency"), ("childrens_home", "Children's home"), ("supported_accommodation", "Supported accommodation"), ("secure_home", "Secure children's home"), ("other", "Other arrangement")], default="other", max_length=30, verbose_name="provision kind")),
                ("sector", models.CharField(blank=True, max_length=50)),
                ("registration_status", models.CharField(blank=True, help_text="As published: Active, Suspended, Closed, Resigned or Cancelled.", max_length=30)),
                ("status", models.CharField(choices=[("active", "Active"), ("closed", "Closed, resigned or cancelled")], default="active", max_length=10)),
                ("local_authority", models.CharField(blank=True, max_length=100, verbose_name="local authority area")),
                ("region", models.CharField(blank=True, max_length=100)),
                ("postcode", models.CharField(blank=True, max_length=10)),
                ("postcode_key", models.CharField(blank=True, db_index=True, editable=False, max_length=10)),
            ],
            options={
                "verbose_name": "Ofsted register entry",
                "verbose_name_plural": "Ofsted register entries",
                "ordering": ["name", "urn"],
            },
        ),
        # The provider link may be empty until the next migration drops it (so each step can be reversed).
        migrations.AlterField(
            model_name="ofstedinspection",
            name="provider",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="inspections",
                                    to="placements.provider"),
        ),
        migrations.AddField(
            model_name="ofstedinspection",
            name="entry",
            field=models.ForeignKey(db_column="urn", null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="inspections", to="placements.registerentry", to_field="urn",
                                    verbose_name="register entry"),
        ),
    ]
