"""The daily figures keep the dashboard's measures too (``placements.care.child_measures``: rule T's events,
new and ended placements, DfE's stability measures, framework placements and core fees, committed spend), and every child is
counted again with them."""

from django.db import migrations, models


def count_everyone(apps, schema_editor):
    from placements.care import daily

    daily.rebuild_all(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0026_segments_carry_place_code_and_move'),
    ]

    operations = [
        migrations.AddField(
            model_name='daychange',
            name='ceases',
            field=models.IntegerField(default=0, help_text="Rule T's ceases."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='core_framework_lines',
            field=models.IntegerField(default=0, help_text='Core fee lines in force, framework placements.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='core_framework_pence',
            field=models.BigIntegerField(default=0, help_text="Pence a week: those lines' sum."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='core_spot_lines',
            field=models.IntegerField(default=0, help_text='Core fee lines in force, spot placements.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='core_spot_pence',
            field=models.BigIntegerField(default=0, help_text="Pence a week: those lines' sum."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='entered',
            field=models.IntegerField(default=0, help_text='Runs of days looked after in placements of one category begun.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='framework',
            field=models.IntegerField(default=0, help_text='Looked after in a placement on a framework.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='left',
            field=models.IntegerField(default=0, help_text='Such runs ended.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='long_term',
            field=models.IntegerField(default=0, help_text="Looked after 2 years or more (measure 2's children of)."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='moves',
            field=models.IntegerField(default=0, help_text="Rule T's moves."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='new_costed',
            field=models.IntegerField(default=0, help_text='Those with a cost line in force on their first day.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='new_first_cost',
            field=models.BigIntegerField(default=0, help_text='Pence a week: their cost on their first day.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='new_placements',
            field=models.IntegerField(default=0, help_text='Placements begun with the child looked after in them.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='placements_ended',
            field=models.IntegerField(default=0, help_text='Placements whose looked-after days ended.'),
        ),
        migrations.AddField(
            model_name='daychange',
            name='same_placement',
            field=models.IntegerField(default=0, help_text="DfE stability measure 3's children."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='starts',
            field=models.IntegerField(default=0, help_text="Rule T's starts."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='three_in_two_years',
            field=models.IntegerField(default=0, help_text="DfE stability measure 2's children."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='three_in_year',
            field=models.IntegerField(default=0, help_text="DfE stability measure 1's children."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='under_16_long',
            field=models.IntegerField(default=0, help_text="Under 16, looked after 2½ years or more (measure 3's of)."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='committed_until',
            field=models.BigIntegerField(default=0, help_text="Those lines' pence times their last day's ordinal."),
        ),
        migrations.AddField(
            model_name='daychange',
            name='committed_weekly',
            field=models.BigIntegerField(default=0, help_text='Pence a week: lines committed on (rule C4).'),
        ),
        migrations.RunPython(count_everyone, migrations.RunPython.noop, elidable=False),
    ]
