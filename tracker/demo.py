"""The demo authority's budgets: each year's budget is last year's spend plus 3% by category, so a
growing demand overspends as the paper describes. Called by load_demo (PLACEMENTS_DEMO_MODULES)."""

from datetime import date, timedelta
from decimal import Decimal

from placements import rules
from tracker import dashboard, frames
from tracker.models import Budget


def demo_remove() -> None:
    Budget.objects.filter(note=Budget.DEMO_NOTE).delete()


def demo_build(*, today: date, seed: int) -> None:
    fy_start = rules.financial_year_start(today)
    first = date(fy_start.year - 3, 4, 1)
    lines = frames.cost_line_frame(first, date(fy_start.year + 1, 3, 31))
    years = dashboard.financial_years(first, fy_start - timedelta(days=1))
    spend = frames.spend_by_period(lines, years, by="category")
    by_year: dict[int, dict[str, float]] = {}
    for row in spend.to_dict("records"):
        by_year.setdefault(row["start"].year, {})[row["category"]] = row["spend"]
    budgets = []
    for year in range(first.year + 1, fy_start.year + 1):
        if Budget.objects.filter(financial_year=year).exists():
            continue  # a real budget is never replaced
        for category, amount in sorted(by_year.get(year - 1, {}).items()):
            if amount > 0:
                budgets.append(Budget(financial_year=year, category=category, note=Budget.DEMO_NOTE,
                                      amount=Decimal(str(round(amount * 1.03, -3)))))
    Budget.objects.bulk_create(budgets)
