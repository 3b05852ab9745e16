"""The monthly residential tracker for a scheduled job: the same figures and rows as the page.

    manage.py residential_tracker --month 2024-03 --format json
"""

import json

from django import forms
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements import exports as files
from tracker import exports, selectors
from tracker.forms import parse_month


class Command(BaseCommand):
    help = "Write the monthly residential tracker: csv (children in residential), xlsx (every table) or json."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output; needed for xlsx).")

    def handle(self, *args, month, format, output, **options):
        try:
            year, month_number = parse_month(month)
        except forms.ValidationError as error:
            raise CommandError(error.messages[0].replace("Enter a month", "--month must be a month"), returncode=2)
        tracker = selectors.residential_tracker(year, month_number, timezone.localdate())
        if format == "json":
            content = json.dumps(residential_json(tracker), indent=2) + "\n"
        elif format == "csv":
            content = files.as_csv(exports.residential_tables(tracker)[0])
        else:
            content = files.workbook(exports.residential_tables(tracker))
        files.write_output(self, content, output)


def residential_json(tracker: selectors.ResidentialTracker) -> dict:
    return {
        "month": f"{tracker.month_start:%Y-%m}",
        "as_at": tracker.as_at.isoformat(),
        "children_in_residential": len(tracker.placements),
        "new_residential_placements": [
            {
                "period": period.label,
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "placed": period.total,
                "by_age_band": period.by_band,
                "by_origin": period.by_origin,
                "summary": period.summary(),
            }
            for period in tracker.periods
        ],
    }
