"""Tables as files: CSV, Excel, or several tables as one workbook (a sheet each).

Pages and the command-line twins come through here, so a scheduled job and a
person's download hold the same rows. Generic: the trackers and the panel use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_tables2 as tables
import tablib
from django.http import HttpResponse
from django_tables2.export import TableExport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class NamedTable:
    name: str  # the ?table= value and the file name
    caption: str
    table: tables.Table


def dataset(named: NamedTable) -> tablib.Dataset:
    data = TableExport(TableExport.CSV, named.table).dataset
    data.title = named.caption[:31]
    return data


def as_csv(named: NamedTable) -> str:
    return dataset(named).export("csv")


def as_xlsx(named: NamedTable) -> bytes:
    return dataset(named).export("xlsx")


def workbook(named_tables: list[NamedTable]) -> bytes:
    """One Excel workbook with a sheet per table, the way the team sends a tracker today."""
    return tablib.Databook([dataset(named) for named in named_tables]).export("xlsx")


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(named: NamedTable, export_format: str, stem: str) -> HttpResponse:
    """One table as CSV (with a byte-order mark, so Excel reads the pound sign) or Excel."""
    if export_format == "csv":
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
