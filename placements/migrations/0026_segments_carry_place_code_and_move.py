"""The care segments carry their placement's SSDA903 place code and rule T's events: whether they begin with a
start or a move and end with a cease (``placements.care.facts``, ``placements.care.events``), filled for every
segment in a few statements: a region's 840,000 segments without rebuilding every child."""

from django.db import migrations, models

#: The fill as it stood when this migration was written, frozen here (the live facts may name columns this
#: migration does not add). Temporary placements (T0-T4): moving into one, or back from one, is not a move.
FILL = [
    """
    UPDATE placements_caresegment AS s SET placement_place_code = p.place_code
    FROM placements_placement AS p WHERE p.id = s.placement_id
    """,
    """
    UPDATE placements_caresegment AS s SET begins_with_move = {true}
    WHERE s.placement_place_code NOT IN ('T0', 'T1', 'T2', 'T3', 'T4') AND EXISTS (
        SELECT 1 FROM placements_caresegment AS b
        WHERE b.child_id = s.child_id AND b."end" = s.start AND b.placement_id <> s.placement_id
          AND b.placement_place_code NOT IN ('T0', 'T1', 'T2', 'T3', 'T4'))
    """,
    # A start: looked after on the first day and not the day before, unless the records begin that day.
    """
    UPDATE placements_caresegment AS s SET begins_with_start = {true}
    WHERE NOT s.before_records AND NOT EXISTS (
        SELECT 1 FROM placements_caresegment AS b WHERE b.child_id = s.child_id AND b."end" = s.start)
    """,
    # A cease: looked after on the last day and not the day after.
    """
    UPDATE placements_caresegment AS s SET ends_with_cease = {true}
    WHERE s."end" IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM placements_caresegment AS n WHERE n.child_id = s.child_id AND n.start = s."end")
    """,
]


def fill(apps, schema_editor):
    true = "TRUE" if schema_editor.connection.vendor == "postgresql" else "1"
    for statement in FILL:
        schema_editor.execute(statement.format(true=true))


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0025_cost_lines_by_placement_with_amounts'),
    ]

    operations = [
        migrations.AddField(
            model_name='caresegment',
            name='begins_with_move',
            field=models.BooleanField(db_default=False, default=False, help_text='Rule T: the child moved into this placement on the first day.'),
        ),
        migrations.AddField(
            model_name='caresegment',
            name='placement_place_code',
            field=models.CharField(blank=True, db_default='', max_length=4),
        ),
        migrations.AddField(
            model_name='caresegment',
            name='begins_with_start',
            field=models.BooleanField(db_default=False, default=False, help_text='Rule T: the child started to be looked after on the first day.'),
        ),
        migrations.AddField(
            model_name='caresegment',
            name='ends_with_cease',
            field=models.BooleanField(db_default=False, default=False, help_text='Rule T: the child ceased to be looked after on the end day.'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='caresegment',
            index=models.Index(condition=models.Q(('begins_with_move', True)), fields=['start', 'child'], name='segment_move_idx'),
        ),
    ]
