"""A file with very many bad rows: the first of each file are kept (by line) and the rest counted, plainly."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.imports import base
from placements.imports.base import ImportResult, SourceFile
from placements.imports.costs import costs_plan

pytestmark = pytest.mark.django_db

COSTS = "CHILD,DECOM,KIND,DESCRIPTION,WEEKLY_AMOUNT,FROM,TO"


@pytest.fixture
def keep_ten(monkeypatch):
    monkeypatch.setattr(base, "ERRORS_KEPT", 10)


def unknown_children(rows: int) -> str:
    return "\n".join([COSTS] + [f"X{n},01/04/2021,core,Fee,12.50,01/04/2021," for n in range(rows)])


def test_the_first_bad_values_of_each_file_are_kept_in_line_order_whatever_order_they_are_found(keep_ten):
    result = ImportResult(kind="costs", files=["a.csv", "b.csv"])
    for line in range(40, 1, -1):  # found last line first, as a later check of earlier rows finds them
        result.error("a.csv", line, "CHILD", f"X{line}", "is not a child known here.")
    result.error("b.csv", 2, "KIND", "odd", "must be core or additional.")
    assert result.error_count == 40 and not result.ok
    kept = result.sorted_errors()
    assert [e.line for e in kept if e.file == "a.csv"] == list(range(2, 12))
    assert [e.file for e in kept].count("b.csv") == 1
    assert result.errors_left_out == {"a.csv": 29}
    assert result.left_out_lines() == ["a.csv: and 29 more bad values after the first 10 of this file, not listed "
                                       "(correct those listed, then upload the file again to see the rest)."]


def test_a_costs_file_of_unknown_children_keeps_the_first_and_counts_every_bad_row(keep_ten):
    text = unknown_children(30) + "\nX99,31/02/2021,core,Fee,12.50,01/04/2021,"  # line 32: a bad date as well
    result = costs_plan([SourceFile("costs.csv", text.encode())]).result
    assert result.rows == 31 and result.error_count == 31
    kept = result.sorted_errors()
    assert [e.line for e in kept] == list(range(2, 12))
    assert kept[0].child == "X0" and kept[0].reason == "is not a child known here."


def test_the_preview_and_the_download_say_how_many_bad_rows_are_not_listed(keep_ten, client, manager):
    client.force_login(manager)
    files = [SimpleUploadedFile("costs.csv", unknown_children(25).encode(), content_type="text/csv")]
    response = client.post(reverse("import_upload"), {"kind": "costs", "files": files})
    page = client.get(response.url).content.decode()
    assert "25 rows in costs.csv cannot be imported" in page
    assert "not all are listed" in page and "costs.csv: and 15 more bad values after the first 10" in page
    token = response.url.rstrip("/").split("/")[-1]
    rows = client.get(reverse("import_errors", args=[token])).content.decode().splitlines()
    assert rows[0] == "file,return,line,CHILD,column,value,reason" and len(rows) == 1 + 10 + 1
    assert rows[1].startswith("costs.csv,,2,X0,CHILD,X0,")
    assert rows[-1].startswith("costs.csv,,,,,,\"costs.csv: and 15 more bad values after the first 10 of this file")


def test_a_file_with_few_bad_rows_lists_every_one_with_no_note(client, manager):
    client.force_login(manager)
    files = [SimpleUploadedFile("costs.csv", unknown_children(3).encode(), content_type="text/csv")]
    response = client.post(reverse("import_upload"), {"kind": "costs", "files": files})
    page = client.get(response.url).content.decode()
    assert "3 rows in costs.csv cannot be imported" in page and "not all are listed" not in page
    token = response.url.rstrip("/").split("/")[-1]
    assert len(client.get(reverse("import_errors", args=[token])).content.decode().splitlines()) == 4
