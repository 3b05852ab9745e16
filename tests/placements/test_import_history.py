"""The import history and undo (issue 19): undo puts back exactly what an import changed, or refuses and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from placements import access
from placements.care import daily
from placements.imports import KINDS, SourceFile
from placements.imports.journal import Journal, fingerprint, rows_of
from placements.imports.history import UndoRefused, can_undo, latest_import, record_import, undo
from placements.models import CareSegment, Child, DayChange, ImportRecord, Placement, ReturnYear
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
COSTS = "CHILD,DECOM,KIND,DESCRIPTION,WEEKLY_AMOUNT,FROM,TO"
#: Tables that are not the records: the history itself, uploads waiting, the cache counter, the audit trail.
NOT_RECORDS = {"placements.importrecord", "placements.importupload", "placements.dataversion",
               "placements.datachange"}


def dump() -> dict:
    """Every row of every table of the domain apps (the derived segments without their keys, as they are rebuilt;
    the daily figures as their sums)."""
    tables = {}
    for label in ("placements", "tracker", "panel"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower in NOT_RECORDS:
                continue
            names = [f.attname for f in model._meta.concrete_fields]
            if model is CareSegment:
                tables[model._meta.label_lower] = sorted(model.objects.values_list(*names[1:]))
            elif model is DayChange:  # appended changes: what they sum to is the figures
                tables[model._meta.label_lower] = daily.summed()
            else:
                tables[model._meta.label_lower] = list(model.objects.order_by("pk").values_list(*names))
    return tables


def csv_file(name: str, header: str, rows: list[str]) -> SourceFile:
    return SourceFile(name, ("\n".join([header, *rows]) + "\n").encode())


def import_files(kind: str, files: list[SourceFile], user=None) -> ImportRecord | None:
    """Plan and apply as the confirm page does; None when the files have a bad row."""
    with transaction.atomic():
        plan = KINDS[kind].plan(files)
        if plan.result.errors:
            return None
        KINDS[kind].apply(plan)
        return record_import(kind, plan, files, user=user)


# --- Random returns ----------------------------------------------------------------------------------------

START = date(2019, 4, 1)
PLACES = [("U4", "PR1"), ("U1", "PR4"), ("R1", "PR1"), ("K2", "PR4"), ("P1", "PR0"), ("T1", "")]
CHILD_EPISODES = st.lists(
    st.tuples(st.integers(0, 700),  # DECOM, days after START
              st.one_of(st.none(), st.integers(1, 300)),  # DEC, days after DECOM, or open
              st.sampled_from(["S", "L", "P", "T", "U", "B"]),
              st.sampled_from(["C2", "V2", "E1", "J2"]),
              st.sampled_from(PLACES)),
    min_size=1, max_size=3, unique_by=lambda e: e[0])
RETURNS = st.dictionaries(st.sampled_from([f"K{n}" for n in range(6)]),
                          st.tuples(st.integers(0, 3), st.sampled_from(["1", "2"]), CHILD_EPISODES),
                          min_size=1, max_size=4)


def return_files(children: dict) -> list[SourceFile]:
    header, episodes = [], []
    for ref, (born, sex, rows) in sorted(children.items()):
        header.append(f"{ref},{sex},{date(2006 + born, 6, 15):%d/%m/%Y},WBRI,,,")
        for decom_days, dec_days, rne, ls, (place, provider) in sorted(rows):
            decom = START + timedelta(days=decom_days)
            dec = f"{decom + timedelta(days=dec_days):%d/%m/%Y}" if dec_days else ""
            episodes.append(f"{ref},{decom:%d/%m/%Y},{rne},{ls},N1,{place},{provider},{dec},{'E11' if dec else ''},,,,")
    return [csv_file("header.csv", HEADER, header), csv_file("episodes.csv", EPISODES, episodes)]


COST_ROWS = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["core", "additional"]), st.integers(100, 9000),
                               st.integers(0, 30), st.one_of(st.none(), st.integers(0, 60))), max_size=4)


def cost_files(rows) -> list[SourceFile]:
    """Cost lines on the first placement of children already here (rows that do not fit are bad rows)."""
    lines = []
    for which, kind, amount, from_days, to_days in rows:
        placement = Placement.objects.filter(child__case_ref=f"K{which}").order_by("start").first()
        if placement is None:
            continue
        start = placement.start + timedelta(days=from_days)
        end = f"{start + timedelta(days=to_days):%d/%m/%Y}" if to_days is not None else ""
        lines.append(f"K{which},{placement.start:%d/%m/%Y},{kind},Weekly fee,{amount}.00,{start:%d/%m/%Y},{end}")
    return [csv_file("costs.csv", COSTS, lines)]


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                     phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(first=RETURNS, costs=COST_ROWS, second=RETURNS, last=st.sampled_from(["ssda903", "costs"]))
def test_undo_puts_back_exactly_what_a_random_import_on_top_of_random_data_changed(first, costs, second, last):
    with transaction.atomic():
        # Random data: a return, costs on it, and records a person added by hand.
        import_files("ssda903", return_files(first))
        import_files("costs", cost_files(costs))
        by_hand = make_child(case_ref="HAND1")
        make_cost_line(make_placement(by_hand, make_provider(urn="SC000777"), start=date(2020, 2, 1)), "900",
                       date(2020, 2, 1))
        before = dump()
        years_before = list(ReturnYear.objects.values_list("return_year", "year_end_children", "imported_at"))
        files = return_files(second) if last == "ssda903" else cost_files(costs[::-1] + [(0, "core", 5000, 3, None)])
        record = import_files(last, files)
        if record is not None and not Journal.from_json(record.journal).empty:  # the page offers no import of nothing
            undone = undo(record)
            connection.check_constraints()  # every foreign key holds once the rows are back
            assert dump() == before
            assert list(ReturnYear.objects.values_list("return_year", "year_end_children", "imported_at")) == years_before
            assert undone.undoes == record and undone.kind == ImportRecord.UNDO
        transaction.set_rollback(True)


def test_undoing_an_ofsted_import_puts_the_providers_back_as_they_were():
    import_files("providers", [SourceFile.from_path(FIXTURES / "providers.csv")])
    before = dump()
    record = import_files("ofsted", [SourceFile.from_path(FIXTURES / "ofsted_provider_level.csv")])
    assert dump() != before
    undo(record)
    assert dump() == before


def test_a_sample_year_imported_and_undone_leaves_every_table_as_it_was():
    sample = Path("/work/shared/data/ssda903/demand-model-v1")
    if not sample.exists():
        pytest.skip("the shared sample data is not on this machine")
    import_files("ssda903", [SourceFile.from_path(p) for p in sorted((sample / "2017").glob("*.csv"))])
    before = dump()
    record = import_files("ssda903", [SourceFile.from_path(p) for p in sorted((sample / "2018").glob("*.csv"))])
    assert dict(record.counts)["Episodes"]["changed"] > 0 and record.return_years == [2018]
    undo(record)
    connection.check_constraints()
    assert dump() == before


def as_first_written(journal: dict) -> dict:
    """A journal as imports recorded it before 2 December 2026: every key created in a list, every row's
    fingerprint read back in ``after``."""
    old = {}
    for label, table in journal.items():
        model = apps.get_model(label)
        created = [key for first, last in table["created_ranges"] for key in range(first, last + 1)]
        touched = created + [int(pk) for pk in table["before"]]
        old[label] = {"created": created, "before": table["before"], "deleted": table["deleted"],
                      "after": {str(pk): fingerprint(row) for pk, row in sorted(rows_of(model, touched).items())}}
    return old


def test_an_import_recorded_in_the_first_form_of_the_journal_is_undone_exactly_and_refused_alike():
    first = import_files("ssda903", one_child_return("K1"))
    before = dump()
    record = import_files("ssda903", [*one_child_return("K2"), ][:1] + [csv_file("episodes.csv", EPISODES, [
        "K1,01/05/2020,S,V2,N1,U4,PR1,,,,,,", "K2,01/06/2020,S,C2,N1,U4,PR1,01/07/2020,E11,,,,"])])
    assert record.journal["placements.episode"]["written"] and first.pk != record.pk
    record.journal = as_first_written(record.journal)
    record.save()
    child = Child.objects.get(case_ref="K2")
    child.social_worker = "A. Worker"
    child.save()
    assert refused(record).reasons == ["CHILD K2 has been changed since this import."]
    child.social_worker = ""
    child.save()
    undo(record)
    connection.check_constraints()
    assert dump() == before


# --- Refusals -----------------------------------------------------------------------------------------------


def one_child_return(ref="K1", decom="01/05/2020", ls="C2") -> list[SourceFile]:
    return [csv_file("header.csv", HEADER, [f"{ref},1,15/06/2010,WBRI,,,"]),
            csv_file("episodes.csv", EPISODES, [f"{ref},{decom},S,{ls},N1,U4,PR1,,,,,,"])]


def refused(record) -> UndoRefused:
    before = dump()
    with pytest.raises(UndoRefused) as raised:
        undo(record)
    assert dump() == before  # nothing written
    assert not hasattr(ImportRecord.objects.get(pk=record.pk), "undone_by")
    return raised.value


def test_undo_is_refused_when_a_record_the_import_wrote_was_changed_afterwards():
    record = import_files("ssda903", one_child_return())
    child = Child.objects.get(case_ref="K1")
    child.social_worker = "A. Worker"
    child.save()
    reasons = refused(record).reasons
    assert reasons == ["CHILD K1 has been changed since this import."]


def test_undo_is_refused_when_a_record_added_since_refers_to_one_the_import_created():
    record = import_files("ssda903", one_child_return())
    placement = Placement.objects.get(child__case_ref="K1")
    make_cost_line(placement, "1200", placement.start)
    [reason] = refused(record).reasons
    assert reason.startswith("Cost line") and "added since" in reason and "that this import created" in reason


def test_undo_is_refused_when_a_record_the_import_changed_was_deleted_afterwards():
    import_files("ssda903", one_child_return())
    record = import_files("ssda903", one_child_return(ls="V2"))  # changes the placement's legal status
    Placement.objects.get(child__case_ref="K1").delete()
    assert any("has been deleted since this import" in reason for reason in refused(record).reasons)


def test_only_the_latest_import_can_be_undone_and_then_the_one_before():
    first = import_files("ssda903", one_child_return("K1"))
    second = import_files("ssda903", one_child_return("K2"))
    assert latest_import() == second
    assert refused(first).reasons == ["Only the latest import can be undone: undo the ones after it first."]
    undo(second)
    assert not can_undo(second).possible  # undone once
    assert latest_import() == first
    undo(first)
    assert not Child.objects.exists() and not CareSegment.objects.exists() and not ReturnYear.objects.exists()
    assert ImportRecord.objects.filter(kind=ImportRecord.UNDO).count() == 2


# --- Pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_the_history_page_lists_each_import_with_files_who_and_counts_per_record_type(manager_client, manager,
                                                                                   django_assert_max_num_queries):
    for n in range(5):
        import_files("ssda903", one_child_return(f"K{n}"), user=manager)
    with django_assert_max_num_queries(12):
        page = manager_client.get(reverse("import_history"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("SSDA903 return (the 2020/21 return)") == 5
    assert "Children: 1 new, 0 changed, 0 unchanged" in text
    assert "2 files" in text and manager.get_username() in text


def test_the_record_page_lists_each_change_and_undoes_the_import(manager_client, manager):
    import_files("ssda903", one_child_return(), user=manager)
    record = import_files("ssda903", one_child_return(ls="V2"), user=manager)
    page = manager_client.get(reverse("import_record", args=[record.pk])).content.decode()
    assert "Placement of K1 from 01/05/2020" in page and "Undo this import" in page
    assert "header.csv" in page and "episodes.csv" in page
    response = manager_client.post(reverse("import_undo", args=[record.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("import_history")
    text = response.content.decode()
    assert "SSDA903 return import undone." in text and "Placements: 0 removed, 1 put back as they were" in text
    assert Placement.objects.get().legal_status == "C2"
    assert "Undo of the SSDA903 return import" in text


def test_a_refused_undo_shows_the_reasons_and_changes_nothing(manager_client, manager):
    record = import_files("ssda903", one_child_return(), user=manager)
    child = Child.objects.get()
    child.given_name = "Sam"
    child.save()
    response = manager_client.post(reverse("import_undo", args=[record.pk]))
    text = response.content.decode()
    assert response.status_code == 409
    assert "This import cannot be undone" in text and "CHILD K1 has been changed since this import." in text
    assert Child.objects.get().given_name == "Sam"


def test_only_those_who_may_import_see_the_history_or_undo(client, django_user_model, manager):
    record = import_files("ssda903", one_child_return(), user=manager)
    for group in (access.PLACEMENTS_OFFICER, access.SENIOR_MANAGER, access.PANEL_CHAIR, access.PANEL_MEMBER):
        user = django_user_model.objects.create_user(username=f"u-{group}")
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        assert client.get(reverse("import_history")).status_code == 403
        assert client.get(reverse("import_record", args=[record.pk])).status_code == 403
        assert client.post(reverse("import_undo", args=[record.pk])).status_code == 403
    assert Child.objects.exists()


def test_many_records_depending_on_the_import_are_named_up_to_ten_and_the_rest_counted():
    record = import_files("ssda903", one_child_return())
    placement = Placement.objects.get()
    for day in range(12):
        make_cost_line(placement, "100", placement.start + timedelta(days=day), placement.start + timedelta(days=day))
    raised = refused(record)
    assert len(raised.reasons) == 10 and all(reason.startswith("Cost line") for reason in raised.reasons)
    assert raised.more == 2
