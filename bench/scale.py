"""Benchmark at scale: every listed page on PostgreSQL with 1,000, 10,000 and 100,000 children.

    source scripts/pg_test_cluster.sh          # a private PostgreSQL on port 5433; exports DATABASE_URL
    .venv/bin/python bench/scale.py --sizes 1000,10000,100000

For each size it makes (or reuses) a database of its own in the cluster of ``DATABASE_URL``
(``placements_bench_<size>``), builds the demo authority in it (``load_demo --children <size>
--years 10``: a decade of history), then requests each page ``--repeat`` times through Django's test
client signed in as a superuser (no network, no gunicorn) and reports, per page:

- the median and 95th-percentile time of the whole request (views, SQL, templates);
- the number of SQL queries;
- the time of the same SQL run alone: each statement the page ran, with its parameters, run again on a
  raw cursor (rows fetched) inside a transaction that is rolled back; the median of ``--repeat`` runs.
  Page time over SQL time is the page's own overhead (Python, templates) as a ratio.

The panel agenda builder is timed as the chair uses it: the meeting page's "Build the agenda" POST
(``/panel/meetings/<pk>/build/``) for the next planned meeting, which tests every looked-after child
against rules P (``panel.selectors.agenda_candidates``) and writes the agenda.

It also imports a generated SSDA903 return (``--import-episodes``, bench/import_ssda903.py's
generator) into a fresh database and reports episodes a second.

With ``--load-test`` it then runs ``bench/load.sh`` (50 signed-in users, busy and stress paces, and busy again
while SSDA903 returns are imported) and takes its summary from ``docs/load.md``.

It prints one table and writes it, with a description of the machine, to ``bench/results.md``, followed by
issue 17's targets at the largest size, each with the figure of the run this one replaces (the file's own
first table, or ``--before``'s) beside it; the file's earlier contents are kept below, under "Earlier runs".
A database is reused when it already holds the same demo (same size, years, seed and day);
``--rebuild`` builds it again. PostgreSQL only: the figures mean nothing on SQLite.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements_site.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("PLAIN_STATIC_FILES", "true")

#: Page time targets from issue 9.
TARGET_MEDIAN_MS = 300
TARGET_RATIO = 2.0
#: Issue 17's targets at the largest size, in ms: (first view after a change, viewed again); None: no target.
ISSUE_17_TARGETS = {
    "weekly tracker": (300, 150),
    "dashboard": (500, 150),
    "residential tracker": (300, 150),
    "unregulated report": (300, 150),
    "panel agenda builder (build POST)": (1000, None),
}
#: Issue 17's target for the SSDA903 import of 100,000 episodes into an empty database.
TARGET_EPISODES_A_SECOND = 10_000


@dataclass
class PageResult:
    size: int
    page: str
    url: str
    times_ms: list[float]
    queries: int
    sql_ms: float
    #: The same page when the data has just changed, so nothing is remembered (placements.freshness):
    #: the first person to look after any change waits this long. Empty for the POST.
    cold_times_ms: list[float] = field(default_factory=list)
    cold_queries: int = 0
    cold_sql_ms: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def ratio(self) -> float:
        return self.median / self.sql_ms if self.sql_ms else float("inf")

    @property
    def cold_median(self) -> float | None:
        return statistics.median(self.cold_times_ms) if self.cold_times_ms else None

    @property
    def cold_ratio(self) -> float | None:
        return self.cold_median / self.cold_sql_ms if self.cold_times_ms and self.cold_sql_ms else None


@dataclass
class SizeResult:
    size: int
    database: str
    counts: dict[str, int]
    build_seconds: float | None
    pages: list[PageResult] = field(default_factory=list)


# --- Databases ---------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def admin_cursor(base_url: str):
    """A cursor outside any transaction (CREATE DATABASE and VACUUM refuse to run in one)."""
    import psycopg2

    parts = urlsplit(base_url)
    connection = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                                  password=parts.password, dbname=parts.path.lstrip("/") or "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def demo_label(size: int, years: int, seed: int, today: date) -> str:
    return f"placements demo: children={size} years={years} seed={seed} today={today.isoformat()}"


def prepare_database(base_url: str, name: str, label: str, rebuild: bool, jit: bool) -> bool:
    """Create the database afresh unless it holds this very demo already; True when it must be built."""
    with admin_cursor(base_url) as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cursor.fetchone()
        must_build = row is None or rebuild or row[0] != label
        if must_build:
            # Dropping is quicker than the demo's own removal of a region's records.
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        # JIT compiles a query's expressions when its estimated cost is high: it takes longer than running
        # these queries does (README, "Benchmark at scale"), so production turns it off, and so does this.
        cursor.execute(f'ALTER DATABASE "{name}" SET jit = {"on" if jit else "off"}')
    return must_build


def run(command: list[str], url: str) -> None:
    environment = {**os.environ, "DATABASE_URL": url}
    subprocess.run(command, cwd=ROOT, env=environment, check=True)


def build(base_url: str, size: int, years: int, seed: int, today: date, rebuild: bool,
          jit: bool) -> tuple[str, float | None]:
    """Migrate the size's database and build the demo in it, unless it already holds this very demo."""
    name = f"placements_bench_{size}"
    url = with_database(base_url, name)
    label = demo_label(size, years, seed, today)
    must_build = prepare_database(base_url, name, label, rebuild, jit)
    python = sys.executable
    run([python, "manage.py", "migrate", "--verbosity", "0"], url)
    if not must_build:
        print(f"{name}: reusing the demo already built ({label})", flush=True)
        return name, None
    with admin_cursor(url) as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS NULL')  # half built until the end
    started = time.perf_counter()
    run([python, "manage.py", "load_demo", "--children", str(size), "--years", str(years), "--seed", str(seed),
         "--today", today.isoformat()], url)
    with admin_cursor(url) as cursor:
        # Fresh statistics and visibility maps, as autovacuum would leave them after a bulk load.
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table_name,) in cursor.fetchall():
            cursor.execute(f'VACUUM (ANALYZE) "{table_name}"')
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [label])
    return name, time.perf_counter() - started


