"""The Ofsted import, on a made-up sample in Ofsted's published provider-level layouts (SPEC section 5).

``files/Provider_level_at_31_Aug_sample.csv`` (24 providers, UTF-8) and
``files/Provider_level_in_year_sample.csv`` (26 events, Windows-1252) have the real files' columns,
trailing empty columns, REDACTED names, NULLs, blank judgements for visits, a monitoring inspection
with a judgement, "Children's Home" with a capital H, and an en dash in "SC – Emergency inspection".
The providers are invented.
"""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from placements.choices import Ownership, ProviderStatus, ProvisionKind
from placements.imports import ImportRefused, SourceFile
from placements.imports.ofsted import ENTRIES, ofsted_apply, ofsted_plan
from placements.register import ratings
from placements.models import OfstedInspection, Provider, RegisterEntry
from tests.factories import make_provider

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
AT_31_AUGUST = FILES / "Provider_level_at_31_Aug_sample.csv"
IN_YEAR = FILES / "Provider_level_in_year_sample.csv"
TODAY = date(2026, 11, 26)


def load(*paths: Path):
    plan = ofsted_plan([SourceFile.from_path(p) for p in paths], today=TODAY)
    assert not plan.result.errors, [str(e) for e in plan.result.errors]
    return ofsted_apply(plan)


def state():
    return (
        sorted(RegisterEntry.objects.values_list("urn", "name", "provision", "status", "registration_status",
                                                 "local_authority", "region", "sector", "postcode")),
        sorted(OfstedInspection.objects.values_list("entry_id", "inspection_date", "overall")),
    )


def test_the_sample_files_are_in_the_published_layouts():
    at_august = AT_31_AUGUST.read_bytes()
    in_year = IN_YEAR.read_bytes()
    assert at_august.splitlines()[0].endswith(b"The effectiveness of leaders and managers,,,,,,,,,,")
    assert b"REDACTED" in at_august and b"Children's Home" in at_august
    assert b"SC \x96 Emergency inspection" in in_year  # Windows-1252, not UTF-8
    assert b",NULL," in in_year


def test_the_at_31_august_file_gives_each_providers_latest_full_inspection():
    result = load(AT_31_AUGUST)
    assert (result.counts[ENTRIES].new, result.counts["Ofsted inspections"].new) == (24, 24)
    assert RegisterEntry.objects.filter(status=ProviderStatus.CLOSED).count() == 0  # suspended is still registered
    assert OfstedInspection.objects.get(entry_id="SC990004").overall == "inadequate"


def test_the_in_year_file_records_every_judged_event_and_the_previous_inspection_once():
    result = load(IN_YEAR)
    assert result.counts[ENTRIES].new == 20
    assert result.counts["Ofsted inspections"].new == 32
    assert list(OfstedInspection.objects.filter(entry_id="1990012").order_by("inspection_date")
                .values_list("inspection_date", "overall")) == [
        (date(2022, 4, 11), "requires_improvement"), (date(2023, 5, 2), "inadequate"), (date(2023, 6, 21), "good")]


def test_both_files_together_record_each_inspection_once_whatever_the_order():
    first = load(AT_31_AUGUST)
    second = load(IN_YEAR)
    assert (second.counts[ENTRIES].new, second.counts[ENTRIES].unchanged) == (10, 10)
    assert (second.counts["Ofsted inspections"].new, second.counts["Ofsted inspections"].unchanged) == (22, 10)
    assert first.counts["Ofsted inspections"].new + second.counts["Ofsted inspections"].new == 46
    forwards = state()
    RegisterEntry.objects.all().delete()
    load(IN_YEAR)
    load(AT_31_AUGUST)
    assert state() == forwards
    assert (RegisterEntry.objects.count(), OfstedInspection.objects.count(), Provider.objects.count()) == (34, 46, 0)


def test_reimporting_or_importing_an_overlapping_file_adds_nothing_twice():
    load(AT_31_AUGUST, IN_YEAR)
    before = state()
    result = load(IN_YEAR, AT_31_AUGUST)
    assert (result.new, result.changed) == (0, 0)
    assert state() == before


