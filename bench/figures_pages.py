"""Time (and optionally profile) the figures pages on one of bench/scale.py's databases.

    source scripts/pg_test_cluster.sh
    .venv/bin/python bench/figures_pages.py --database placements_bench_1000 --repeat 5
    .venv/bin/python bench/figures_pages.py --database placements_bench_10000 --page dashboard --profile cold
    .venv/bin/python bench/figures_pages.py --database placements_bench_10000 --page weekly --queries

For each page: the median of ``--repeat`` first views after a change (the data version's epoch moved, so
nothing is remembered: ``bench.scale.data_changed``) and of views again, with the load average. ``--profile
cold|warm`` prints cProfile's top functions for one such request; ``--queries`` each statement's time in one
first view after a change, slowest first.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("PLAIN_STATIC_FILES", "true")

import django  # noqa: E402

django.setup()

from scale import data_changed  # noqa: E402

PAGES = {
    "dashboard": "/tracker/dashboard/",
    "weekly": "/tracker/weekly/",
    "weekly-by-name-page-5": "/tracker/weekly/?sort=name&page=5",
    "residential": "/tracker/residential/",
    "unregulated": "/tracker/unregulated/",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--page", action="append", choices=sorted(PAGES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=["cold", "warm"])
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args()

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    connection.settings_dict["NAME"] = args.database
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    user = User.objects.filter(username="bench-scale").first() or User.objects.create_superuser("bench-scale")
    client = Client()
    client.force_login(user)
    for name in args.page or ["dashboard", "weekly"]:
        url = PAGES[name]
        assert client.get(url).status_code == 200
        if args.profile:
            if args.profile == "cold":
                data_changed()
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(url)
            profiler.disable()
            profiler.dump_stats(f"/tmp/figures-{name}.prof")
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.print_callees("dashboard_figures|weekly_tracker|get_context_data")
            stats.sort_stats("tottime").print_stats(25)
            continue
        if args.queries:
            timings = []

            def timer(execute, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timings.append(((time.perf_counter() - started) * 1000, sql))

            data_changed()
            with connection.execute_wrapper(timer):
                client.get(url)
            for ms, sql in sorted(timings, reverse=True)[:12]:
                print(f"{ms:8.1f} ms  {sql[:400]}")
            print(f"{len(timings)} queries, {sum(ms for ms, _ in timings):.0f} ms in all")
            continue
        cold, warm = [], []
        for _ in range(args.repeat):
            data_changed()
            started = time.perf_counter()
            client.get(url)
            cold.append((time.perf_counter() - started) * 1000)
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - started) * 1000)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{args.database} {name:<24} after a change {statistics.median(cold):7.0f} ms   "
              f"viewed again {statistics.median(warm):6.0f} ms   load {load}", flush=True)


if __name__ == "__main__":
    main()
