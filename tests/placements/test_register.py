"""Ofsted's register apart from the provider list (issue 19, item 4).

Importing Ofsted's files fills the register (every provider in them, each inspection once) and leaves the
provider list as it was; a provider on the list reads its ratings from the register by URN; the register is
searched by name, URN or postcode; adding a provider starts from the register.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from placements import access
from placements.choices import Ownership, ProvisionKind
from placements.imports import KINDS, SourceFile
from placements.imports.history import UndoRefused, record_import, undo
from placements.imports.ofsted import ENTRIES, INSPECTIONS
from placements.models import OfstedInspection, Provider, RegisterEntry
from placements.register import ratings, search
from tests.factories import make_provider

pytestmark = pytest.mark.django_db

REAL = Path("/work/shared/data/ofsted")
AT_31_AUGUST = REAL / "Provider_level_at_31_Aug_2024.csv"
IN_YEAR = REAL / "Provider_level_in_year_2023-24.csv"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NOT_JUDGED = {"", "NULL"}


def real_files() -> list[SourceFile]:
    if not (AT_31_AUGUST.exists() and IN_YEAR.exists()):
        pytest.skip("Ofsted's real files are not on this machine")
    return [SourceFile.from_path(AT_31_AUGUST), SourceFile.from_path(IN_YEAR)]


def plain_count() -> tuple[set[str], set[tuple[str, str]]]:
    """Distinct URNs, and distinct (URN, inspection date) with an overall judgement, read with csv alone."""
    urns, judged = set(), set()
    overall = "Overall experiences and progress of children and young people"
    for path, encoding, events in [
        (AT_31_AUGUST, "utf-8-sig", [("Latest full inspection date", overall)]),
        (IN_YEAR, "cp1252", [("Inspection date", overall),
                             ("Previous inspection Date", f"Previous {overall[0].lower()}{overall[1:]}")]),
    ]:
        with open(path, encoding=encoding, newline="") as handle:
            for row in csv.DictReader(handle):
                urns.add(row["URN"].strip().upper())
                for day, judgement in events:
                    if row[judgement].strip() not in NOT_JUDGED:
                        judged.add((row["URN"].strip().upper(), row[day].strip()))
    return urns, judged


def import_files(files: list[SourceFile]):
    """Plan, apply and record, as the confirm page does."""
    with transaction.atomic():
        plan = KINDS["ofsted"].plan(files)
        assert not plan.result.errors, [str(e) for e in plan.result.errors[:5]]
        KINDS["ofsted"].apply(plan)
        return plan.result, record_import("ofsted", plan, files)


def provider_list() -> list[tuple]:
    return list(Provider.objects.order_by("pk").values_list(
        "pk", "name", "urn", "ownership", "provision", "regulated", "status", "postcode", "local_authority"))


def register() -> tuple[list, list]:
    names = [f.attname for f in RegisterEntry._meta.concrete_fields]
    return (list(RegisterEntry.objects.order_by("pk").values_list(*names)),
            list(OfstedInspection.objects.order_by("pk").values_list("pk", "entry_id", "inspection_date", "overall")))


# --- Ofsted's real files ---------------------------------------------------------------------------------


def test_the_real_files_fill_the_register_and_leave_the_provider_list_as_it_was():
    files = real_files()
    ours = make_provider(name="Our Fostering Service", urn="SC469688", ownership=Ownership.INTERNAL,
                         provision=ProvisionKind.FOSTERING_AGENCY, local_authority="Ourshire")
    make_provider(name="Lodgings We Use", urn=None, regulated=False, provision=ProvisionKind.OTHER)
    listed = provider_list()

    result, _record = import_files(files)

    urns, judged = plain_count()
    assert provider_list() == listed  # not one provider added, changed or closed
    assert RegisterEntry.objects.count() == len(urns) == result.counts[ENTRIES].new
    assert set(RegisterEntry.objects.values_list("urn", flat=True)) == urns
    assert OfstedInspection.objects.count() == len(judged) == result.counts[INSPECTIONS].new
    assert list(result.counts) == [ENTRIES, INSPECTIONS]  # counted apart, each on its own
    # Every kind of provider Ofsted registers is in the register, boarding schools included.
    assert RegisterEntry.objects.filter(provision_type="Boarding School").exists()
    # Ours reads its rating from the register: "Outstanding" on 15/08/2022 in the at-31-August file.
    [latest, *_] = ratings.inspections_of(ours)
    assert (latest.inspection_date, latest.overall) == (date(2022, 8, 15), "outstanding")


def test_reimporting_the_real_files_changes_nothing_and_undo_restores_the_register_exactly():
    files = real_files()
    make_provider(name="Our Fostering Service", urn="SC469688", ownership=Ownership.INTERNAL)
    import_files(files[1:])  # the in-year file first
    before = register()
    listed = provider_list()

    result, record = import_files(files)  # both: the in-year file again, and the at-31-August file
    assert result.counts[INSPECTIONS].new > 0 and result.counts[ENTRIES].new > 0
    after = register()
    assert after != before

    again = KINDS["ofsted"].plan(files).result  # the same files again: nothing to do
    assert (again.new, again.changed, again.unchanged) == (0, 0, len(plain_count()[0]) + len(plain_count()[1]))

    undo(record)
    assert register() == before
    assert provider_list() == listed


# --- One definition of a provider's ratings ----------------------------------------------------------------


def test_a_provider_on_the_list_shows_the_registers_latest_rating_on_its_page_and_in_the_list(client, manager):
    import_files([SourceFile.from_path(FIXTURES / "ofsted_provider_level.csv")])
    home = make_provider(name="Hillside", urn=" sc900002 ")  # typed with spaces and in small letters
    unknown = make_provider(name="Not Yet Inspected", urn="SC999999")
    spot = make_provider(name="Lodgings", urn=None, regulated=False)
    client.force_login(manager)

    page = client.get(home.get_absolute_url()).content.decode()
    assert "Requires improvement to be good" in page and "6 Feb 2024" in page
    assert RegisterEntry.objects.get(urn="SC900002").get_absolute_url() in page
    assert "Not in the register: no entry has URN SC999999" in client.get(unknown.get_absolute_url()).content.decode()
    assert "Not in the register: this provider has no Ofsted URN" in client.get(spot.get_absolute_url()).content.decode()

    listing = client.get(reverse("provider_list")).context["table"]
    shown = {row.record.name: row.get_cell("latest_rating") for row in listing.rows}
    assert shown == {"Hillside": "Requires improvement to be good", "Not Yet Inspected": "Not inspected",
                     "Lodgings": "Not inspected"}


def test_the_rating_on_a_day_is_the_latest_inspection_on_or_before_it():
    import_files([SourceFile.from_path(FIXTURES / "ofsted_provider_level.csv")])
    home = make_provider(name="Hillside", urn="SC900002")
    OfstedInspection.objects.create(entry_id="SC900002", inspection_date=date(2022, 1, 10), overall="good")
    assert ratings.inspections_of(home, date(2024, 2, 5))[0].overall == "good"
    assert ratings.inspections_of(home, date(2024, 2, 6))[0].overall == "requires_improvement"
    assert ratings.inspections_of(home, date(2022, 1, 9)) == []
    assert ratings.histories([home.pk], date(2024, 2, 6)) == {
        home.pk: [(date(2022, 1, 10), "good"), (date(2024, 2, 6), "requires_improvement")]}
    assert ratings.latest_by_provider([home.pk], date(2023, 1, 1))[home.pk].overall == "good"


# --- Searching the register --------------------------------------------------------------------------------


@pytest.fixture
def entries():
    for urn, name, postcode, area in [
        ("SC100001", "Oak Tree Fostering Ltd", "WR1 2AB", "Worcestershire"),
        ("SC100002", "Oakwood Children's Home", "WR12 7CD", "Worcestershire"),
        ("1234567", "Birch House", "B15 2TT", "Birmingham"),
        ("SC100004", "Children's home SC100004", "", "Birmingham"),
    ]:
        RegisterEntry.objects.create(urn=urn, name=name, postcode=postcode, local_authority=area,
                                     name_redacted=not postcode)


@pytest.mark.parametrize("text, found", [
    ("oak tree", {"SC100001"}),  # words of the name, any case
    ("  OAK  ", {"SC100001", "SC100002"}),  # part of a name, spaces around
    ("fostering oak", {"SC100001"}),  # the words in any order
    ("oak birch", set()),  # every word must be in the name
    ("sc100002", {"SC100002"}),  # a URN in small letters
    ("SC 100002", {"SC100002"}),  # with a stray space
    ("1234567", {"1234567"}),
    ("wr12ab", {"SC100001"}),  # a postcode without its space
    ("WR1 2AB", {"SC100001"}),
    ("wr12 7cd", {"SC100002"}),
    ("WR1", {"SC100001", "SC100002"}),  # the first part of a postcode (WR12 begins with WR1 too)
    ("B15", {"1234567"}),
    ("12345", set()),  # part of a URN is not a URN
    ("", set()),
    ("   ", set()),
])
def test_the_register_is_found_by_name_urn_or_postcode(entries, text, found):
    assert set(search.matching(text).values_list("urn", flat=True)) == found


def test_the_register_page_searches_and_filters_and_each_entry_has_its_page(client, manager, entries):
    OfstedInspection.objects.create(entry_id="SC100001", inspection_date=date(2023, 3, 1), overall="good")
    OfstedInspection.objects.create(entry_id="SC100001", inspection_date=date(2024, 5, 1), overall="inadequate")
    ours = make_provider(name="Oak Tree (ours)", urn="SC100001")
    client.force_login(manager)

    def urns(**query):
        table = client.get(reverse("register_list"), query).context["table"]
        return [row.record.urn for row in table.page.object_list]

    assert urns() == ["1234567", "SC100004", "SC100001", "SC100002"]  # by name
    assert urns(q="wr1 2ab") == ["SC100001"]
    assert urns(local_authority="Birmingham") == ["1234567", "SC100004"]
    assert urns(on_list="yes") == ["SC100001"]
    response = client.get(reverse("register_list"), {"q": "oak"})
    assert [row.get_cell("latest_rating") for row in response.context["table"].page.object_list] == [
        "Inadequate", "Not inspected"]

    page = client.get(RegisterEntry.objects.get(urn="SC100001").get_absolute_url()).content.decode()
    assert page.index("1 May 2024") < page.index("1 Mar 2023")  # the ratings history, latest first
    assert ours.get_absolute_url() in page
    other = client.get(RegisterEntry.objects.get(urn="SC100002").get_absolute_url()).content.decode()
    assert "Not on your provider list" in other and f"{reverse('provider_create')}?use=SC100002" in other
    assert client.get(reverse("register_entry", args=[RegisterEntry.objects.order_by("pk").last().pk + 1])).status_code == 404


def test_the_register_list_makes_the_same_number_of_queries_for_few_or_many_entries(
        client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    for n in range(60):
        RegisterEntry.objects.create(urn=f"SC2{n:05d}", name=f"Home {n}", local_authority=f"Area {n % 7}")
        OfstedInspection.objects.create(entry_id=f"SC2{n:05d}", inspection_date=date(2024, 1, 1), overall="good")
        make_provider(name=f"Listed {n}", urn=f"SC2{n:05d}") if n % 3 == 0 else None
    with django_assert_max_num_queries(12):
        assert client.get(reverse("register_list")).status_code == 200


@pytest.mark.parametrize("group, status", [
    (access.COMMISSIONING_MANAGER, 200), (access.PLACEMENTS_OFFICER, 200), (access.SENIOR_MANAGER, 200),
    (access.PANEL_CHAIR, 200), (access.PANEL_MEMBER, 403),
])
def test_whoever_may_see_providers_may_see_the_register(client, django_user_model, entries, group, status):
    user = django_user_model.objects.create_user(username=f"u-{group}")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    assert client.get(reverse("register_list")).status_code == status
    assert client.get(RegisterEntry.objects.get(urn="SC100001").get_absolute_url()).status_code == status
    assert user.has_perm("placements.view_provider") == (status == 200)


def test_anonymous_visitors_are_sent_to_sign_in(client, entries):
    response = client.get(reverse("register_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Adding a provider from the register -------------------------------------------------------------------


def test_adding_a_provider_finds_it_in_the_register_and_fills_the_form(client, manager, entries):
    RegisterEntry.objects.filter(urn="SC100002").update(provision="childrens_home", sector="Private",
                                                        registration_status="Active")
    make_provider(name="Birch House", urn="1234567")
    client.force_login(manager)

    found = client.get(reverse("provider_create"), {"find": "oak"})
    assert [entry.urn for entry in found.context["found"]] == ["SC100001", "SC100002"]
    page = found.content.decode()
    assert "?find=oak&amp;use=SC100002" in page and "Use this provider" in page
    listed = client.get(reverse("provider_create"), {"find": "B15 2TT"}).content.decode()
    assert "On your list" in listed and "Use this provider" not in listed  # already on the list
    nothing = client.get(reverse("provider_create"), {"find": "nowhere"}).content.decode()
    assert "Nothing in Ofsted's register matches" in nothing

    chosen = client.get(reverse("provider_create"), {"find": "oak", "use": "sc100002"})
    form = chosen.context["form"]
    assert {name: form[name].value() for name in ("name", "urn", "provision", "regulated", "status", "postcode",
                                                  "local_authority", "ownership")} == {
        "name": "Oakwood Children's Home", "urn": "SC100002", "provision": "childrens_home", "regulated": True,
        "status": "active", "postcode": "WR12 7CD", "local_authority": "Worcestershire", "ownership": "external"}

    saved = client.post(reverse("provider_create"), {**{n: form[n].value() for n in form.fields}, "regulated": "on"})
    assert saved.status_code == 302
    provider = Provider.objects.get(urn="SC100002")
    assert (provider.name, provider.ownership) == ("Oakwood Children's Home", "external")
    assert RegisterEntry.objects.count() == 4  # the register is not changed by adding to the list


def test_the_import_preview_counts_register_entries_and_inspections_apart(client, manager):
    client.force_login(manager)
    data = (FIXTURES / "ofsted_provider_level.csv").read_bytes()
    response = client.post(reverse("import_upload"), {"kind": "ofsted", "files": [
        SimpleUploadedFile("Provider_level_at_31_Aug_2024.csv", data, content_type="text/csv")]})
    preview = client.get(response.url).content.decode()
    assert "Ofsted register entries" in preview and "Ofsted inspections" in preview
    assert "your provider list is not changed" in preview
    token = response.url.rstrip("/").split("/")[-1]
    confirmed = client.post(reverse("import_confirm", args=[token]), follow=True).content.decode()
    assert "Ofsted register entries: 3 new" in confirmed and "Ofsted inspections: 3 new" in confirmed
    assert not Provider.objects.exists()


def test_undo_is_refused_when_an_inspection_was_added_since_to_an_entry_the_import_created():
    _result, record = import_files([SourceFile.from_path(FIXTURES / "ofsted_provider_level.csv")])
    OfstedInspection.objects.create(entry_id="SC900001", inspection_date=date(2025, 1, 1), overall="good")
    before = register()
    with pytest.raises(UndoRefused) as refused:
        undo(record)
    assert any("added since, refers to Ofsted register entry" in reason for reason in refused.value.reasons)
    assert register() == before


def test_the_register_downloads_as_csv_with_plain_values(client, manager, entries):
    make_provider(name="Oak Tree (ours)", urn="SC100001")
    client.force_login(manager)
    response = client.get(reverse("register_list"), {"q": "oak", "_export": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0] == "Ofsted URN" and rows[0][-1] == "On your list"
    assert [(row[0], row[-1]) for row in rows[1:]] == [("SC100001", "Yes"), ("SC100002", "No")]
    assert "<a" not in text


def test_finding_a_provider_to_add_takes_the_same_queries_for_few_or_many_found(client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)

    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("provider_create"), {"find": text})
        return len(captured), response

    RegisterEntry.objects.create(urn="SC399999", name="Lone Meadow")
    few, response = queries("meadow")
    assert len(response.context["found"]) == 1
    for n in range(40):
        RegisterEntry.objects.create(urn=f"SC3{n:05d}", name=f"Meadow Home {n}")
        if n % 2:
            make_provider(name=f"Meadow Home {n}", urn=f"SC3{n:05d}")
    many, response = queries("meadow")
    assert len(response.context["found"]) == search.SHOWN and response.context["more_found"]
    assert many == few
