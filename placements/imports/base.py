"""What every importer shares (SPEC section 5): reading CSV files as they come, dates, and the report.

Each format has a module with ``<format>_plan(files)``, which reads and checks every row and works out
what would change without writing anything, and ``<format>_apply(plan)``, which writes those changes
in one transaction, and only when no row was bad. The upload page's preview is the plan; its
confirmation is the apply; the management commands call the same two functions.
"""

from __future__ import annotations

import csv
import functools
import gc
import io
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import attrgetter
from datetime import date
from pathlib import Path

from placements.imports.journal import Journal
from placements.plausible import problem_with_date

#: A callback for progress lines ("Read 100,000 rows of episodes.csv"); the commands print them.
Progress = Callable[[str], None]

#: Values that mean "nothing here" as well as an empty cell: databases export the literal NULL.
BLANKS = frozenset({"", "NULL"})
_WRITTEN_BLANKS = BLANKS - {""}

#: Bad values kept per file: a file with more (a whole file of children not known here) keeps the first
#: this many, by line, and counts the rest (``ImportResult.errors_left_out``), so a preview stays small.
ERRORS_KEPT = 10_000

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def no_progress(message: str) -> None:
    """The default progress callback: say nothing."""


# --- Garbage collection ------------------------------------------------------------

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off for the duration: an import builds hundreds of thousands of objects.

    Every few hundred new objects the collector runs, and now and then it walks every object the
    import holds, none of which is garbage: a 100,000-episode return spent a sixth of its time there.
    Reference counting still frees everything as usual; only cycles wait until the collector is back
    on. Imports on other threads may overlap, so it is back on only when the last of them has finished.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@dataclass(frozen=True)
class RowError:
    """One bad value: where it is (file, line, column), what it was, and why it cannot be imported.

    ``line`` counts the header as line 1, as a spreadsheet does. A problem with the whole file (wrong
    columns, not a CSV) is reported on line 1 with no column. ``child`` is the row's CHILD (or, in a file
    of providers, its URN), so the row can be found in the case-management system; ``covers`` says which
    return the file is ("the 2019/20 return"), when that is known, as DfE's file names repeat every year.
    """

    file: str
    line: int
    column: str
    value: str
    reason: str
    child: str = ""
    covers: str = ""

    def __str__(self) -> str:
        where = f"{self.file}" + (f" ({self.covers})" if self.covers else "") + f", line {self.line}"
        where += (f", CHILD {self.child}" if self.child and self.column != "CHILD" else "")
        where += f", {self.column}" if self.column else ""
        value = f" {self.value!r}" if self.value else ""
        return f"{where}:{value} {self.reason}"


@dataclass
class ChangeCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    #: Rows of the files the import did not use (a later return already has the episode, a header row for a
    #: child with no episodes): counted, so the history says what was left alone.
    left_alone: int = 0

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass(frozen=True)
class FieldChange:
    """One field of a record already here that the import would change, old and new value as text."""

    record: str  # "Child 838434", "Placement of 838434 from 01/04/2019"
    field: str
    old: str
    new: str
    #: A change a person should look at twice before importing (a date of birth, a sex).
    second_look: bool = False

    def __str__(self) -> str:
        flag = " (check this: it changes who the record is about)" if self.second_look else ""
        return f"{self.record}: {self.field} {self.old or '(blank)'} -> {self.new or '(blank)'}{flag}"


def as_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


