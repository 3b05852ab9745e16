"""The sufficiency forecast for a scheduled job: the same figures as the forecast page (issue 18, item 7).

    manage.py forecast --months 36 [--scenario NAME] --format csv|json|xlsx [--output FILE]
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements import exports as files
from placements.coverage import data_coverage
from tracker.forecast import exports
from tracker.forecast.report import DEFAULT_MONTHS, DEFAULT_REFERENCE_MONTHS, forecast_report_remembered
from tracker.forecast.scenarios import ScenarioSettings


class Command(BaseCommand):
    help = ("Write the sufficiency forecast: csv (a row per month and category), json (the rows and the "
            "backtest error per category) or xlsx (every table).")

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=DEFAULT_MONTHS, help="Months to forecast (1 to 120).")
        parser.add_argument("--scenario", help="The name of a saved scenario (default: the baseline).")
        parser.add_argument("--reference-months", type=int, default=DEFAULT_REFERENCE_MONTHS,
                            help="Months of history the rates are estimated from (12 to 120).")
        parser.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output; needed for xlsx).")

    def handle(self, *args, months, scenario, reference_months, format, output, **options):
        from tracker.models import Scenario

        if not 1 <= months <= 120:
            raise CommandError("--months must be from 1 to 120.", returncode=2)
        if not 12 <= reference_months <= 120:
            raise CommandError("--reference-months must be from 12 to 120.", returncode=2)
        settings = ScenarioSettings()
        if scenario:
            saved = Scenario.objects.filter(name=scenario).first()
            if saved is None:
                names = ", ".join(Scenario.objects.values_list("name", flat=True)) or "none saved"
                raise CommandError(f"No scenario is called {scenario!r} ({names}).", returncode=2)
            settings = saved.scenario_settings
        coverage = data_coverage(timezone.localdate())
        report = forecast_report_remembered(as_at=coverage.as_at, return_years=coverage.return_years, months=months,
                                            reference_months=reference_months, settings=settings)
        if not report.enough:
            self.stderr.write(report.reason)
        if format == "json":
            content = json.dumps(forecast_json(report), indent=2) + "\n"
        elif format == "csv":
            content = files.as_csv(exports.command_rows_table(report))
        else:
            content = files.workbook(exports.report_tables(report))
        files.write_output(self, content, output)


def forecast_json(report) -> dict:
    return {
        "as_at": report.as_at.isoformat(),
        "rows": report.rows(),
        "backtest": [{"category": row.category,
                      "mean_abs_pct_error": round(row.mean_abs_pct_error, 1)
                      if row.mean_abs_pct_error is not None else None} for row in report.backtest],
    }
