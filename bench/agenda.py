"""Time (and optionally profile) the panel agenda builder on one of bench/scale.py's databases.

    source scripts/pg_test_cluster.sh
    .venv/bin/python bench/agenda.py --database placements_bench_100000 --repeat 5
    .venv/bin/python bench/agenda.py --database placements_bench_100000 --profile
    .venv/bin/python bench/agenda.py --database placements_bench_100000 --queries

As ``bench/scale.py`` times it: the meeting page's "Build the agenda" POST for the next planned meeting,
through Django's test client as a superuser, each run in a transaction rolled back afterwards, so every run
builds the agenda of a meeting that has none yet. Prints the median of ``--repeat`` runs (after one warm-up)
with the load average, the agenda's size and, apart, the candidates' selection alone
(``panel.selectors.agenda_candidates``). ``--profile`` prints cProfile's top functions for one run;
``--queries`` each statement's time in one run, slowest first. ``--checks``: each run also checks its deferred
foreign keys before it is rolled back (``SET CONSTRAINTS ALL IMMEDIATE``), as the real request's commit does (a
rolled-back run otherwise never checks them: the items' and the trail entries' keys, thousands of lookups).
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("PLAIN_STATIC_FILES", "true")

import django  # noqa: E402

django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--checks", action="store_true", help="check the deferred foreign keys, as a commit would")
    args = parser.parse_args()

    from datetime import date

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import Client

    from panel.choices import MeetingStatus
    from panel.models import PanelMeeting, PanelReview
    from panel.selectors import agenda_candidates

    connection.settings_dict["NAME"] = args.database
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    user = User.objects.filter(username="bench-scale").first() or User.objects.create_superuser("bench-scale")
    client = Client()
    client.force_login(user)
    meeting = (PanelMeeting.objects.filter(status=MeetingStatus.PLANNED, date__gte=date.today())
               .order_by("date").first())
    url = f"/panel/meetings/{meeting.pk}/build/"

    def build() -> tuple[float, int]:
        with transaction.atomic():
            started = time.perf_counter()
            response = client.post(url)
            if args.checks:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, response.status_code
            items = PanelReview.objects.filter(meeting=meeting).count()
            transaction.set_rollback(True)
        return elapsed, items

    build()  # warm up
    if args.profile:
        with transaction.atomic():
            profiler = cProfile.Profile()
            profiler.enable()
            client.post(url)
            profiler.disable()
            transaction.set_rollback(True)
        profiler.dump_stats("/tmp/agenda-build.prof")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        return
    if args.queries:
        timings = []

        def timer(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(((time.perf_counter() - started) * 1000, sql))

        with transaction.atomic(), connection.execute_wrapper(timer):
            client.post(url)
            transaction.set_rollback(True)
        for ms, sql in sorted(timings, reverse=True)[:12]:
            print(f"{ms:8.1f} ms  {sql[:300]}")
        print(f"{len(timings)} queries, {sum(ms for ms, _ in timings):.0f} ms in all")
        return
    runs, items = [], 0
    for _ in range(args.repeat):
        elapsed, items = build()
        runs.append(elapsed)
    selection = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        candidates = agenda_candidates(meeting.date)
        selection.append((time.perf_counter() - started) * 1000)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{args.database} agenda build POST{' (foreign keys checked)' if args.checks else ''} median {statistics.median(runs):7.0f} ms "
          f"(runs {', '.join(f'{run:.0f}' for run in runs)}); {items:,} items written, "
          f"{len(candidates):,} candidates; candidates alone {statistics.median(selection):.0f} ms; load {load}",
          flush=True)


if __name__ == "__main__":
    main()