# --- Timing ------------------------------------------------------------------------------


class StatementRecorder:
    """An execute wrapper keeping each statement with its parameters, to run them again alone."""

    def __init__(self):
        self.statements: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def sql_alone_ms(statements: list[tuple[str, object, bool]], repeat: int) -> float:
    """The median time of running the statements again on the database cursor, rows fetched, rolled back."""
    from django.db import connection, transaction

    runs = []
    for _ in range(repeat):
        with transaction.atomic():
            cursor = connection.cursor().cursor  # the driver's own cursor: no Django wrappers
            started = time.perf_counter()
            for sql, params, many in statements:
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
            runs.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return statistics.median(runs)


def data_changed() -> None:
    """Move the data version as any change would (placements.freshness), without changing any data."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO placements_dataversion (id, version, changed_at) VALUES (1, 1, clock_timestamp()::text) "
                       "ON CONFLICT (id) DO UPDATE SET version = placements_dataversion.version + 1, "
                       "changed_at = EXCLUDED.changed_at")


def timed(request, url: str, expected: int, method: str, repeat: int, before_each=None):
    """``repeat`` requests' times in ms, and the statements the last one ran."""
    from django.db import connection, transaction

    times = []
    recorder = StatementRecorder()
    for _ in range(repeat):
        if before_each:
            before_each()
        recorder.statements.clear()
        # A POST is rolled back afterwards, so each one (and its SQL run alone) starts from the same state:
        # for the agenda builder, a planned meeting with no agenda yet.
        with transaction.atomic() if method == "post" else nullcontext():
            with connection.execute_wrapper(recorder):
                started = time.perf_counter()
                response = request(url)
                if method == "post":
                    # The deferred foreign keys checked, as the request's commit would: a run rolled back never
                    # checks them otherwise (the agenda's items and trail entries: thousands of lookups).
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                times.append((time.perf_counter() - started) * 1000)
            if method == "post":
                transaction.set_rollback(True)
        assert response.status_code == expected, f"{url}: {response.status_code}"
    return times, list(recorder.statements)


