"""The sufficiency forecast's arithmetic at a region's scale, without a database (issue 18: under 5 seconds
cold at 100,000 looked after).

    .venv/bin/python bench/forecast_model.py --looked-after 100000 --months 60

Makes a synthetic region's segments as ``tracker.frames.placement_frame`` returns them (a steady
population: each month about 2% leave and as many come in, some move category), then times each step
of ``tracker.forecast.report.forecast_report`` after the query: the states at each month end, the flows,
the fit and the 200 simulated runs of the forecast, and the backtest. The query itself is the
dashboard's kind (bench/scale.py measures the page on PostgreSQL, SQL included).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--looked-after", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=60, help="Months of history.")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements_site.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    import numpy as np
    import pandas as pd

    from placements.choices import PlacementCategory
    from tracker.forecast.backtest import backtest
    from tracker.forecast import history as forecast_history
    from tracker.forecast.history import month_ends_between
    from tracker.forecast.model import projection

    rng = np.random.default_rng(args.seed)
    first = date(2020, 1, 1)
    month_ends = month_ends_between(first, date(2020 + args.months // 12, 1 + args.months % 12, 1))[:args.months]
    days = (month_ends[-1] - first).days
    # Children in care at the start, and newcomers at the rate that keeps the number steady (2% a month).
    stays = rng.exponential(50 * 30, args.looked_after * 3).astype(int) + 1
    starts = np.concatenate([rng.integers(-days, 0, args.looked_after), rng.integers(0, days, args.looked_after * 2)])
    children = len(starts)
    categories = rng.choice(PlacementCategory.values, children, p=[.3, .12, .25, .12, .01, .08, .02, .08, .02])
    # A third of the children move category once, halfway through their stay.
    movers = rng.random(children) < 1 / 3
    half = stays // 2
    start_day = pd.Timestamp(first) + pd.to_timedelta(starts, unit="D")
    end_day = start_day + pd.to_timedelta(stays, unit="D")
    middle = start_day + pd.to_timedelta(half, unit="D")
    born = start_day - pd.to_timedelta(rng.integers(0, 17 * 365, children), unit="D")
    ids = np.arange(children)
    frame = pd.concat([
        pd.DataFrame({"child_id": ids[~movers], "date_of_birth": born[~movers], "start": start_day[~movers],
                      "looked_after_until": end_day[~movers], "category": categories[~movers]}),
        pd.DataFrame({"child_id": ids[movers], "date_of_birth": born[movers], "start": start_day[movers],
                      "looked_after_until": middle[movers], "category": categories[movers]}),
        pd.DataFrame({"child_id": ids[movers], "date_of_birth": born[movers], "start": middle[movers],
                      "looked_after_until": end_day[movers],
                      "category": rng.choice(PlacementCategory.values, movers.sum())}),
    ], ignore_index=True)
    print(f"{children:,} children, {len(frame):,} segments, {len(month_ends)} month ends")

    started = time.perf_counter()
    history = forecast_history.states_from_frame(frame, month_ends)
    stamp = time.perf_counter()
    print(f"states at each month end: {stamp - started:.2f}s; looked after at the last: {history.stock[-1].sum():,}")
    flows = history.flows
    print(f"flows: {time.perf_counter() - stamp:.2f}s ({flows.shape})")
    stamp = time.perf_counter()
    projection(history, months=36, reference_months=24)
    print(f"fit, expected and 200 simulated runs of 36 months: {time.perf_counter() - stamp:.2f}s")
    stamp = time.perf_counter()
    backtest(history, reference_months=24)
    print(f"backtest: {time.perf_counter() - stamp:.2f}s")
    print(f"all after the query: {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    main()