def test_visits_with_a_blank_or_null_judgement_are_not_inspections():
    load(IN_YEAR)
    assert not OfstedInspection.objects.filter(entry_id="SC990033").exists()  # an assurance visit only
    secure = OfstedInspection.objects.filter(entry_id="SC990017")
    assert sorted(secure.values_list("inspection_date", flat=True)) == [date(2022, 11, 9), date(2023, 11, 8)]
    assert not OfstedInspection.objects.filter(inspection_date=date(2024, 1, 11)).exists()  # the emergency visit


def test_redacted_names_become_the_provision_type_and_urn_and_real_names_are_kept():
    load(AT_31_AUGUST, IN_YEAR)
    assert RegisterEntry.objects.get(urn="SC990001").name == "Children's home SC990001"
    assert RegisterEntry.objects.get(urn="SC990005").name == "Children's Home SC990005"
    assert RegisterEntry.objects.get(urn="SC990014").name == "Brookside Example Fostering"
    assert RegisterEntry.objects.get(urn="SC990035").name == "Caf\u00e9 Court Example Supported Living"  # read as Windows-1252
    assert RegisterEntry.objects.get(urn="SC990001").postcode == ""  # REDACTED is not a postcode
    assert RegisterEntry.objects.get(urn="SC990014").postcode == "EX1 1AA"


def test_provision_types_map_to_this_apps_kinds_whatever_their_capitals():
    load(AT_31_AUGUST, IN_YEAR)
    kinds = dict(RegisterEntry.objects.values_list("urn", "provision"))
    assert kinds["SC990001"] == kinds["SC990005"] == ProvisionKind.CHILDRENS_HOME  # "Children's home", "Children's Home"
    assert kinds["1990013"] == ProvisionKind.CHILDRENS_HOME  # a residential special school registered as a home
    assert kinds["SC990014"] == ProvisionKind.FOSTERING_AGENCY
    assert kinds["SC990017"] == ProvisionKind.SECURE_HOME
    assert kinds["SC990035"] == ProvisionKind.SUPPORTED_ACCOMMODATION
    assert kinds["SC990018"] == kinds["SC990040"] == ProvisionKind.OTHER
    assert not Provider.objects.exists()  # the register only: the provider list is the authority's own


def test_closed_resigned_and_cancelled_providers_are_marked_closed_and_never_reopened():
    load(IN_YEAR)
    closed = set(RegisterEntry.objects.filter(status=ProviderStatus.CLOSED).values_list("urn", flat=True))
    assert closed == {"SC990031", "SC990032", "SC990033", "SC990034"}
    load(AT_31_AUGUST)  # lists only registered providers: a closed one is left as it is
    assert RegisterEntry.objects.get(urn="SC990031").status == ProviderStatus.CLOSED
    RegisterEntry.objects.filter(urn="SC990001").update(status=ProviderStatus.CLOSED, registration_status="Closed")
    load(AT_31_AUGUST)  # says Active
    assert RegisterEntry.objects.values_list("status", "registration_status").get(urn="SC990001") == (
        ProviderStatus.CLOSED, "Closed")


def test_a_provider_on_the_list_keeps_its_details_and_reads_its_ratings_from_the_register():
    own = make_provider(name="Our Own Home", urn="sc 990003", ownership=Ownership.INTERNAL, local_authority="Ourshire")
    listed = sorted(Provider.objects.values_list("pk", "name", "urn", "ownership", "status", "local_authority"))
    result = load(AT_31_AUGUST)
    own.refresh_from_db()
    assert sorted(Provider.objects.values_list("pk", "name", "urn", "ownership", "status", "local_authority")) == listed
    assert own.urn == "SC990003"  # kept as the register keys it
    assert [i.overall for i in ratings.inspections_of(own)] == ["requires_improvement"]
    assert result.counts[ENTRIES].new == 24
    assert "Provider" not in " ".join(result.counts) and any("1 of the providers on your list is in" in n
                                                            for n in result.notes)