@dataclass
class ImportResult:
    """What a plan found: counts of new, changed and unchanged records by kind, and every bad row."""

    kind: str
    files: list[str]
    counts: dict[str, ChangeCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    applied: bool = False
    #: Every field of a record already here that the import changes.
    field_changes: list[FieldChange] = field(default_factory=list)
    #: Per file read, the CHILD (or URN) on each line, so a bad row says whose it is.
    row_keys: dict[str, dict[int, str]] = field(default_factory=dict, repr=False)
    #: Per file, which return it is ("the 2019/20 return"), when its rows say.
    file_covers: dict[str, str] = field(default_factory=dict)
    #: Per file, the bad values found beyond the first ``ERRORS_KEPT`` of that file: counted, not kept.
    errors_left_out: dict[str, int] = field(default_factory=dict)
    _compact_at: int = field(default=0, repr=False)
    #: Per file whose bad values are more than are kept: the last kept (line, column); any later is only counted.
    _cutoffs: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)

    def count(self, label: str) -> ChangeCounts:
        return self.counts.setdefault(label, ChangeCounts())

    def error(self, file: str, line: int, column: str, value: str, reason: str, *, child: str | None = None) -> None:
        """A bad value; ``child`` is the row's CHILD when the caller knows it (else looked up in ``row_keys``)."""
        cutoff = self._cutoffs.get(file)
        if cutoff is not None and (line, column) > cutoff:  # after as many as are kept of this file: counted
            self.errors_left_out[file] += 1
            return
        if child is None:
            child = self.row_keys.get(file, {}).get(line, "")
        self.errors.append(RowError(file, line, column, value, reason, child))
        if len(self.errors) > max(self._compact_at, 2 * ERRORS_KEPT):
            self._keep_first_errors()

    def _keep_first_errors(self) -> None:
        """Keep the first ``ERRORS_KEPT`` bad values of each file (by line), and count the rest."""
        by_file: dict[str, list[RowError]] = {}
        for error in self.errors:
            by_file.setdefault(error.file, []).append(error)
        kept: list[RowError] = []
        for name, errors in by_file.items():
            if len(errors) > ERRORS_KEPT:
                errors.sort(key=attrgetter("line", "column"))
                self.errors_left_out[name] = self.errors_left_out.get(name, 0) + len(errors) - ERRORS_KEPT
                errors = errors[:ERRORS_KEPT]
                self._cutoffs[name] = (errors[-1].line, errors[-1].column)
            kept.extend(errors)
        self.errors = kept
        self._compact_at = len(kept) + 2 * ERRORS_KEPT

    def _settle_errors(self) -> None:
        if len(self.errors) > ERRORS_KEPT:  # some file may hold more than are kept
            self._keep_first_errors()

    @property
    def error_count(self) -> int:
        """Every bad value found, those left out of ``errors`` included."""
        return len(self.errors) + sum(self.errors_left_out.values())

    def left_out_lines(self) -> list[str]:
        """Per file with more bad values than are kept, a sentence saying how many more there are."""
        self._settle_errors()
        return [f"{name}: and {count:,} more bad value{'s' if count != 1 else ''} after the first "
                f"{ERRORS_KEPT:,} of this file, not listed (correct those listed, then upload the file again "
                "to see the rest)." for name, count in self.errors_left_out.items()]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new(self) -> int:
        return sum(c.new for c in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    def summary(self) -> str:
        """One line, as the command and the page's message say it."""
        return f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged"

    @property
    def bad_files(self) -> list[str]:
        """The files that hold a bad row, in the order given (the others are fine as they are)."""
        named = {error.file for error in self.errors}
        return [name for name in self.files if name in named] + sorted(named - set(self.files))

    def changed_field(self, record: str, name: str, old, new, *, second_look: bool = False) -> None:
        self.field_changes.append(FieldChange(record, name, as_text(old), as_text(new), second_look))

    def sorted_changes(self) -> list[FieldChange]:
        """Changes that need a second look first, then in the order found."""
        return sorted(self.field_changes, key=lambda change: not change.second_look)

    def sorted_errors(self) -> list[RowError]:
        """Every bad row, by file in the order given, then line; each with the return its file covers."""
        self._settle_errors()
        order = {name: n for n, name in enumerate(self.files)}
        return sorted(
            (replace(e, covers=self.file_covers.get(e.file, "")) for e in self.errors),
            key=lambda e: (order.get(e.file, len(order)), e.file, e.line, e.column))


@dataclass
class ImportPlan:
    """The changes an importer would make. Subclasses hold the records to create and update.

    The apply writes through ``journal``, which keeps what it takes to undo the import
    (``placements.imports.journal``)."""

    result: ImportResult
    journal: Journal = field(default_factory=Journal)


class ImportRefused(Exception):
    """Raised by an apply when its plan found bad rows: nothing has been written."""

    def __init__(self, result: ImportResult):
        super().__init__(f"{result.error_count} bad row(s): nothing imported")
        self.result = result


def refuse_if_bad(plan: ImportPlan) -> None:
    if plan.result.errors:
        raise ImportRefused(plan.result)


# --- Reading files ---------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """A file to import: its name (for error messages) and its bytes, from disk or from an upload."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> SourceFile:
        path = Path(path)
        return cls(name=path.name, data=path.read_bytes())


@dataclass
class CsvTable:
    """A CSV file's named columns and its rows, each with the line it starts on (the header is line 1)."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]

    @property
    def column_set(self) -> frozenset[str]:
        return frozenset(self.columns)


class FileProblem(Exception):
    """The file cannot be read as a table at all."""


def decode(data: bytes) -> str:
    """The file's text, whatever it was saved as: UTF-8 (with or without a byte-order mark), else Windows-1252.

    Excel and Ofsted's downloads save Windows-1252 ("SC – Emergency inspection" has an en dash, byte 0x96,
    which is not UTF-8). A file that starts with a UTF-16 byte-order mark (Excel's "Unicode text") is read as
    UTF-16. Latin-1 is the last resort: it decodes any byte.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def open_csv(source: SourceFile, *, upper: bool = False) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The file's column names, and its rows one at a time, each with the line it starts on.

    As ``read_csv``, without holding the rows: a large file is read as a stream. ``upper`` gives the column
    names in capitals (the files whose columns may be written in any case). A file that cannot be read at
    all raises ``FileProblem`` here; a line that cannot be read raises it from the rows, when reached.
    """
    text = decode(source.data)
    if not text.strip():
        raise FileProblem("The file is empty.")
    if "\x00" in text:  # PostgreSQL cannot store it, and no CSV export writes one
        if text.count("\x00") * 3 > len(text):  # every other byte empty: UTF-16 with no byte-order mark
            raise FileProblem("This file is saved as UTF-16 (\"Unicode text\"): save it from Excel as "
                              "\"CSV UTF-8 (comma delimited)\" and upload it again.")
        line = text[: text.index("\x00")].count("\n") + 1
        raise FileProblem(f"Line {line} holds a NUL character: this is not a plain-text CSV file.")
    reader = csv.reader(io.StringIO(text, newline=""))
    del text
    try:
        header = next(reader)
    except csv.Error as error:
        raise FileProblem(f"This is not a CSV file ({error}).") from error
    names = [name.strip().upper() if upper else name.strip() for name in header]
    named = [(index, name) for index, name in enumerate(names) if name]
    if not named:
        raise FileProblem("The first line holds no column names.")
    return [name for _, name in named], _rows(reader, len(names), named)


def _rows(reader, width: int, named: list[tuple[int, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    line = reader.line_num
    # Every column named (the usual file): each row's cells zipped with the names, no index looked up.
    names = [name for _, name in named] if [i for i, _ in named] == list(range(width)) else None
    try:
        for values in reader:
            start = line + 1
            line = reader.line_num
            # Trimmed, and blank for any of BLANKS (written inline: this runs for every cell of every row).
            values = [value.strip() for value in values]
            if not any(values):
                continue
            if len(values) < width:
                values += [""] * (width - len(values))  # a short row: its missing cells are blank
            if names is not None:
                if not _WRITTEN_BLANKS.isdisjoint(values):
                    values = ["" if value in BLANKS else value for value in values]
                yield start, dict(zip(names, values))
            else:
                yield start, {name: "" if values[i] in BLANKS else values[i] for i, name in named}
    except csv.Error as error:
        raise FileProblem(f"This is not a CSV file: line {line + 1} cannot be read ({error}).") from error


def column_values(source: SourceFile, name: str, *, upper: bool = False) -> tuple[list[str], Iterator[str]]:
    """The file's column names, and one column's trimmed value on each row ``open_csv`` gives (blank when
    the file has no such column): a quick first look at a large file, with no row built."""
    columns, rows = open_csv(source, upper=upper)  # the file's checks, as when reading every column
    rows.close()
    text = decode(source.data)
    reader = csv.reader(io.StringIO(text, newline=""))
    del text
    header = [column.strip().upper() if upper else column.strip() for column in next(reader)]
    index = max((i for i, column in enumerate(header) if column == name), default=None)  # the last, as a row's dict
    return columns, _column(reader, index)


def _column(reader, index: int | None) -> Iterator[str]:
    line = reader.line_num
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            value = values[index].strip() if index is not None and index < len(values) else ""
            yield "" if value in BLANKS else value
    except csv.Error as error:
        raise FileProblem(f"This is not a CSV file: line {line + 1} cannot be read ({error}).") from error


def read_csv(source: SourceFile, *, upper: bool = False) -> CsvTable:
    """Read a CSV as it comes: any encoding above, trailing empty columns, blank lines, NULL for blank.

    Columns with no name (the empty columns Ofsted's files end with) are left out. Values are trimmed.
    """
    columns, rows = open_csv(source, upper=upper)
    return CsvTable(name=source.name, columns=columns, rows=list(rows))


def read_tables(files: Iterable[SourceFile], result: ImportResult, *, upper: bool = False) -> Iterator[CsvTable]:
    """Each file as a table; a file that cannot be read is reported as a bad file and skipped."""
    for source in files:
        try:
            table = read_csv(source, upper=upper)
        except FileProblem as problem:
            result.error(source.name, 1, "", "", str(problem))
            continue
        result.rows += len(table.rows)
        key = next((name for name in ("CHILD", "URN") if name in table.column_set), None)
        if key:
            result.row_keys[table.name] = {line: row[key] for line, row in table.rows if row[key]}
        yield table


def wrong_columns(table: CsvTable, expected: dict[str, Iterable[str]], kind: str = "") -> str:
    """The reason for a file of the wrong kind: which columns each kind has, what this file has, and which
    other kind of import it looks like, if any (``placements.imports.guide``)."""
    from placements.imports.guide import other_kind_hint

    kinds = "; ".join(f"{kind}: {', '.join(columns)}" for kind, columns in expected.items())
    return (f"These columns are not a file this import takes. Expected the columns of {kinds}. "
            f"Found: {', '.join(table.columns)}.{other_kind_hint(table.columns, kind)}")


# --- Values ------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def parse_date(value: str) -> date:
    """A date written dd/mm/yyyy (SSDA903, Ofsted and finance all write dates this way).

    Raises ValueError with the reason for a value that is not such a date (31/02/2024 included).
    Remembered, as a return writes the same few thousand days over and over (a ValueError is not
    remembered: a bad value is checked again each time).
    """
    match = _DATE.fullmatch(value)
    if not match:
        raise ValueError("is not a date written dd/mm/yyyy")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("is not a real date") from None


def read_date(value: str, *, today: date, birth: bool = False) -> date:
    """``parse_date``, then the bounds every record's dates keep (``placements.plausible``): a date of birth
    from 1990 and not in the future, any other date from 2000 and no more than five years ahead."""
    day = parse_date(value)
    problem = problem_with_date(day, birth=birth, today=today)
    if problem:
        raise ValueError(problem)
    return day


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


#: Lookups with more keys than this read the whole table instead (one query either way, and within
#: every database's limit on parameters).
IN_LIST_LIMIT = 900


def only_for(queryset, field_name: str, keys: Iterable):
    """``queryset`` narrowed to rows whose ``field_name`` is in ``keys`` when there are few keys.

    With many keys it returns the whole queryset: callers look rows up by key, so extra rows are
    harmless, and a page costs the same one query whatever the file holds.
    """
    keys = list(set(keys))
    if len(keys) <= IN_LIST_LIMIT:
        return queryset.filter(**{f"{field_name}__in": keys})
    return queryset
