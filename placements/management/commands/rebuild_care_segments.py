"""Rebuild every child's looked-after segments and daily figures from their records (``placements.care``).

    manage.py rebuild_care_segments           rebuild, and say how many segments and daily figures differed
    manage.py rebuild_care_segments --check   only compare: exit 1 if either is out of step

The app keeps both in step itself; this is for after a write that went round it (raw SQL, a bulk
insert in the shell) and for the restore of an old backup.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from placements.care import daily, facts
from placements.care.store import care_segments_rebuild
from placements.models import CareSegment

#: Every column of a segment but its key, what it carries of its placement and child included.
FIELDS = ("child_id", "placement_id", "start", "end", "legal_status", "before_records", *facts.FIELDS)


def snapshot() -> set[tuple]:
    return set(CareSegment.objects.values_list(*FIELDS))


def figures_snapshot() -> set[tuple]:
    return set(daily.summed().items())


class Command(BaseCommand):
    help = "Rebuild the looked-after segments and daily figures of every child from their records (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only, write nothing; exit 1 if out of step.")

    def handle(self, *args, check, **options):
        before, figures_before = snapshot(), figures_snapshot()
        with transaction.atomic():
            care_segments_rebuild()
            after, figures_after = snapshot(), figures_snapshot()
            if check:
                transaction.set_rollback(True)
        differ = len(before ^ after)
        figures_differ = len({key for key, _ in figures_before ^ figures_after})
        if check and (differ or figures_differ):
            raise CommandError(f"{differ:,} segment(s) and {figures_differ:,} daily figure(s) are out of step with "
                               "the records: run rebuild_care_segments.", returncode=1)
        verb = "would change" if check else "changed"
        self.stdout.write(f"{len(after):,} looked-after segments; {differ:,} {verb}. "
                          f"{len(figures_after):,} days and groups of daily figures; {figures_differ:,} {verb}.")
