"""Write docs/load.md from locust's statistics (called by bench/load.sh, one folder per run).

    .venv/bin/python bench/load.py RUN_DIR [RUN_DIR ...] --users 50 --duration 60s ... --output docs/load.md

Each RUN_DIR holds locust's ``load_stats.csv`` and ``load_failures.csv`` for the measured minute,
``sign_in.json`` (the sign-in before it), ``run.json`` (the pace), ``conflicts.json`` (saves refused because
someone else had just saved the same record) and, for the run with imports, ``imports.txt`` (each import
begun during the run: the return, the outcome, seconds). Per page: requests, errors, median
(p50), 95th and 99th percentiles and the slowest, in milliseconds; then each run against the target
(p95 under 1 second, no errors).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
from datetime import datetime
from pathlib import Path

TARGET_P95_MS = 1000
PACES = {
    "busy": "An office at its busiest",
    "stress": "Stress",
    "import": "An office at its busiest, while returns of 100,000 episodes are imported",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_section(folder: Path, options) -> tuple[list[str], str, int]:
    users = options.users
    meta = json.loads((folder / "run.json").read_text())
    stats = read_rows(folder / "load_stats.csv")
    failures = read_rows(folder / "load_failures.csv")
    sign_in = json.loads((folder / "sign_in.json").read_text()) if (folder / "sign_in.json").exists() else {}
    pages = [row for row in stats if row["Name"] != "Aggregated" and number(row["Request Count"])]
    total = next((row for row in stats if row["Name"] == "Aggregated"), None)
    title = f"{PACES.get(meta['label'], meta['label'])}: a page every {meta['think_min']:g} to {meta['think_max']:g} s"
    if total is None:
        return [f"## {title}", "", "The run produced no statistics.", ""], f"{title}: no statistics", 1
    requests, failed = int(number(total["Request Count"])), int(number(total["Failure Count"]))
    p50, p95 = number(total["50%"]), number(total["95%"])
    met = p95 < TARGET_P95_MS and failed == 0
    verdict = "met" if met else "not met"
    summary = (f"{title}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {failed} errors in {requests:,} requests "
               f"({number(total['Requests/s']):.1f} a second); target {verdict}")
    lines = [
        f"## {title}",
        "",
        f"{users} users, each opening a page every {meta['think_min']:g} to {meta['think_max']:g} seconds "
        f"(after the page before has come back), for one measured minute that starts when all have signed in.",
        "",
        f"**p50 {p50:.0f} ms, p95 {p95:.0f} ms, {failed} errors in {requests:,} requests "
        f"({number(total['Requests/s']):.1f} a second).** Target (p95 under {TARGET_P95_MS} ms, no errors): "
        f"{'met' if met else '**not met**'}.",
        "",
        "| page | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | slowest (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(pages, key=lambda r: -number(r["95%"])):
        lines.append(
            f"| {row['Name']} | {int(number(row['Request Count'])):,} | {int(number(row['Failure Count']))} "
            f"| {number(row['50%']):.0f} | {number(row['95%']):.0f} | {number(row['99%']):.0f} "
            f"| {number(row['Max Response Time']):.0f} |")
    lines.append(f"| **all pages** | {requests:,} | {failed} | {p50:.0f} | {p95:.0f} | {number(total['99%']):.0f} "
                 f"| {number(total['Max Response Time']):.0f} |")
    lines += ["", "Errors:" if failures else "Errors: none.", ""]
    for row in failures:
        lines.append(f"- {row.get('Name')}: {row.get('Error')} ({row.get('Occurrences')} times)")
    if failures:
        lines.append("")
    conflicts = json.loads((folder / "conflicts.json").read_text()) if (folder / "conflicts.json").exists() else {}
    refused = sum(conflicts.values())
    lines += [
        f"Saves refused because someone else had saved the same record since the form was opened (the "
        f"lost-update guard, issue 14: the person is told and keeps what they typed; not an error): {refused}"
        + (" (" + ", ".join(f"{name}: {count}" for name, count in sorted(conflicts.items())) + ")." if refused else "."),
        "",
    ]
    if (folder / "lock_waits.txt").exists():
        imports = [line.split() for line in (folder / "imports.txt").read_text().splitlines() if line.strip()] \
            if (folder / "imports.txt").exists() else []
        waits = [line for line in (folder / "lock_waits.txt").read_text().splitlines() if line.strip()]
        running = (folder / "seconds.txt").read_text().strip() if (folder / "seconds.txt").exists() else "?"
        lines += [
            f"Imports: generated SSDA903 returns, each changing the one before, imported one after another with "
            f"`manage.py import_ssda903` in a process of its own on the same two cores, from before the users "
            f"signed in until the measured minute ended ({running} s). Finished in that time: {len(imports)}"
            + (" (" + "; ".join(f"{name} {outcome} in {float(seconds):.0f} s" for name, outcome, seconds in imports)
               + ")" if imports else "") + "; the one under way when the minute ended was stopped (rolled back).",
            "",
            f"Statements that waited more than a second for a lock while the users worked (PostgreSQL's "
            f"`log_lock_waits`): **{len(waits)}**" + ("." if not waits else ":"),
            "",
            *[f"- `{line[:240]}`" for line in waits[:20]],
            *([""] if waits else []),
        ]
    if sign_in:
        post = sign_in.get("sign in", {})
        lines += [
            f"Signing in, before the measured minute ({users} people within {users / options.spawn_rate:.0f} seconds): "
            f"p50 {number(post.get('p50')):.0f} ms, p95 {number(post.get('p95')):.0f} ms, "
            f"{int(number(post.get('failures')))} failed of {int(number(post.get('requests')))}.",
            "",
        ]
    return lines, summary, failed


def report(folders: list[Path], options) -> str:
    sections, summaries, errors = [], [], 0
    gunicorn_errors = []
    if options.gunicorn_errors and options.gunicorn_errors.exists():
        gunicorn_errors = [line for line in options.gunicorn_errors.read_text().splitlines() if line.strip()]
    for folder in folders:
        lines, summary, failed = run_section(folder, options)
        sections += lines
        summaries.append(summary)
        errors += failed
    head = [
        "# Load test",
        "",
        f"{options.users} signed-in users on the main pages, one measured minute, against gunicorn on 127.0.0.1 "
        f"and PostgreSQL holding the demo authority ({options.children:,} children looked after), at two paces, "
        "then the busy pace again while SSDA903 returns are imported throughout. "
        "Made by `bench/load.sh` (locust users in `bench/locustfile.py`; this page is written by `bench/load.py`).",
        "",
        *[f"- {summary}." for summary in summaries],
        "",
    ]
    how = [
        "## How it was run",
        "",
        f"- {datetime.now():%-d %B %Y}, on one machine with {os.cpu_count()} cores ({cpu_name()}): locust, "
        "gunicorn and PostgreSQL share those cores, so the figures are a floor for a deployment with a database "
        "server of its own and app servers with more cores (the app keeps no state: add servers, README).",
        f"- gunicorn: {options.workers} workers x {options.threads} threads (`gthread`), `DEBUG=false`, "
        "WhiteNoise, production settings but for HTTPS (plain HTTP on 127.0.0.1); `--keep-alive 20`, longer than "
        "any pause, so that gunicorn does not close an idle connection just as locust sends on it (with the "
        "default 2 s that race shows as a \"connection reset\", which a browser retries by itself).",
        "- PostgreSQL: the private test cluster of `scripts/pg_test_cluster.sh` with its default settings, a "
        "database `placements_load` made afresh, migrated and loaded with `manage.py load_demo`.",
        "- Each user signs in through the sign-in form (CSRF token included) as one of the demo logins that "
        "reads every page in the mix (officer, manager, director, chair, administrator). Once all have signed "
        "in, the statistics start: the home page, the weekly tracker, the unregulated report, the residential "
        "tracker, the dashboard, the children list, a child's page (a different child each time), the "
        "placements list and the panel, weighted as in `bench/locustfile.py` (a child's page most often, the "
        "dashboard least). Each opening of a child's page writes its audit entry, as in production.",
        "- One request in ten is a save, as an office writes all day: a note in a search's chronology (a table no "
        "figure reads) or a change to a child's record through its edit form (a table every figure reads, so the "
        "trackers and dashboard compute again after it). Each is the form's page, then the save; directors and "
        "chairs, who do not write, open the home page instead.",
        f"- Users join at {options.spawn_rate:g} a second. Signing in is reported apart: the password hash "
        "(PBKDF2, Django's default work factor) takes a deliberate fraction of a second of one core each time.",
        "",
        "## Reading the figures",
        "",
        "- The pages cost processor time, not waiting: on their own, the dashboard takes about half a second "
        "and the weekly tracker about a fifth; the other pages a tenth or less (`bench/pages.py` times each "
        "page and counts its queries). At the busy pace the machine is far from full and only the dashboard "
        "is slow; at the stress pace it is full, requests queue, and every page waits behind the dashboards "
        "and weekly trackers ahead of it, which is what the stress run's p95 measures.",
        "- So the stress target needs more processor than two shared cores (app servers of their own, more "
        "of them: the app keeps no state), or cheaper first views of the dashboard and weekly tracker: their "
        "figures are remembered until a table they read changes (`placements/freshness.py`), so each save of a "
        "child's record makes the next person to open them wait for the whole computation.",
        "- No run had an error: no server error, no refused page, nobody sent back to sign in." if not errors
        else f"- {errors} requests failed: see each run's errors above.",
        "- gunicorn logged no error and no worker timeout." if not gunicorn_errors
        else "- gunicorn logged:\n" + "\n".join(f"  - `{line[:200]}`" for line in gunicorn_errors[:20]),
        "",
        "Run it again with `bench/load.sh` (about eight minutes with the set-up); `USERS`, `DURATION`, "
        "`CHILDREN`, `WORKERS` and `THREADS` change the runs.",
        "",
    ]
    return "\n".join(head + sections + how)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+")
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--duration", required=True)
    parser.add_argument("--children", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--spawn-rate", type=float, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--gunicorn-errors", type=Path)
    options = parser.parse_args()
    text = report(options.runs, options)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
