"""The weekly placement tracker for a scheduled job: the same figures and rows as the page.

    manage.py weekly_tracker --week-ending 2024-03-10 --format json
    manage.py weekly_tracker --week-ending 2024-03-10 --format xlsx --output tracker.xlsx
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from placements import exports as files
from tracker import exports, selectors


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--week-ending must be a date as YYYY-MM-DD, not {value!r}.", returncode=2) from None


class Command(BaseCommand):
    help = "Write the weekly placement tracker: csv (open placements), xlsx (every table) or json (headline figures)."

    def add_arguments(self, parser):
        parser.add_argument("--week-ending", required=True, help="A Sunday (any other day means its week).")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output; needed for xlsx).")

    def handle(self, *args, week_ending, format, output, **options):
        day = parse_day(week_ending)
        from placements.rules import week_ending as sunday_of

        tracker = selectors.weekly_tracker(sunday_of(day))
        if format == "json":
            content = json.dumps(tracker.figures.as_json(), indent=2) + "\n"
        elif format == "csv":
            content = files.as_csv(exports.weekly_tables(tracker)[0])
        else:
            content = files.workbook(exports.weekly_tables(tracker))
        files.write_output(self, content, output)
