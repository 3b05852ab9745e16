"""The daily figures' tables (see ``placements.care.daily``): derived, never edited by hand."""

from __future__ import annotations

from django.db import models

#: The kinds of ``DayChange`` row (module constants: a migration's models have no class attributes).
APPENDED, CHANGES, OPENING = 0, 1, 2


class DayChange(models.Model):
    """A change, on ``day``, in the figures of one team, placement category and ownership, summed over
    children. Appended, never updated; a day's figures are the sum of every row up to it."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    team = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=30, blank=True)
    ownership = models.CharField(max_length=10, blank=True)
    looked_after = models.IntegerField(default=0)
    paid = models.IntegerField(default=0, help_text="Looked after in a placement with a weekly cost above 0.")
    cost = models.BigIntegerField(default=0, help_text="Pence a week: the looked-after children's placements.")
    charged = models.BigIntegerField(default=0, help_text="Pence a week: every placement covering the day.")
    # The dashboard's measures (``placements.care.child_measures``). Events, counted on their day and never taken
    # away (the events between two days are the difference of their sums):
    starts = models.IntegerField(default=0, help_text="Rule T's starts.")
    ceases = models.IntegerField(default=0, help_text="Rule T's ceases.")
    moves = models.IntegerField(default=0, help_text="Rule T's moves.")
    entered = models.IntegerField(default=0, help_text="Runs of days looked after in placements of one category begun.")
    left = models.IntegerField(default=0, help_text="Such runs ended.")
    new_placements = models.IntegerField(default=0, help_text="Placements begun with the child looked after in them.")
    new_costed = models.IntegerField(default=0, help_text="Those with a cost line in force on their first day.")
    new_first_cost = models.BigIntegerField(default=0, help_text="Pence a week: their cost on their first day.")
    placements_ended = models.IntegerField(default=0, help_text="Placements whose looked-after days ended.")
    # Levels, like looked after:
    three_in_year = models.IntegerField(default=0, help_text="DfE stability measure 1's children.")
    long_term = models.IntegerField(default=0, help_text="Looked after 2 years or more (measure 2's children of).")
    three_in_two_years = models.IntegerField(default=0, help_text="DfE stability measure 2's children.")
    under_16_long = models.IntegerField(default=0, help_text="Under 16, looked after 2½ years or more (measure 3's of).")
    same_placement = models.IntegerField(default=0, help_text="DfE stability measure 3's children.")
    framework = models.IntegerField(default=0, help_text="Looked after in a placement on a framework.")
    core_framework_lines = models.IntegerField(default=0, help_text="Core fee lines in force, framework placements.")
    core_framework_pence = models.BigIntegerField(default=0, help_text="Pence a week: those lines' sum.")
    core_spot_lines = models.IntegerField(default=0, help_text="Core fee lines in force, spot placements.")
    core_spot_pence = models.BigIntegerField(default=0, help_text="Pence a week: those lines' sum.")
    committed_weekly = models.BigIntegerField(default=0, help_text="Pence a week: lines committed on (rule C4).")
    committed_until = models.BigIntegerField(default=0, help_text="Those lines' pence times their last day's ordinal.")
    #: A child's change appended by a writer; the sum of changes on the day, written by compaction; or the sum of
    #: every change before ``day`` (the first of a month), written by compaction: a reader adds the opening
    #: figures of the month to the month's changes, not ten years of them.
    APPENDED, CHANGES, OPENING = APPENDED, CHANGES, OPENING
    kind = models.PositiveSmallIntegerField(default=APPENDED, choices=[
        (APPENDED, "a change appended"), (CHANGES, "the day's changes, compacted"), (OPENING, "opening figures")])

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["kind", "day"], name="daychange_kind_day_idx")]


class ChildDayChanges(models.Model):
    """One child's changes as they were last counted into ``DayChange`` (JSON text: day as an ordinal, team,
    category, ownership, then the four measures). Keyed by the child's id, not a foreign key: when a child
    is deleted, the next refresh of that id takes their changes away and then this row."""

    child_id = models.BigIntegerField(primary_key=True)
    changes = models.TextField()

    class Meta:
        default_permissions = ()
