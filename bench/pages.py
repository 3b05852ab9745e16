"""Time each page on the database in use, and count its SQL queries.

    .venv/bin/python bench/pages.py                 # the demo in db.sqlite3 (scripts/serve builds it)
    DATABASE_URL=postgres://... .venv/bin/python bench/pages.py --repeat 20

Prints one row per page: median and 95th-percentile time over --repeat requests
through Django's test client (no network), and the number of SQL queries.
"""

import argparse
import os
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

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from panel.models import PanelMeeting  # noqa: E402
from placements.models import Child, Placement, PlacementSearch, Provider  # noqa: E402


def pages() -> list[tuple[str, str]]:
    child = Child.objects.filter(placements__end__isnull=True).order_by("pk").first()
    placement = Placement.objects.filter(end__isnull=True).order_by("pk").first()
    provider = Provider.objects.filter(ownership="external").order_by("pk").first()
    search = PlacementSearch.objects.order_by("-pk").first()
    meeting = PanelMeeting.objects.filter(status="held").order_by("-date").first()
    return [
        ("home", "/"),
        ("weekly tracker", "/tracker/weekly/"),
        ("weekly tracker workbook", "/tracker/weekly/?_export=workbook"),
        ("unregulated report", "/tracker/unregulated/"),
        ("residential tracker", "/tracker/residential/"),
        ("dashboard", "/tracker/dashboard/"),
        ("sufficiency forecast", "/tracker/forecast/"),
        ("searches worklist", "/placements/searches/"),
        ("search page", f"/placements/searches/{search.pk}/"),
        ("cost avoidance log", "/placements/cost-avoidance/"),
        ("panel", "/panel/"),
        ("panel meeting", f"/panel/meetings/{meeting.pk}/"),
        ("agenda pack", f"/panel/meetings/{meeting.pk}/pack/"),
        ("data quality", "/data-quality/"),
        ("children list", "/children/"),
        ("child page", f"/children/{child.pk}/"),
        ("placements list", "/placements/"),
        ("placements list, open, CSV", "/placements/?state=open&_export=csv"),
        ("placement page", f"/placements/{placement.pk}/"),
        ("providers list", "/providers/"),
        ("provider page", f"/providers/{provider.pk}/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench")
    client.force_login(user)
    engine = connection.vendor
    print(f"{Child.objects.count():,} children, {Placement.objects.count():,} placements on {engine}")
    print(f"{'page':<30} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, url in pages():
        client.get(url)  # warm up
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, f"{url}: {response.status_code}"
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{name:<30} {statistics.median(times):>10.0f} {p95:>8.0f} {len(queries):>8}")


if __name__ == "__main__":
    main()
