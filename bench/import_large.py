"""Benchmark: preview (plan) a ~19.5 MB, ~557,000-row costs file, and download its bad rows.

    .venv/bin/python bench/import_large.py [--rows 557141] [--keep]

Migrates a new SQLite database in ``bench/`` and loads the demo authority (made-up children only), then
for each of two files, each in a fresh process so that its peak memory is its own:

- ``unknown``: every row names a child not known here (the worst case for bad rows);
- ``good``: every row a new cost line of a demo placement (nothing bad).

prints the plan's time and the process's peak memory (``ru_maxrss``), and, for the file of bad rows,
the time and size of the bad-rows download (``/imports/<token>/bad-rows.csv``) through Django's test client.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "bench" / "import_large.sqlite3"
FOLDER = ROOT / "bench" / "import_large_files"


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements_site.settings")
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(rows: int) -> None:
    """Both files, from the demo authority's placements."""
    from placements.models import Placement

    FOLDER.mkdir(exist_ok=True)
    header = ["CHILD", "DECOM", "KIND", "DESCRIPTION", "WEEKLY_AMOUNT", "FROM", "TO"]
    with (FOLDER / "unknown.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for n in range(rows):
            writer.writerow([f"X{n}", "1/4/2021", "core", "Fee", "12.5", "1/4/2021", ""])
    placements = list(Placement.objects.select_related("child").order_by("pk"))
    with (FOLDER / "good.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for n in range(rows):
            placement = placements[n % len(placements)]
            writer.writerow([placement.child.case_ref, f"{placement.start.day}/{placement.start.month}/{placement.start.year}", "core",
                             f"E{n}", "1.5", f"{placement.start:%d/%m/%Y}", ""])


def run_case(case: str) -> None:
    """In this process: plan the file, then (for bad rows) download them; print the figures."""
    setup_django()
    from django.test import Client

    from placements.imports.base import SourceFile
    from placements.imports.costs import costs_plan
    from placements.models import ImportUpload
    from django.contrib.auth import get_user_model

    source = SourceFile.from_path(FOLDER / f"{case}.csv")
    before = peak_mb()
    started = time.perf_counter()
    plan = costs_plan([source])
    seconds = time.perf_counter() - started
    result = plan.result
    errors = getattr(result, "error_count", len(result.errors))
    print(f"{case}: {result.rows:,} rows, {len(source.data) / 1e6:.1f} MB: plan {seconds:.1f}s, "
          f"peak memory {peak_mb():,.0f} MB (before reading {before:,.0f} MB); "
          f"{errors:,} bad rows, {result.summary()}")
    del plan, result
    if case != "unknown":
        return
    user = get_user_model().objects.filter(is_superuser=True).first()
    token = secrets.token_urlsafe(32)
    ImportUpload.objects.filter(uploaded_by=user).delete()
    ImportUpload.objects.create(token=token, kind="costs", file_name=source.name, data=source.data, uploaded_by=user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for page in ("preview", "bad-rows.csv"):
        started = time.perf_counter()
        response = client.get(f"/imports/{token}/" + ("" if page == "preview" else page))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - started
        print(f"  {page}: HTTP {response.status_code}, {seconds:.1f}s, {len(body) / 1e6:.1f} MB, "
              f"peak memory now {peak_mb():,.0f} MB")
    ImportUpload.objects.filter(token=token).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=557_141)
    parser.add_argument("--keep", action="store_true", help="Keep the database and files to run again.")
    parser.add_argument("--reuse", action="store_true", help="Use the database and files kept by --keep.")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case)
        return
    if not args.reuse:
        DATABASE.unlink(missing_ok=True)
        setup_django()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        get_user_model().objects.create_superuser("bench", "bench@example.invalid", secrets.token_urlsafe(20))
        generate(args.rows)
    for case in ("unknown", "good"):
        subprocess.run([sys.executable, __file__, "--case", case], check=True)
    if not args.keep:
        DATABASE.unlink(missing_ok=True)
        for path in FOLDER.glob("*.csv"):
            path.unlink()
        FOLDER.rmdir()


if __name__ == "__main__":
    main()
