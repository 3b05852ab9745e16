"""Benchmark: import a synthetic 100,000-episode SSDA903 return into a fresh SQLite database.

    .venv/bin/python bench/import_ssda903.py [--episodes 100000] [--keep]
    .venv/bin/python bench/import_ssda903.py --generate-only FOLDER [--episodes N] [--returns 3]

Generates a Header and an Episodes file of made-up children (no real child's data: random case
references, dates and codes), migrates a new SQLite database in ``bench/``, then times the import
(plan, then apply) and a second, unchanged import of the same files, and prints rows a second. ``--generate-only`` writes
``--returns`` returns (``FOLDER/return-1``, ...: the same children, other episodes) and stops
(``bench/load.sh`` imports them while its users work).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "bench" / "import_ssda903.sqlite3"

PLACES = [("U4", "PR1"), ("U5", "PR1"), ("U6", "PR4"), ("U4", "PR4"), ("U1", "PR1"), ("U3", "PR1"), ("K2", "PR4"),
          ("K2", "PR1"), ("R1", "PR4"), ("K1", "PR2"), ("H5", "PR4"), ("P2", "PR4"), ("P1", "PR0"), ("A4", "PR1"),
          ("S1", "PR3")]
TEMPORARY = [("T2", ""), ("T3", "PR1"), ("T4", "PR4")]
LEGAL_STATUSES = ["C1", "C2", "C2", "C2", "E1", "V2", "V2", "J1", "L2", "V3"]
LEAVING = ["E4A", "E4B", "E11", "E13", "E17", "E45", "E5", "E6", "E8", "E3"]
ETHNIC = ["WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH"]
LAST_DAY = date(2026, 3, 31)


def generate(folder: Path, episodes_wanted: int, seed: int = 903) -> tuple[Path, Path]:
    """A Header and an Episodes file with about ``episodes_wanted`` episodes."""
    rng = random.Random(seed)
    header_path, episodes_path = folder / "header.csv", folder / "episodes.csv"
    episodes_written = 0
    child_number = 0
    with header_path.open("w", newline="") as header_file, episodes_path.open("w", newline="") as episodes_file:
        header = csv.writer(header_file)
        episodes = csv.writer(episodes_file)
        header.writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
        episodes.writerow(["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                           "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"])
        while episodes_written < episodes_wanted:
            child_number += 1
            child = f"B{child_number:07d}"
            born = date(2004, 1, 1) + timedelta(days=rng.randrange(0, 365 * 18))
            header.writerow([child, rng.choice("12MF"), f"{born:%d/%m/%Y}", rng.choice(ETHNIC), "", "", ""])
            day = max(born + timedelta(days=rng.randrange(0, 365 * 14)), date(2012, 4, 1))
            legal_status = rng.choice(LEGAL_STATUSES)
            rne = "S"
            for _ in range(rng.randrange(1, 9)):
                if day >= LAST_DAY - timedelta(days=2) or episodes_written >= episodes_wanted:
                    break
                if rne in ("P", "T") and rng.random() < 0.08:
                    place, provider = rng.choice(TEMPORARY)
                    length = rng.randrange(2, 20)
                else:
                    place, provider = rng.choice(PLACES)
                    length = rng.randrange(20, 700)
                end = min(day + timedelta(days=length), LAST_DAY)
                is_open = end >= LAST_DAY or rng.random() < 0.05
                urn = f"SC{rng.randrange(100000, 999999)}" if provider in ("PR4", "PR5") else ""
                if is_open:
                    episodes.writerow([child, f"{day:%d/%m/%Y}", rne, legal_status, "N1", place, provider, "", "", "",
                                       "", "", urn])
                    episodes_written += 1
                    break
                leaves = rng.random() < 0.15
                episodes.writerow([child, f"{day:%d/%m/%Y}", rne, legal_status, "N1", place, provider,
                                   f"{end:%d/%m/%Y}", rng.choice(LEAVING) if leaves else "X1",
                                   "" if leaves else rng.choice(["CARPL", "CREQB", "CHILD", "LAREQ", ""]), "", "", urn])
                episodes_written += 1
                if leaves:
                    break
                day = end
                if rng.random() < 0.25:
                    rne, legal_status = "L", rng.choice(LEGAL_STATUSES)  # legal status only: same placement
                else:
                    rne = rng.choice("PPPPTB")
    return header_path, episodes_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help=f"Keep the database ({DATABASE.name}) afterwards.")
    parser.add_argument("--generate-only", type=Path, metavar="FOLDER", help="Only write returns into FOLDER.")
    parser.add_argument("--returns", type=int, default=1, help="With --generate-only: how many (seeds 1, 2, ...).")
    args = parser.parse_args()
    if args.generate_only:
        for seed in range(1, args.returns + 1):
            folder = args.generate_only / f"return-{seed}"
            folder.mkdir(parents=True, exist_ok=True)
            generate(folder, args.episodes, seed=seed)
        print(f"Wrote {args.returns} returns of {args.episodes:,} episodes into {args.generate_only}.")
        return

    DATABASE.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements_site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from placements.imports.base import SourceFile
    from placements.imports.ssda903 import ssda903_apply, ssda903_plan

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        header, episodes = generate(Path(folder), args.episodes)
        files = [SourceFile.from_path(header), SourceFile.from_path(episodes)]
    print(f"Generated {args.episodes:,} episodes ({len(files[1].data) / 1e6:.1f} MB) "
          f"for {len(files[0].data.splitlines()) - 1:,} children.")

    for run in ("first import", "same files again"):
        started = time.perf_counter()
        plan = ssda903_plan(files)
        planned = time.perf_counter()
        assert not plan.result.errors, plan.result.sorted_errors()[:5]
        result = ssda903_apply(plan)
        finished = time.perf_counter()
        rows = result.rows
        seconds = finished - started
        print(f"{run}: {seconds:.1f}s ({planned - started:.1f}s checking, {finished - planned:.1f}s writing), "
              f"{args.episodes / seconds:,.0f} episodes a second ({rows / seconds:,.0f} rows of both files); "
              f"{result.summary()}")
        for label, counts in result.counts.items():
            print(f"    {label:<22} {counts.new:>8,} new {counts.changed:>8,} changed {counts.unchanged:>8,} unchanged")
    if not args.keep:
        DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
