"""Tables as files: CSV, Excel, or several tables as one workbook (a sheet each).

Pages and the command-line twins come through here, so a scheduled job and a
person's download hold the same rows. Generic: the trackers and the panel use it.

**Every file the app writes carries text as text** (OWASP "CSV injection"): a cell that a spreadsheet
would run as a formula (text starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, such as a
case reference typed as ``=1+2`` or a provider name from an imported file) gets a leading apostrophe,
unless it is a genuine number; Excel files are written with every such cell a string. ``as_text`` is that
rule, and ``SafeTableExport`` applies it to every table download (lists, trackers, agenda, data
quality, audit trail), the workbooks, the streamed CSV and the import's bad-rows file.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import django_tables2 as tables
import tablib
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django_tables2.export import TableExport
from django_tables2.rows import BoundRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Every Excel file says what it holds: in its properties and in the printed footer of every sheet.
PERSONAL_DATA_WARNING = ("Personal data about looked-after children. Use it only for your work and keep it within "
                         "the council's secure systems.")


def marked_workbook(content: bytes) -> bytes:
    """An Excel file with the personal-data warning in its properties and each sheet's printed footer."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    book.properties.description = PERSONAL_DATA_WARNING
    book.properties.keywords = "personal data"
    for sheet in book.worksheets:
        sheet.oddFooter.center.text = PERSONAL_DATA_WARNING
        sheet.evenFooter.center.text = PERSONAL_DATA_WARNING
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: How a cell starts when a spreadsheet would run it as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("inf", "infinity", "nan")


def as_text(value):
    """A cell as a spreadsheet should show it: text that starts like a formula gets a leading apostrophe
    (so ``=1+2`` stays the text ``=1+2``), unless it is a genuine number such as ``-12.50``. Anything that is
    not text (a number, a date) is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    """django-tables2's export with every cell through ``as_text``, and Excel cells never formulas. Only the
    formats the pages offer (CSV and Excel): ``?_export=json`` and the like are not served."""

    OFFERED = (TableExport.CSV, TableExport.XLSX)

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.OFFERED

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        return safe_dataset(dataset)

    def export(self):
        if self.format == self.XLSX:
            return marked_workbook(self.dataset.export(self.format, escape=True))
        return self.dataset.export(self.format)


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [as_text(header) for header in dataset.headers]
    for row in dataset:
        safe.append([as_text(cell) for cell in row])
    return safe


@dataclass
class NamedTable:
    name: str  # the ?table= value and the file name
    caption: str
    table: tables.Table
    sheet: str = ""  # the Excel sheet's name when the caption is longer than Excel allows

    @property
    def sheet_name(self) -> str:
        return sheet_name(self.sheet or self.caption)


#: Excel refuses a sheet name longer than this, or holding any of these characters.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(text: str) -> str:
    """An Excel sheet name from a caption: whole words, never a word cut in two (Excel allows 31 characters)."""
    text = " ".join(text.translate(SHEET_NAME_FORBIDDEN).split())
    if len(text) <= SHEET_NAME_LENGTH:
        return text
    name = ""
    for word in text.split():
        if len(f"{name} {word}".strip()) > SHEET_NAME_LENGTH:
            break
        name = f"{name} {word}".strip()
    return name.rstrip(",;-") or text[:SHEET_NAME_LENGTH]


def dataset(named: NamedTable) -> tablib.Dataset:
    data = SafeTableExport(TableExport.CSV, named.table).dataset
    data.title = named.sheet_name
    return data


def as_csv(named: NamedTable) -> str:
    return dataset(named).export("csv")


def as_xlsx(named: NamedTable) -> bytes:
    return marked_workbook(dataset(named).export("xlsx", escape=True))


def workbook(named_tables: list[NamedTable], about: list[tuple[str, str]] | None = None) -> bytes:
    """One Excel workbook with a sheet per table, the way the team sends a tracker today. ``about`` (pairs of
    label and text) comes first as a sheet "About this file": what the file holds, and what is filtered."""
    sheets = [dataset(named) for named in named_tables]
    names = [sheet.title for sheet in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"Two sheets would have the same name: {names}")
    if about:
        cover = tablib.Dataset(title="About this file")
        for label, text in about:
            cover.append([label, text])
        sheets.insert(0, safe_dataset(cover))
    return marked_workbook(tablib.Databook(sheets).export("xlsx", escape=True))


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


#: A table with more rows than this downloads as CSV a row at a time (a region's placements list has
#: 840,000): the response starts at once and the rows never all sit in memory.
STREAM_ROWS = 10_000


class _Line:
    """A file for csv.writer that hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(table: tables.Table, records: Iterable) -> Iterator[str]:
    """The table's export (``Table.as_values``: header, then each record's values) as CSV lines."""
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    writer = csv.writer(_Line())
    yield writer.writerow([as_text(force_str(column.header, strings_only=True)) for column in columns])
    for record in records:
        row = BoundRow(record, table=table)
        yield writer.writerow([as_text(force_str(row.get_cell_value(column.name), strings_only=True))
                               for column in columns])


def large_queryset(table: tables.Table) -> QuerySet | None:
    """The table's rows, ordered as the page orders them, when they are a query of more than STREAM_ROWS."""
    data = getattr(table.data, "data", None)
    if isinstance(data, QuerySet) and len(table.data) > STREAM_ROWS:  # one COUNT, cached by the table
        return data
    return None


def streamed_csv(table: tables.Table, queryset: QuerySet, filename: str, *, byte_order_mark: bool
                 ) -> StreamingHttpResponse:
    """A table as CSV, fetched from the database 2,000 rows at a time and sent as it goes."""
    lines = csv_lines(table, queryset.iterator(chunk_size=2000))
    if byte_order_mark:
        lines = itertools.chain(["\ufeff"], lines)
    response = StreamingHttpResponse((line.encode("utf-8") for line in lines), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(named: NamedTable, export_format: str, stem: str) -> HttpResponse | StreamingHttpResponse:
    """One table as CSV (with a byte-order mark, so Excel reads the pound sign) or Excel."""
    if export_format == "csv":
        queryset = large_queryset(named.table)
        if queryset is not None:
            return streamed_csv(named.table, queryset, f"{stem}.csv", byte_order_mark=True)
        return download(as_csv(named).encode("utf-8-sig"), f"{stem}.csv", "text/csv")
    return download(as_xlsx(named), f"{stem}.xlsx", XLSX)


def write_output(command, content, output: str | None) -> None:
    """A management command writes text or bytes to ``output``, or text to standard output."""
    from django.core.management.base import CommandError

    if output:
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as handle:
            handle.write(content)
        command.stderr.write(f"Wrote {output}")
    elif isinstance(content, bytes):
        raise CommandError("An Excel workbook needs --output FILE.", returncode=2)
    else:
        command.stdout.write(content, ending="")