def pages(today: date) -> list[tuple[str, str, str]]:
    """(name, method, url) of each page issue 9 lists, chosen the same way at every size."""
    from django.db.models import Count

    from panel.choices import MeetingStatus
    from panel.models import PanelMeeting
    from placements.models import Child

    # The looked-after child with the most placements: the longest child's page.
    child = (Child.objects.filter(placements__end__isnull=True).annotate(placement_count=Count("placements"))
             .order_by("-placement_count", "pk").first())
    meeting = PanelMeeting.objects.filter(status=MeetingStatus.PLANNED, date__gte=today).order_by("date").first()
    return [
        ("weekly tracker", "get", "/tracker/weekly/"),
        ("unregulated report", "get", "/tracker/unregulated/"),
        ("residential tracker", "get", "/tracker/residential/"),
        ("dashboard", "get", "/tracker/dashboard/"),
        ("sufficiency forecast", "get", "/tracker/forecast/"),
        ("panel agenda builder (build POST)", "post", f"/panel/meetings/{meeting.pk}/build/"),
        ("child's page", "get", f"/children/{child.pk}/"),
        ("placements list", "get", "/placements/"),
    ]


def measure(size: int, database: str, build_seconds: float | None, repeat: int, today: date) -> SizeResult:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import Client

    from panel.models import PanelReview
    from placements.models import Child, CostLine, Placement, PlacementSearch, Provider

    connection.close()
    connection.settings_dict["NAME"] = database
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    counts = {
        "looked after today": size,
        "children": Child.objects.count(),
        "placements": Placement.objects.count(),
        "cost lines": CostLine.objects.count(),
        "providers": Provider.objects.count(),
        "searches": PlacementSearch.objects.count(),
        "panel reviews": PanelReview.objects.count(),
    }
    result = SizeResult(size, database, counts, build_seconds)
    user = User.objects.filter(username="bench-scale").first() or User.objects.create_superuser("bench-scale")
    client = Client()
    client.force_login(user)
    for name, method, url in pages(today):
        request = getattr(client, method)
        expected = 302 if method == "post" else 200
        with transaction.atomic() if method == "post" else nullcontext():
            response = request(url)  # warm up
            if method == "post":
                transaction.set_rollback(True)
        assert response.status_code == expected, f"{url}: {response.status_code}"
        times, statements = timed(request, url, expected, method, repeat)
        page = PageResult(size, name, url, times, len(statements), sql_alone_ms(statements, repeat))
        if method == "get":
            # As the first person to look after a change: the data version moved, nothing remembered.
            page.cold_times_ms, statements = timed(request, url, expected, method, repeat, before_each=data_changed)
            page.cold_queries, page.cold_sql_ms = len(statements), sql_alone_ms(statements, repeat)
        cold = (f"  after a change: median {page.cold_median:6.0f} ms, {page.cold_queries} queries, SQL alone "
                f"{page.cold_sql_ms:5.0f} ms" if page.cold_times_ms else "")
        print(f"  {size:>7,}  {name:<36} median {page.median:6.0f} ms  p95 {page.p95:6.0f} ms  "
              f"{page.queries:3} queries  SQL alone {page.sql_ms:5.0f} ms  ratio {page.ratio:4.1f}{cold}", flush=True)
        result.pages.append(page)
    connection.close()
    return result


# --- SSDA903 import ----------------------------------------------------------------------


def import_rate(base_url: str, episodes: int) -> dict:
    """Import a generated return of ``episodes`` episodes into a fresh database: episodes a second."""
    from bench.import_ssda903 import generate

    name = "placements_bench_import"
    with admin_cursor(base_url) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = with_database(base_url, name)
    run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], url)
    with tempfile.TemporaryDirectory() as folder:
        header, episodes_file = generate(Path(folder), episodes)
        started = time.perf_counter()
        run([sys.executable, "manage.py", "import_ssda903", str(header), str(episodes_file)], url)
        seconds = time.perf_counter() - started
    return {"episodes": episodes, "seconds": seconds, "rate": episodes / seconds}


# --- Report ------------------------------------------------------------------------------


def load_average() -> str:
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


