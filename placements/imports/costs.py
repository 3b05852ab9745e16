"""Import cost lines from finance (SPEC section 5).

Columns ``CHILD, DECOM, KIND, DESCRIPTION, WEEKLY_AMOUNT, FROM, TO``: a cost line for the placement of
child CHILD that started on DECOM (the SSDA903 date the placement began). KIND is ``core`` or
``additional``; WEEKLY_AMOUNT is pounds and pence; FROM and TO are both inclusive, as finance writes
them, and TO is blank while the line is in force.

A line is the same line when child, placement, kind, description and FROM match. Re-importing a
line changes nothing; a TO that was blank and now has a date ends the line. A different amount for
the same line is refused: costs change by ending a line and starting another, never by editing one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from placements.choices import CostKind
from placements.imports.base import (
    CsvTable,
    column_values,
    FileProblem,
    ImportPlan,
    ImportResult,
    Progress,
    SourceFile,
    no_progress,
    only_for,
    open_csv,
    read_date,
    refuse_if_bad,
    wrong_columns,
)
from placements.models import Child, CostLine, Placement
from placements.plausible import MAX_WEEKLY

KIND = "costs"
#: Read once: ``CostKind.values`` builds its list anew on every call, and it is asked for every row.
KIND_VALUES = frozenset(CostKind.values)
COLUMNS = ("CHILD", "DECOM", "KIND", "DESCRIPTION", "WEEKLY_AMOUNT", "FROM", "TO")
MAX_AMOUNT = MAX_WEEKLY  # placements.plausible: a weekly figure above this is a typing slip


@dataclass
class CostsPlan(ImportPlan):
    #: Each new line as ``NewLine`` (not a model instance: a file may hold half a million of them).
    new_lines: list[NewLine] = field(default_factory=list)
    changed_lines: list[CostLine] = field(default_factory=list)


class NewLine(NamedTuple):
    placement_id: int
    kind: str
    description: str
    weekly_amount: Decimal
    date_from: date
    date_to: date | None

    def cost_line(self) -> CostLine:
        return CostLine(placement_id=self.placement_id, kind=self.kind, description=self.description,
                        weekly_amount=self.weekly_amount, date_from=self.date_from, date_to=self.date_to)


class Row(NamedTuple):
    """One row read and checked on its own: its values as read (``raw``) and as they will be stored."""

    raw: dict
    child: str
    decom: date
    kind: str
    description: str
    weekly_amount: Decimal
    date_from: date
    date_to: date | None


@functools.lru_cache(maxsize=65536)
def _amount(text: str) -> Decimal:
    """The amount written; remembered, as a file repeats the same few amounts (an error is not remembered)."""
    try:
        amount = Decimal(text.replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("is not an amount of money") from None
    if not amount.is_finite():
        raise ValueError("is not an amount of money")
    if amount < 0:
        raise ValueError("is negative")
    if amount > MAX_AMOUNT:  # first: a 30-digit amount has no two-decimal form in Decimal's 28 digits
        raise ValueError(f"is more than £{MAX_AMOUNT:,.0f} a week: check the figure")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("has more than two decimal places")
    return amount.quantize(Decimal("0.01"))


def costs_plan(files: Iterable[SourceFile], *, today: date | None = None, progress: Progress = no_progress) -> CostsPlan:
    """Read and check the cost files, and work out new and ended cost lines, writing nothing.

    ``today`` bounds the dates (``placements.plausible``): a cost line may be in the future, up to five years.
    Each file is read twice as a stream, never held as rows: once for the children it names, then, with
    those children's placements and cost lines at hand, to check each row and work out its change.
    """
    today = today or timezone.localdate()
    files = list(files)
    result = ImportResult(kind=KIND, files=[f.name for f in files])
    plan = CostsPlan(result=result)
    readable: list[SourceFile] = []
    refs: set[str] = set()
    for source in files:
        try:
            columns, values = column_values(source, "CHILD", upper=True)  # column names in any case
            count = 0
            named: set[str] = set()
            for value in values:
                count += 1
                named.add(value)
        except FileProblem as problem:
            result.error(source.name, 1, "", "", str(problem))
            continue
        result.rows += count
        if frozenset(columns) != frozenset(COLUMNS):
            table = CsvTable(name=source.name, columns=columns, rows=[])
            result.error(source.name, 1, "", "", wrong_columns(table, {"costs": COLUMNS}, KIND))
            continue
        progress(f"Read {source.name}: {count:,} rows.")
        refs |= named
        readable.append(source)
    refs.discard("")

    children = {c.case_ref: c for c in only_for(Child.objects.all(), "case_ref", refs)}
    child_ids = [c.pk for c in children.values()]
    placements = {(p.child_id, p.start): p for p in only_for(Placement.objects.all(), "child_id", child_ids)}
    by_child: dict[int, list[Placement]] = {}
    for placement in placements.values():
        by_child.setdefault(placement.child_id, []).append(placement)
    lines = {
        (line.placement_id, line.kind, line.description.lower(), line.date_from): line
        for line in only_for(CostLine.objects.all(), "placement_id", [p.pk for p in placements.values()])
    }
    seen: dict[tuple, tuple[str, int]] = {}
    counts = result.count("Cost lines")
    checked = 0
    for source in readable:
        _columns, rows = open_csv(source, upper=True)
        for number, raw in rows:
            item = _read_row(source.name, number, raw, result, today)
            if item is None:
                continue
            checked += 1

            def error(column: str, reason: str) -> None:
                result.error(source.name, number, column, raw[column], reason, child=raw["CHILD"])

            child = children.get(item.child)
            if child is None:
                error("CHILD", "is not a child known here.")
                continue
            placement = placements.get((child.pk, item.decom))
            if placement is None:
                covering = [p for p in by_child.get(child.pk, []) if p.covers(item.decom)]
                hint = f" The placement covering that day started on {covering[0].start:%d/%m/%Y}." if covering else ""
                error("DECOM", f"CHILD {child.case_ref} has no placement that started on this day.{hint}")
                continue
            date_from, date_to = item.date_from, item.date_to
            if date_from < placement.start:
                error("FROM", f"is before the placement started, on {placement.start:%d/%m/%Y}.")
                continue
            if placement.end and date_from >= placement.end:
                error("FROM", f"is on or after the day the placement ended, {placement.end:%d/%m/%Y}.")
                continue
            if placement.end and date_to and date_to > placement.end:
                error("TO", f"is after the placement ended, on {placement.end:%d/%m/%Y}.")
                continue
            key = (placement.pk, item.kind, item.description.lower(), date_from)
            if key in seen:
                error("DESCRIPTION", f"the same line (child, placement, kind, description and FROM) is also on line "
                                     f"{seen[key][1]} of {seen[key][0]}.")
                continue
            seen[key] = (source.name, number)
            line = lines.get(key)
            if line is None:
                plan.new_lines.append(NewLine(placement.pk, item.kind, item.description, item.weekly_amount,
                                              date_from, date_to))
                counts.new += 1
            elif line.weekly_amount != item.weekly_amount:
                error("WEEKLY_AMOUNT", f"differs from the £{line.weekly_amount:,.2f} already recorded for this line: "
                                       "costs change by ending a line (TO) and starting another, never by editing "
                                       "the amount.")
            elif line.date_to != date_to:
                line.date_to = date_to
                plan.changed_lines.append(line)
                counts.changed += 1
            else:
                counts.unchanged += 1
    if not result.errors:
        progress(f"Worked out the changes for {checked:,} cost lines: {result.summary()}.")
    return plan


def _read_row(file: str, line: int, row: dict, result: ImportResult, today: date) -> Row | None:
    """The row's values checked on their own (not yet against the records here); None when one is bad."""
    bad = False

    def error(column: str, reason: str) -> None:
        nonlocal bad
        bad = True
        result.error(file, line, column, row[column], reason, child=row["CHILD"])

    if not row["CHILD"]:
        error("CHILD", "CHILD is missing.")
    dates: dict[str, date | None] = {}
    for column in ("DECOM", "FROM", "TO"):
        dates[column] = None
        if not row[column]:
            if column != "TO":
                error(column, f"{column} is missing.")
            continue
        try:
            dates[column] = read_date(row[column], today=today)
        except ValueError as problem:
            error(column, f"{problem}.")
    kind = row["KIND"].lower()
    if kind not in KIND_VALUES:
        error("KIND", "must be core or additional.")
    description = row["DESCRIPTION"]
    if not description:
        error("DESCRIPTION", "DESCRIPTION is missing.")
    elif len(description) > 200:
        error("DESCRIPTION", "is longer than 200 characters.")
    amount = None
    try:
        amount = _amount(row["WEEKLY_AMOUNT"])
    except ValueError as problem:
        error("WEEKLY_AMOUNT", f"{problem}." if row["WEEKLY_AMOUNT"] else "WEEKLY_AMOUNT is missing.")
    if dates["FROM"] and dates["TO"] and dates["TO"] < dates["FROM"]:
        error("TO", "is before FROM.")
    if bad:
        return None
    return Row(row, row["CHILD"], dates["DECOM"], kind, description, amount, dates["FROM"], dates["TO"])


def costs_apply(plan: CostsPlan, *, progress: Progress = no_progress) -> ImportResult:
    """Write the plan in one transaction; refuse (writing nothing) if any row was bad."""
    refuse_if_bad(plan)
    journal = plan.journal
    with transaction.atomic():
        journal.bulk_create(CostLine, [line.cost_line() for line in plan.new_lines], batch_size=2000)
        journal.bulk_update(CostLine, plan.changed_lines, ["date_to"], batch_size=2000)
        journal.seal()
    progress(f"Wrote {len(plan.new_lines):,} new and {len(plan.changed_lines):,} ended cost lines.")
    plan.result.applied = True
    return plan.result