def test_a_file_that_is_not_ofsteds_says_which_columns_were_expected():
    plan = ofsted_plan([SourceFile("ratings.csv", b"URN,Rating,Date\nSC1,Good,01/01/2024\n")], today=TODAY)
    [error] = plan.result.errors
    assert (error.file, error.line) == ("ratings.csv", 1)
    assert "Latest full inspection date" in error.reason and "Found: URN, Rating, Date" in error.reason


def bad_copy(tmp_path: Path, old: bytes, new: bytes) -> Path:
    path = tmp_path / "Provider_level_at_31_Aug_edited.csv"
    path.write_bytes(AT_31_AUGUST.read_bytes().replace(old, new, 1))
    return path


@pytest.mark.parametrize("old, new, column, reason", [
    (b"Full inspection,12/03/2024,20/09/2024,10990001,Good", b"Full inspection,12/03/2024,20/09/2024,10990001,Great",
     "Overall experiences and progress of children and young people", "is not an Ofsted judgement"),
    (b"Full inspection,12/03/2024", b"Full inspection,31/02/2024", "Latest full inspection date", "is not a real date"),
    (b"Full inspection,12/03/2024", b"Full inspection,", "Latest full inspection date", "needs its inspection date"),
    (b"SC990001,,Children's home,01/04/2015,Active", b"SC990001,,Children's home,01/04/2015,Gone",
     "Registration status", "is not a registration status"),
])
def test_a_bad_row_is_refused_and_nothing_is_written(tmp_path, old, new, column, reason):
    plan = ofsted_plan([SourceFile.from_path(bad_copy(tmp_path, old, new))], today=TODAY)
    [error] = plan.result.errors
    assert (error.line, error.column) == (2, column) and reason in error.reason
    with pytest.raises(ImportRefused):
        ofsted_apply(plan)
    assert not RegisterEntry.objects.exists() and not OfstedInspection.objects.exists()


def test_two_judgements_for_the_same_inspection_are_refused(tmp_path):
    edited = bad_copy(tmp_path, b"Full inspection,12/03/2024,20/09/2024,10990001,Good",
                      b"Full inspection,12/03/2024,20/09/2024,10990001,Outstanding")
    plan = ofsted_plan([SourceFile.from_path(edited), SourceFile.from_path(IN_YEAR)], today=TODAY)
    [error] = plan.result.errors
    assert error.file == IN_YEAR.name and "is judged Outstanding" in error.reason


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    data = b"\xef\xbb\xbf" + AT_31_AUGUST.read_bytes()
    plan = ofsted_plan([SourceFile("with-bom.csv", data)], today=TODAY)
    assert not plan.result.errors and plan.result.counts[ENTRIES].new == 24


def test_the_command_imports_both_files(capsys):
    call_command("import_ofsted", str(AT_31_AUGUST), str(IN_YEAR))
    assert "(Ofsted, at 31 August)" in capsys.readouterr().out
    assert (RegisterEntry.objects.count(), OfstedInspection.objects.count(), Provider.objects.count()) == (34, 46, 0)


def test_a_reimport_that_regrades_an_inspection_changes_that_inspection_only(tmp_path):
    load(AT_31_AUGUST)
    before = state()
    regraded = bad_copy(tmp_path, b"Full inspection,12/03/2024,20/09/2024,10990001,Good",
                        b"Full inspection,12/03/2024,20/09/2024,10990001,Inadequate")
    result = load(regraded)
    assert (result.counts["Ofsted inspections"].changed, result.counts["Ofsted inspections"].new) == (1, 0)
    assert [(c.record, c.old, c.new) for c in result.field_changes] == [
        ("Inspection of SC990001 on 12/03/2024", "Good", "Inadequate")]
    after = state()
    assert after[0] == before[0]  # the entries are as they were
    changed = set(after[1]) - set(before[1])
    assert [(overall) for _urn, _day, overall in changed] == ["inadequate"]
    assert len(after[1]) == len(before[1])