def machine() -> list[tuple[str, str]]:
    import django
    from django.db import connection

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")), 0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem'), current_setting('jit')")
        shared_buffers, work_mem, jit = cursor.fetchone()
    return [
        ("CPU", cpu),
        ("Cores", str(os.cpu_count())),
        ("Memory", f"{memory_kb / 1024 / 1024:.0f} GB"),
        ("System", f"{platform.system()} {platform.release()}"),
        ("PostgreSQL", f"{server}, on the same machine over TCP: shared_buffers {shared_buffers} and work_mem "
                       f"{work_mem} (the defaults), jit {jit}"),
        ("Python, Django", f"{platform.python_version()}, {django.get_version()}"),
    ]


def table(results: list[SizeResult]) -> list[str]:
    lines = ["| looked after | page | median ms | p95 ms | queries | SQL alone ms | page ÷ SQL "
             "| after a change: median ms | queries | SQL alone ms | page ÷ SQL |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        for page in result.pages:
            cold = (f"{page.cold_median:,.0f} | {page.cold_queries} | {page.cold_sql_ms:,.0f} | {page.cold_ratio:.1f}"
                    if page.cold_times_ms else "(a write: never remembered) | | |")
            lines.append(f"| {result.size:,} | {page.page} | {page.median:,.0f} | {page.p95:,.0f} | {page.queries} "
                         f"| {page.sql_ms:,.0f} | {page.ratio:.1f} | {cold} |")
    return lines


def report(results: list[SizeResult], imported: dict | None, args, machine_lines, started: float) -> str:
    lines = ["# Benchmark at scale", "",
             f"One run of `.venv/bin/python bench/scale.py --sizes {args.sizes} --repeat {args.repeat} "
             f"--years {args.years}` on {date.today():%-d %B %Y}, {time.perf_counter() - started:,.0f} seconds in all "
             "(see the README, \"Benchmark at scale\").", "", "## Machine", ""]
    lines += [f"- **{label}**: {value}" for label, value in machine_lines]
    lines.append(f"- **Load average** (1, 5, 15 minutes) when the run began: {args.load_at_start}; when it ended: "
                 f"{load_average()}. Anything else running on the two cores slows every figure here.")
    lines += ["", "## Data", "", "The demo authority (`load_demo --children N --years "
              f"{args.years}`): N children looked after today and {args.years} financial years of history.", ""]
    names = list(results[0].counts)
    lines.append("| " + " | ".join(names) + " | build |")
    lines.append("|" + "---:|" * (len(names) + 1))
    for result in results:
        built = f"{result.build_seconds:,.0f} s" if result.build_seconds is not None else "reused"
        lines.append("| " + " | ".join(f"{result.counts[n]:,}" for n in names) + f" | {built} |")
    lines += ["", "## Pages", "",
              f"Each page {args.repeat} times after one warm-up request, through Django's test client signed in "
              "as a superuser. *SQL alone*: the page's own statements run again with their parameters on a raw "
              "cursor (rows fetched), median of the same number of runs. *Page ÷ SQL*: median page time over "
              "SQL alone. The trackers and the dashboard keep their figures until the data changes "
              "(`placements.freshness`): the first columns are a page viewed again, *after a change* is the "
              "first view after any change (the data version moved before each request), which is what the "
              "first person to look after an officer saves anything waits. The agenda builder is the meeting page's \"Build the agenda\" POST for the next planned "
              "meeting (rules P for every looked-after child, then the agenda written, its deferred foreign keys checked "
              "as the commit would), each run in a transaction rolled back afterwards so that every run builds the "
              "agenda of a meeting that has none yet.", ""]
    lines += table(results)
    lines += ["", "## Against the targets", ""]
    lines += targets(results)
    if imported:
        lines += ["", "## SSDA903 import", "",
                  f"A generated return of {imported['episodes']:,} episodes (bench/import_ssda903.py's generator) "
                  f"imported with `manage.py import_ssda903` into an empty database: {imported['seconds']:.1f} s, "
                  f"**{imported['rate']:,.0f} episodes a second** (target {TARGET_EPISODES_A_SECOND:,}), "
                  "process start-up included."]
    lines += ["", f"## Issue 17's targets at {max(r.size for r in results):,}", ""]
    lines += issue_17(results, imported, args.before)
    if args.load_summary:
        lines += ["", "## Load test (`bench/load.sh`, the demo authority on PostgreSQL; details in docs/load.md)", ""]
        lines += args.load_summary
    return "\n".join(lines) + "\n"


# --- Before and after ------------------------------------------------------------------------

PAGES_HEADING = "| looked after | page |"


def earlier_figures(text: str) -> dict:
    """From an earlier results file: its first pages table as {(size, page): (viewed again, after a change)}
    in ms (after a change None where it has none), and "import" the episodes a second of its import."""
    figures: dict = {}
    in_table = False
    for line in text.splitlines():
        if line.startswith(PAGES_HEADING):
            if figures:
                break  # only the first table: the run the file's top describes
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                in_table = False
                continue
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if not cells[0].replace(",", "").isdigit():
                continue  # the |---:| line
            cold = cells[7].replace(",", "")
            figures[int(cells[0].replace(",", "")), cells[1]] = (
                float(cells[2].replace(",", "")), float(cold) if cold.replace(".", "").isdigit() else None)
    rate = re.search(r"\*\*([\d,]+) episodes a second\*\*", text)
    if rate:
        figures["import"] = float(rate.group(1).replace(",", ""))
    return figures


def issue_17(results: list[SizeResult], imported: dict | None, before_text: str) -> list[str]:
    """Issue 17's table: each page's figures before (the earlier run) and now, against its targets."""
    largest = max(results, key=lambda r: r.size)
    before = earlier_figures(before_text)

    def then_now(then: float | None, now: float | None) -> str:
        if now is None:
            return ""
        return (f"{then:,.0f} → **{now:,.0f}**" if then is not None else f"**{now:,.0f}**")

    def verdict(now: float | None, target: int | None) -> str:
        if target is None or now is None:
            return ""
        return "met" if now <= target else "**not met**"

    lines = ["Median ms; *before* is the run this one replaced (the first table of the results file as it "
             "stood). A target is met when the median is at or under it.", "",
             "| page | after a change: before → now (ms) | target | | viewed again: before → now (ms) | target | |",
             "|---|---:|---:|---|---:|---:|---|"]
    for page in largest.pages:
        if page.page not in ISSUE_17_TARGETS:
            continue
        cold_target, again_target = ISSUE_17_TARGETS[page.page]
        then_again, then_cold = before.get((largest.size, page.page), (None, None))
        if page.cold_times_ms:
            cold_now, again_now = page.cold_median, page.median
        else:  # the POST: every run is a first run
            cold_now, again_now, then_cold, then_again = page.median, None, then_again, None
        lines.append(f"| {page.page} | {then_now(then_cold, cold_now)} | {cold_target:,} | {verdict(cold_now, cold_target)} "
                     f"| {then_now(then_again, again_now)} | {again_target or ''} | {verdict(again_now, again_target)} |")
    if imported:
        rate = imported["rate"]
        then = before.get("import")
        lines += ["", f"SSDA903 import of {imported['episodes']:,} episodes: "
                  + (f"{then:,.0f} → " if then else "") + f"**{rate:,.0f} episodes a second** "
                  f"(target {TARGET_EPISODES_A_SECOND:,}: {'met' if rate >= TARGET_EPISODES_A_SECOND else 'not met'})."]
    return lines


def load_test(base_url: str) -> list[str]:
    """Run bench/load.sh on the same cluster and return docs/load.md's summary lines."""
    subprocess.run(["bash", "bench/load.sh"], cwd=ROOT, env={**os.environ, "DATABASE_URL": base_url}, check=True)
    text = (ROOT / "docs" / "load.md").read_text()
    return [line for line in text.split("\n## ", 1)[0].splitlines() if line.startswith("- ")]


def with_earlier(text: str, earlier: str) -> str:
    """The new report, then the file's earlier contents with every heading one level down."""
    if not earlier.strip():
        return text
    demoted = "\n".join("#" + line if line.startswith("#") else line for line in earlier.splitlines())
    demoted = re.sub(r"^## Benchmark at scale$", "## Benchmark at scale: the run before", demoted, count=1, flags=re.M)
    return text + "\n# Earlier runs\n\n" + demoted + "\n"


def targets(results: list[SizeResult]) -> list[str]:
    lines = []
    largest = max(results, key=lambda r: r.size)
    smallest = min(results, key=lambda r: r.size)
    slow = [p for p in largest.pages if p.median >= TARGET_MEDIAN_MS]
    slow_cold = [p for p in largest.pages if p.cold_times_ms and p.cold_median >= TARGET_MEDIAN_MS]
    heavy = [p for p in largest.pages if p.ratio > TARGET_RATIO]
    lines.append(f"- Median under {TARGET_MEDIAN_MS} ms at {largest.size:,}: "
                 + ("every page." if not slow else "all but " + ", ".join(f"{p.page} ({p.median:,.0f} ms)" for p in slow) + "."))
    lines.append(f"- The first view after a change (nothing remembered) under {TARGET_MEDIAN_MS} ms at {largest.size:,}: "
                 + ("every page." if not slow_cold else "all but " + ", ".join(
                     f"{p.page} ({p.cold_median:,.0f} ms)" for p in slow_cold) + "."))
    lines.append(f"- Page no more than {TARGET_RATIO:g} × its SQL at {largest.size:,}: "
                 + ("every page." if not heavy else "all but " + ", ".join(f"{p.page} ({p.ratio:.1f})" for p in heavy) + "."))
    if smallest is not largest:
        small = {p.page: p.queries for p in smallest.pages}
        differ = [f"{p.page} ({small[p.page]} and {p.queries})" for p in largest.pages if small.get(p.page) != p.queries]
        lines.append(f"- Same number of queries at {smallest.size:,} and {largest.size:,}: "
                     + ("every page." if not differ else "all but " + ", ".join(differ) + "."))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="Children looked after, comma-separated.")
    parser.add_argument("--repeat", type=int, default=10, help="Requests per page (default 10).")
    parser.add_argument("--years", type=int, default=10, help="Years of history in each demo (default 10).")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="The demo's today (default: today; the pages always use the real today).")
    parser.add_argument("--rebuild", action="store_true", help="Build every demo again even if it is there.")
    parser.add_argument("--jit", action="store_true",
                        help="Leave PostgreSQL's JIT compiler on (default: off, as the README advises).")
    parser.add_argument("--import-episodes", type=int, default=100_000,
                        help="Episodes in the SSDA903 import measured (default 100,000; 0 to leave it out).")
    parser.add_argument("--build-only", action="store_true", help="Build the databases, measure nothing.")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    parser.add_argument("--before", default=None,
                        help="An earlier results file to compare with (default: --output as it stands).")
    parser.add_argument("--load-test", action="store_true",
                        help="Run bench/load.sh afterwards and report its summary (about eight minutes).")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/scale.py needs PostgreSQL: run `source scripts/pg_test_cluster.sh` first.")
    sizes = [int(size) for size in args.sizes.split(",")]
    import django

    django.setup()
    from django.utils import timezone

    today = args.today or timezone.localdate()
    started = time.perf_counter()
    args.load_at_start = load_average()
    results = []
    for size in sizes:
        print(f"\n== {size:,} children looked after", flush=True)
        database, seconds = build(base_url, size, args.years, args.seed, today, args.rebuild, args.jit)
        if args.build_only:
            continue
        results.append(measure(size, database, seconds, args.repeat, today))
    if args.build_only:
        return
    machine_lines = machine()
    imported = None
    if args.import_episodes:
        print(f"\n== SSDA903 import of {args.import_episodes:,} episodes", flush=True)
        imported = import_rate(base_url, args.import_episodes)
    args.load_summary = []
    if args.load_test:
        print("\n== Load test (bench/load.sh)", flush=True)
        args.load_summary = load_test(base_url)
    output = Path(args.output)
    earlier = output.read_text() if output.exists() else ""
    args.before = Path(args.before).read_text() if args.before else earlier
    text = report(results, imported, args, machine_lines, started)
    output.write_text(with_earlier(text, earlier))
    print()
    print(text)
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
