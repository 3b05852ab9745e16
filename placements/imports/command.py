"""What the four ``manage.py import_*`` commands share: files or folders in, every bad row out, exit code 2."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from placements.imports import KINDS
from placements.imports.base import ImportResult, SourceFile, gc_paused
from placements.imports.history import record_import


def source_files(paths: list[str]) -> list[SourceFile]:
    """The files named, with each folder standing for the CSV files in it (sorted by name)."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            if not found:
                raise CommandError(f"{path} holds no CSV files.")
            # Named with their folder: DfE's files have the same names every year ("2019/episodes.csv").
            files += [SourceFile(name=f"{path.name}/{p.name}", data=p.read_bytes()) for p in found]
        elif path.is_file():
            files.append(SourceFile.from_path(path))
        else:
            raise CommandError(f"{path} does not exist.")
    return files


def result_lines(result: ImportResult) -> list[str]:
    """The counts as a small table, then any notes."""
    lines = [f"{'':<24}{'new':>10}{'changed':>10}{'unchanged':>11}"]
    for label, counts in result.counts.items():
        lines.append(f"{label:<24}{counts.new:>10,}{counts.changed:>10,}{counts.unchanged:>11,}")
    lines += [f"Note: {note}" for note in result.notes]
    return lines + [f"Changed: {change}" for change in result.sorted_changes()]


class ImportCommand(BaseCommand):
    """``manage.py import_<kind> FILE...``: check every row, then import all of it or none of it."""

    kind = ""
    # Django's system checks load every page's code (the URLs, pandas, Plotly): 0.7 s of a region's import that
    # checks nothing it uses. They run at deploy and with every other command.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="CSV files, or folders of CSV files.")
        parser.add_argument("--dry-run", action="store_true", help="Check the files and say what would change; write nothing.")

    def handle(self, *args, files, dry_run, verbosity, **options):
        kind = KINDS[self.kind]
        sources = source_files(files)
        started = time.perf_counter()

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {message}")

        # Plan and write in one transaction, so nothing can change in between.
        with transaction.atomic(), gc_paused():
            plan = kind.plan(sources, progress=progress)
            result = plan.result
            if result.errors:
                for error in result.sorted_errors():
                    self.stderr.write(str(error))
                for line in result.left_out_lines():
                    self.stderr.write(line)
                raise CommandError(
                    f"Nothing imported: {result.error_count:,} bad row(s) in {', '.join(result.bad_files)}. "
                    "Correct them and import the files again (the other files need no change).",
                    returncode=2,
                )
            if not dry_run:
                kind.apply(plan, progress=progress)
                record_import(kind.slug, plan, sources)  # in the history, with the command line as who
        seconds = time.perf_counter() - started
        for line in result_lines(result):
            self.stdout.write(line)
        rate = f" ({result.rows / seconds:,.0f} rows a second)" if seconds and result.rows else ""
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing written: {result.summary()}."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Imported {result.rows:,} rows in {seconds:.1f}s{rate}: {result.summary()}."
            ))
