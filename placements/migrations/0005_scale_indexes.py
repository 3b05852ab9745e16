"""Indexes for a region's data, each checked with EXPLAIN ANALYZE on bench/scale.py's 100,000-children
database (451,000 children, 841,000 placements, 2 million cost lines over ten years).

- ``costline_in_force_idx``: ``placements.selectors.in_force`` writes "in force on a day" as
  ``from <= day AND COALESCE(to, 9999-12-31) >= day``: one range on one expression, which the index leads
  with. PostgreSQL reads the ~100,000 lines still running on the day instead of scanning all 2 million
  (the weekly cost of every placement on a Sunday: 208 ms to 75 ms), and every column the sums read is in
  the index, so it never visits the table (an index-only scan). Key columns rather than INCLUDE, so that
  SQLite, which has no INCLUDE, builds the very same index.
- ``child_born_idx`` replaces the index on date of birth alone: "looked after" leaves out children who are
  18 or over on the day, found in the index with their key (an index-only scan, 131,000 entries in 13 ms
  where the table took 72 ms); counting who is looked after on a day, 190 ms to 111 ms.
"""

import datetime

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0004_searches"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="costline",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("date_to", models.Value(datetime.date(9999, 12, 31))),
                models.F("date_from"),
                models.F("date_to"),
                models.F("placement"),
                models.F("weekly_amount"),
                models.F("kind"),
                name="costline_in_force_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="child",
            name="placements__date_of_62076a_idx",
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(fields=["date_of_birth", "id"], name="child_born_idx"),
        ),
    ]
