"""The SSDA903 import (SPEC section 5): every mapping row, every kind of bad row, re-import, and overlapping years.

Each test writes the few rows it needs; nothing here is about a real child.
"""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from placements.choices import CameFrom, CommissioningRoute, LegalStatus, ReasonEnded, RecordSource, Sex
from placements.imports import ImportRefused, SourceFile
from placements.imports.quality import overlapping_placements
from placements.imports.ssda903 import ssda903_apply, ssda903_plan
from placements.models import (
    Child,
    DeprivationOfLiberty,
    Episode,
    Framework,
    FrameworkMembership,
    LegalStatusPeriod,
    Placement,
)
from tests.factories import make_child, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
DOLO = "CHILD,DOB,DOLO_START,DOLO_END"
UASC = "CHILD,SEX,DOB,DUC"
TODAY = date(2026, 11, 26)


def csv_file(name: str, header: str, *rows: str) -> SourceFile:
    return SourceFile(name, ("\n".join([header, *rows]) + "\n").encode())


def header(*rows: str) -> SourceFile:
    return csv_file("header.csv", HEADER, *rows)


def episodes(*rows: str, name: str = "episodes.csv") -> SourceFile:
    return csv_file(name, EPISODES, *rows)


def episode(child="C1", decom="01/01/2020", rne="S", ls="C2", place="U4", provider="PR1", dec="", rec="",
            change="", urn="") -> str:
    return f"{child},{decom},{rne},{ls},N1,{place},{provider},{dec},{rec},{change},,,{urn}"


def run(*files: SourceFile):
    plan = ssda903_plan(list(files), today=TODAY)
    assert not plan.result.errors, [str(e) for e in plan.result.errors]
    return ssda903_apply(plan)


def fingerprint():
    """Everything the import writes, to show a refused file wrote nothing."""
    return (
        sorted(Child.objects.values_list("case_ref", "sex", "date_of_birth", "legal_status", "uasc")),
        sorted(Placement.objects.values_list("child__case_ref", "start", "end", "category", "provider_id", "route")),
        sorted(Episode.objects.values_list("child__case_ref", "decom", "dec", "placement_id", "return_year")),
        sorted(LegalStatusPeriod.objects.values_list("child__case_ref", "start", "end", "legal_status")),
        sorted(DeprivationOfLiberty.objects.values_list("child__case_ref", "start", "end")),
    )


ONE_CHILD = "C1,1,15/06/2008,WBRI,,,"


# --- Every mapping row of SPEC section 5 -----------------------------------------------------

MAPPINGS = [
    # PLACE, PLACE_PROVIDER, category
    ("U1", "PR1", "fostering_kinship"), ("U2", "PR1", "fostering_kinship"), ("U3", "PR4", "fostering_kinship"),
    ("U4", "PR1", "fostering_internal"), ("U5", "PR1", "fostering_internal"), ("U6", "PR1", "fostering_internal"),
    ("U4", "PR4", "fostering_ifa"), ("U5", "PR5", "fostering_ifa"), ("U6", "PR4", "fostering_ifa"),
    ("U4", "PR2", "fostering_ifa"),
    ("K2", "PR4", "residential"), ("R1", "PR4", "residential"),
    ("K1", "PR2", "secure"),
    ("K3", "PR4", "supported_accommodation"),
    ("H5", "PR4", "unregulated"), ("P2", "PR4", "unregulated"), ("Z1", "PR4", "unregulated"),
    ("Z11", "PR4", "unregulated"), ("Z12", "PR4", "unregulated"), ("Z13", "PR5", "unregulated"),
    ("Z14", "PR4", "unregulated"),
    ("P1", "PR0", "placed_with_parents"),
    ("A3", "PR1", "other"), ("A4", "PR1", "other"), ("A5", "PR2", "other"), ("A6", "PR5", "other"),
    ("P3", "PR4", "other"), ("R2", "PR3", "other"), ("R3", "PR4", "other"), ("R5", "PR3", "other"),
    ("S1", "PR3", "other"),
    ("T0", "", "other"), ("T1", "PR3", "other"), ("T2", "", "other"), ("T3", "PR1", "other"), ("T4", "PR4", "other"),
]


@pytest.mark.parametrize("place, provider, category", MAPPINGS, ids=[f"{p}-{pp or 'none'}" for p, pp, _ in MAPPINGS])
def test_each_place_code_maps_to_the_category_the_spec_gives(place, provider, category):
    run(header(ONE_CHILD), episodes(episode(place=place, provider=provider)))
    placement = Placement.objects.get()
    assert placement.category == category
    assert placement.place_code == place  # kept, so trackers can tell temporary placements (T0-T4) apart


@pytest.mark.parametrize("provider, route", [("PR0", "internal"), ("PR1", "internal"), ("PR2", "spot"),
                                             ("PR3", "spot"), ("PR4", "spot"), ("PR5", "spot")])
def test_the_route_is_internal_for_the_councils_own_provision_and_spot_otherwise(provider, route):
    place = "P1" if provider == "PR0" else "U4"
    run(header(ONE_CHILD), episodes(episode(place=place, provider=provider)))
    assert Placement.objects.get().route == route


def test_the_route_is_framework_when_the_provider_is_on_a_framework_on_the_start_day():
    home = make_provider(urn="SC100001")
    framework = Framework.objects.create(name="Regional Residential", category="residential", lead_authority="Anyshire")
    FrameworkMembership.objects.create(provider=home, framework=framework, start=date(2020, 3, 1))
    run(header(ONE_CHILD), episodes(
        episode(decom="01/01/2020", place="K2", provider="PR4", urn="SC100001", dec="01/04/2020", rec="X1"),
        episode(decom="01/04/2020", rne="P", place="K2", provider="PR4", urn="sc100001"),
    ))
    before, after = Placement.objects.order_by("start")
    assert (before.route, after.route) == (CommissioningRoute.SPOT, CommissioningRoute.FRAMEWORK)
    assert before.provider == after.provider == home  # URNs match whatever their case


def test_a_known_urn_links_the_provider_and_an_unknown_urn_leaves_it_empty_without_error():
    known = make_provider(urn="SC100001")
    result = run(header(ONE_CHILD, "C2,2,01/01/2009,WBRI,,,"), episodes(
        episode(child="C1", place="K2", provider="PR4", urn="SC100001"),
        episode(child="C2", place="K2", provider="PR4", urn="SC999999"),
    ))
    assert not result.errors
    assert Placement.objects.get(child__case_ref="C1").provider == known
    assert Placement.objects.get(child__case_ref="C2").provider is None


def test_placed_with_parents_has_no_provider_even_with_a_urn():
    make_provider(urn="SC100001")
    run(header(ONE_CHILD), episodes(episode(place="P1", provider="PR0", urn="SC100001")))
    assert Placement.objects.get().provider is None


@pytest.mark.parametrize("code, sex", [("1", Sex.MALE), ("2", Sex.FEMALE), ("M", Sex.MALE), ("F", Sex.FEMALE),
                                       ("U", Sex.UNKNOWN)])
def test_sex_is_read_in_either_coding(code, sex):
    run(header(f"C1,{code},15/06/2008,WBRI,,,"), episodes(episode()))
    assert Child.objects.get().sex == sex


def test_an_imported_child_has_the_header_details_no_name_and_the_latest_legal_status():
    run(header("C1,2,15/06/2008,BAFR,,,"), episodes(
        episode(decom="01/01/2020", ls="C1", dec="01/03/2020", rec="X1"),
        episode(decom="01/03/2020", rne="L", ls="C2"),
    ))
    child = Child.objects.get()
    assert (child.date_of_birth, child.sex, child.ethnicity) == (date(2008, 6, 15), Sex.FEMALE, "African")
    assert child.legal_status == LegalStatus.C2
    assert child.source == RecordSource.IMPORT
    assert (child.given_name, child.family_name) == ("", "")
    assert child.full_name == "C1" and str(child) == "C1"


# --- Placements from episodes ------------------------------------------------------------------


def test_rne_l_continues_the_placement_and_records_the_change_of_legal_status():
    run(header(ONE_CHILD), episodes(
        episode(decom="01/01/2020", rne="S", ls="C1", place="U4", dec="01/03/2020", rec="X1"),
        episode(decom="01/03/2020", rne="L", ls="C2", place="U4", dec="01/06/2020", rec="X1", change="CARPL"),
        episode(decom="01/06/2020", rne="P", ls="C2", place="K2", provider="PR4"),
    ))
    fostering, residential = Placement.objects.order_by("start")
    assert (fostering.start, fostering.end) == (date(2020, 1, 1), date(2020, 6, 1))
    assert fostering.legal_status == LegalStatus.C1  # the status when the placement began
    assert fostering.reason_ended == ReasonEnded.MOVED
    assert (residential.start, residential.end, residential.came_from) == (date(2020, 6, 1), None, CameFrom.FOSTERING)
    periods = list(LegalStatusPeriod.objects.values_list("legal_status", "start", "end"))
    assert periods == [("C1", date(2020, 1, 1), date(2020, 3, 1)), ("C2", date(2020, 3, 1), None)]
    assert [e.placement for e in Episode.objects.order_by("decom")] == [fostering, fostering, residential]


@pytest.mark.parametrize("rne", ["P", "B", "T", "U", "S"])
def test_every_other_rne_starts_a_new_placement(rne):
    run(header(ONE_CHILD), episodes(
        episode(decom="01/01/2020", dec="01/03/2020", rec="X1"),
        episode(decom="01/03/2020", rne=rne),
    ))
    assert Placement.objects.count() == 2


def test_an_rne_l_after_a_gap_starts_a_placement_of_its_own():
    run(header(ONE_CHILD), episodes(
        episode(decom="01/01/2020", dec="01/03/2020", rec="E4A"),
        episode(decom="01/05/2020", rne="L"),
    ))
    assert Placement.objects.count() == 2


@pytest.mark.parametrize("rec, change, reason", [
    ("E11", "", ReasonEnded.ADOPTED), ("E45", "", ReasonEnded.SPECIAL_GUARDIANSHIP),
    ("E4A", "", ReasonEnded.RETURNED_HOME), ("E17", "", ReasonEnded.TURNED_18), ("E9", "", ReasonEnded.OTHER),
    ("X1", "CARPL", ReasonEnded.MOVED), ("X1", "CREQB", ReasonEnded.BREAKDOWN), ("", "", ReasonEnded.OTHER),
])
def test_the_reason_a_placement_ended_comes_from_rec(rec, change, reason):
    run(header(ONE_CHILD), episodes(episode(dec="01/03/2020", rec=rec, change=change)))
    assert Placement.objects.get().reason_ended == reason


def test_where_the_child_came_from_looks_through_a_temporary_placement_and_starts_at_home():
    run(header(ONE_CHILD), episodes(
        episode(decom="01/01/2020", rne="S", place="K2", provider="PR4", dec="01/03/2020", rec="X1"),
        episode(decom="01/03/2020", rne="P", place="T3", provider="PR1", dec="10/03/2020", rec="X1"),
        episode(decom="10/03/2020", rne="P", place="U4", dec="01/05/2020", rec="E4A"),
        episode(decom="01/09/2020", rne="S", place="U6", provider="PR4"),
    ))
    residential, temporary, fostering, again = Placement.objects.order_by("start")
    assert residential.came_from == CameFrom.HOME
    assert temporary.came_from == CameFrom.RESIDENTIAL
    assert fostering.came_from == CameFrom.RESIDENTIAL  # the temporary stay is not where the child came from
    assert again.came_from == CameFrom.HOME  # a new period of care


def test_short_breaks_are_kept():
    run(header(ONE_CHILD), episodes(episode(ls="V3")))
    assert Placement.objects.get().legal_status == LegalStatus.V3


def test_dol_orders_and_uasc_come_from_their_tables():
    run(header(ONE_CHILD), episodes(episode()),
        csv_file("dolo.csv", DOLO, "C1,15/06/2008,01/02/2024,", "C1,15/06/2008,01/01/2023,31/12/2023"),
        csv_file("uasc.csv", UASC, "C1,1,15/06/2008,15/06/2026"))
    assert sorted(DeprivationOfLiberty.objects.values_list("start", "end")) == [
        (date(2023, 1, 1), date(2023, 12, 31)), (date(2024, 2, 1), None)]
    assert Child.objects.get().uasc


def test_a_dol_order_for_a_child_already_here_needs_no_episodes_in_the_file():
    run(header(ONE_CHILD), episodes(episode()))
    result = run(csv_file("dolo.csv", DOLO, "C1,15/06/2008,01/02/2024,"))
    assert result.counts["DoL orders"].new == 1 and DeprivationOfLiberty.objects.get().start == date(2024, 2, 1)


def test_a_reimport_that_ends_a_dol_order_changes_its_end_and_adds_nothing():
    run(header(ONE_CHILD), episodes(episode()), csv_file("dolo.csv", DOLO, "C1,15/06/2008,01/02/2024,"))
    result = run(csv_file("dolo.csv", DOLO, "C1,15/06/2008,01/02/2024,30/06/2024"))
    counts = result.counts["DoL orders"]
    assert (counts.new, counts.changed, counts.unchanged) == (0, 1, 0)
    assert list(DeprivationOfLiberty.objects.values_list("start", "end")) == [(date(2024, 2, 1), date(2024, 6, 30))]
    again = run(csv_file("dolo.csv", DOLO, "C1,15/06/2008,01/02/2024,30/06/2024")).counts["DoL orders"]
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)


def test_a_header_row_for_a_child_with_no_episodes_is_left_out_and_said():
    result = run(header(ONE_CHILD, "C2,2,01/01/2009,WBRI,,,"), episodes(episode(child="C1")))
    assert list(Child.objects.values_list("case_ref", flat=True)) == ["C1"]
    assert any("no episodes" in note for note in result.notes)


def test_a_valid_but_worrying_row_imports_normally():
    """A 15-year-old in unregulated provision, a placement in a home rated inadequate: worrying, not bad."""
    home = make_provider(urn="SC100001")
    make_inspection(home, inspection_date=date(2019, 6, 1), overall="inadequate")
    result = run(header("C1,1,01/01/2005,WBRI,,,", "C2,2,01/01/2008,WBRI,,,"), episodes(
        episode(child="C1", decom="01/02/2020", place="P2", provider="PR4"),
        episode(child="C2", decom="01/02/2020", place="K2", provider="PR4", urn="SC100001"),
    ))
    assert result.errors == [] and result.applied
    assert Placement.objects.filter(category="unregulated").count() == 1
    assert Placement.objects.get(child__case_ref="C2").provider == home


def test_a_placement_entered_by_hand_is_matched_by_start_and_keeps_what_the_903_does_not_carry():
    child = make_child(case_ref="C1", given_name="Sam", family_name="Tester", date_of_birth=date(2008, 6, 15))
    placement = make_placement(child, None, category="fostering_internal", start=date(2020, 1, 1),
                               planned_end=date(2022, 1, 1), desired_category="fostering_kinship",
                               route=CommissioningRoute.BLOCK)
    run(header(ONE_CHILD), episodes(episode(decom="01/01/2020", dec="01/06/2020", rec="X1")))
    placement.refresh_from_db()
    assert Placement.objects.count() == 1
    assert placement.end == date(2020, 6, 1)
    assert (placement.planned_end, placement.desired_category) == (date(2022, 1, 1), "fostering_kinship")
    assert placement.route == CommissioningRoute.BLOCK  # a block contract is recorded by hand and kept
    assert Child.objects.get().full_name == "Sam Tester"  # the 903 has no names: the name stays


# --- Bad rows: the file writes nothing and every bad row is listed -----------------------------

BAD_ROWS = [
    ("unknown PLACE code", [episode(place="Q9")], "episodes.csv", 2, "PLACE", "Q9", "is not an SSDA903 PLACE code"),
    ("unknown LS code", [episode(ls="X5")], "episodes.csv", 2, "LS", "X5", "is not an SSDA903 LS code"),
    ("unknown RNE code", [episode(rne="Q")], "episodes.csv", 2, "RNE", "Q", "is not an SSDA903 RNE code"),
    ("unknown REC code", [episode(dec="01/03/2020", rec="E99")], "episodes.csv", 2, "REC", "E99",
     "is not an SSDA903 REC code"),
    ("impossible date", [episode(decom="31/02/2020")], "episodes.csv", 2, "DECOM", "31/02/2020", "is not a real date"),
    ("date not dd/mm/yyyy", [episode(decom="2020-01-01")], "episodes.csv", 2, "DECOM", "2020-01-01",
     "is not a date written dd/mm/yyyy"),
    ("date in the future", [episode(decom="01/01/2030")], "episodes.csv", 2, "DECOM", "01/01/2030", "is in the future"),
    ("DECOM after DEC", [episode(decom="01/03/2020", dec="01/02/2020", rec="X1")], "episodes.csv", 2, "DEC",
     "01/02/2020", "is not after DECOM"),
    ("DECOM before birth", [episode(decom="01/01/2008")], "episodes.csv", 2, "DECOM", "01/01/2008",
     "before the child's date of birth"),
    ("no PLACE_PROVIDER", [episode(provider="")], "episodes.csv", 2, "PLACE_PROVIDER", "", "PLACE_PROVIDER is missing"),
    ("episode for a child not in the header", [episode(child="C9")], "episodes.csv", 2, "CHILD", "C9",
     "is not in the header file"),
    ("duplicate key", [episode(), episode(place="K2", provider="PR4")], "episodes.csv", 3, "DECOM", "01/01/2020",
     "two episodes starting this day"),
]


@pytest.mark.parametrize("name, rows, file, line, column, value, reason", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_a_file_with_a_bad_row_writes_nothing_and_says_where_and_why(name, rows, file, line, column, value, reason):
    run(header("C0,1,01/01/2010,WBRI,,,"), episodes(episode(child="C0", decom="01/01/2019")))
    before = fingerprint()
    plan = ssda903_plan([header(ONE_CHILD), episodes(*rows)], today=TODAY)
    [error] = plan.result.errors
    assert (error.file, error.line, error.column, error.value) == (file, line, column, value)
    assert reason in error.reason
    with pytest.raises(ImportRefused):
        ssda903_apply(plan)
    assert fingerprint() == before


def test_every_bad_row_is_listed_not_just_the_first():
    plan = ssda903_plan([
        header(ONE_CHILD, "C2,7,01/01/2009,WBRI,,,", "C1,1,15/06/2008,WBRI,,,"),
        episodes(episode(place="Q9"), episode(child="C3"), episode(decom="01/02/2020", ls="ZZ")),
    ], today=TODAY)
    where = sorted((e.file, e.line, e.column) for e in plan.result.errors)
    assert where == [("episodes.csv", 2, "PLACE"), ("episodes.csv", 3, "CHILD"), ("episodes.csv", 4, "LS"),
                     ("header.csv", 3, "SEX"), ("header.csv", 4, "CHILD")]


def test_rows_of_a_child_whose_header_row_is_bad_are_not_reported_twice():
    plan = ssda903_plan([header("C1,7,15/06/2008,WBRI,,,"), episodes(episode())], today=TODAY)
    assert [(e.file, e.column) for e in plan.result.errors] == [("header.csv", "SEX")]


def test_a_dol_order_whose_date_of_birth_is_not_the_childs_is_refused():
    plan = ssda903_plan([header(ONE_CHILD), episodes(episode()), csv_file("dolo.csv", DOLO, "C1,16/06/2008,01/02/2024,")],
                        today=TODAY)
    [error] = plan.result.errors
    assert (error.file, error.column) == ("dolo.csv", "DOB") and "does not match" in error.reason


def test_a_file_of_the_wrong_kind_says_which_columns_were_expected():
    plan = ssda903_plan([csv_file("placements.csv", "CHILD,START,TYPE", "C1,01/01/2020,U4")], today=TODAY)
    [error] = plan.result.errors
    assert (error.file, error.line) == ("placements.csv", 1)
    assert "Episodes: CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC" in error.reason
    assert "Header: CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB" in error.reason
    assert "Found: CHILD, START, TYPE" in error.reason


def test_tables_this_app_does_not_use_are_left_alone():
    result = run(header(ONE_CHILD), episodes(episode()),
                 csv_file("reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE", "C1,15/06/2008,01/02/2020,PN1"))
    assert any("reviews.csv is the SSDA903 Reviews table" in note for note in result.notes)


# --- Re-import and several years -------------------------------------------------------------


def test_reimporting_the_same_files_changes_nothing():
    files = [header(ONE_CHILD, "C2,2,01/01/2009,WBRI,,,"), episodes(
        episode(child="C1", decom="01/01/2020", dec="01/03/2020", rec="X1"),
        episode(child="C1", decom="01/03/2020", rne="L", ls="C1", dec="01/06/2020", rec="X1"),
        episode(child="C1", decom="01/06/2020", rne="P", place="K2", provider="PR4"),
        episode(child="C2", decom="05/05/2021", place="P1", provider="PR0"),
    ), csv_file("dolo.csv", DOLO, "C1,15/06/2008,01/02/2024,")]
    run(*files)
    before = fingerprint()
    result = run(*files)
    assert (result.new, result.changed) == (0, 0)
    assert result.unchanged > 0
    assert fingerprint() == before


YEAR_1 = [  # the 2019/20 return: C1's placement is open at the year end
    header(ONE_CHILD),
    episodes(episode(decom="01/06/2019", ls="C1", place="U4", dec="01/09/2019", rec="X1"),
             episode(decom="01/09/2019", rne="L", ls="C2", place="U4"), name="episodes_2019.csv"),
]
YEAR_2 = [  # the 2020/21 return: the same episode, now closed, then a move
    header(ONE_CHILD),
    episodes(episode(decom="01/09/2019", rne="L", ls="C2", place="U4", dec="10/10/2020", rec="X1", change="CREQB"),
             episode(decom="10/10/2020", rne="P", ls="C2", place="K2", provider="PR4"), name="episodes_2020.csv"),
]


def test_two_overlapping_years_reconcile_and_the_later_return_wins():
    run(*YEAR_1)
    result = run(*YEAR_2)
    assert result.counts["Episodes"].changed == 1 and result.counts["Episodes"].new == 1
    fostering, residential = Placement.objects.order_by("start")
    assert (fostering.start, fostering.end, fostering.reason_ended) == (date(2019, 6, 1), date(2020, 10, 10), "breakdown")
    assert fostering.legal_status == LegalStatus.C1
    assert (residential.start, residential.end, residential.came_from) == (date(2020, 10, 10), None, "fostering")
    assert Episode.objects.get(decom=date(2019, 9, 1)).return_year == 2020
    assert list(LegalStatusPeriod.objects.values_list("legal_status", "start", "end")) == [
        ("C1", date(2019, 6, 1), date(2019, 9, 1)), ("C2", date(2019, 9, 1), None)]


def test_the_years_give_the_same_result_in_either_order():
    run(*YEAR_1)
    run(*YEAR_2)
    forwards = fingerprint()
    for model in (Episode, LegalStatusPeriod, Placement, Child):
        model.objects.all().delete()
    run(*YEAR_2)
    result = run(*YEAR_1)  # the earlier return, loaded after: the later one's episode stays
    assert any("later return" in note for note in result.notes)
    assert fingerprint()[:2] == forwards[:2]
    assert [row[:3] + row[4:] for row in fingerprint()[2]] == [row[:3] + row[4:] for row in forwards[2]]
    assert fingerprint()[3] == forwards[3]


def test_an_earlier_return_loaded_later_joins_its_episodes_to_the_placement_they_begin():
    """The placement follows its episodes: loading the year before adds the episode that opened it."""
    run(*YEAR_2)
    later_first = Placement.objects.get(start=date(2019, 9, 1))
    run(*YEAR_1)
    later_first.refresh_from_db()
    assert later_first.start == date(2019, 6, 1)  # the same placement, now starting where the earlier return says
    assert Placement.objects.count() == 2


def test_an_episode_a_later_return_says_began_a_placement_moves_into_that_new_placement():
    """Found by the load test's imports: a return that makes a stored episode the start of a placement (RNE L
    last year, P this year) puts it in a new placement, written with the rest; before, planning it failed with
    a ValueError and the import wrote nothing."""
    run(header(ONE_CHILD), episodes(episode(decom="01/01/2020", dec="01/03/2020", rec="X1"),
                                    episode(decom="01/03/2020", rne="L", ls="C1"), name="episodes_2019.csv"))
    moved = Episode.objects.get(decom=date(2020, 3, 1))
    assert Placement.objects.count() == 1 and moved.placement.start == date(2020, 1, 1)
    result = run(header(ONE_CHILD),
                 episodes(episode(decom="01/01/2020", dec="01/03/2020", rec="X1", change="CREQB"),
                          episode(decom="01/03/2020", rne="P", ls="C1", place="K2", provider="PR4"),
                          name="episodes_2020.csv"))
    assert result.applied
    moved.refresh_from_db()
    first, second = Placement.objects.order_by("start")
    assert (first.start, first.end) == (date(2020, 1, 1), date(2020, 3, 1))
    assert moved.placement == second and (second.start, second.category) == (date(2020, 3, 1), "residential")
    assert list(second.episodes.values_list("decom", flat=True)) == [date(2020, 3, 1)]


def test_a_placement_whose_episodes_join_another_is_left_and_said():
    run(header(ONE_CHILD), episodes(episode(decom="01/01/2020", dec="01/03/2020", rec="E4A"),
                                    episode(decom="05/03/2020", rne="L"), name="episodes_2019.csv"))
    assert Placement.objects.count() == 2  # a gap: the L episode cannot continue the first placement
    result = run(header(ONE_CHILD), episodes(episode(decom="01/01/2020", dec="05/03/2020", rec="X1"),
                                             episode(decom="05/03/2020", rne="L"), name="episodes_2020.csv"))
    assert any("no longer match" in note for note in result.notes)
    assert Placement.objects.count() == 2
    assert overlapping_placements().count() == 1  # the data quality page shows it


# --- The command ---------------------------------------------------------------------------


def write(folder: Path, source: SourceFile) -> Path:
    path = folder / source.name
    path.write_bytes(source.data)
    return path


def test_the_command_imports_files_and_folders(tmp_path, capsys):
    write(tmp_path, header(ONE_CHILD))
    write(tmp_path, episodes(episode()))
    call_command("import_ssda903", str(tmp_path))
    out = capsys.readouterr().out
    # Progress as it goes, each file named with its folder (DfE's file names are the same every year).
    assert f"Read {tmp_path.name}/episodes.csv: 1 rows (Episodes)." in out
    assert "Imported 2 rows" in out and "4 new, 0 changed, 0 unchanged." in out  # child, placement, episode, period
    assert Placement.objects.count() == 1


def test_the_command_lists_every_bad_row_and_exits_with_code_2(tmp_path, capsys):
    paths = [write(tmp_path, header(ONE_CHILD)), write(tmp_path, episodes(episode(place="Q9"), episode(child="C9")))]
    with pytest.raises(CommandError) as raised:
        call_command("import_ssda903", *map(str, paths))
    assert raised.value.returncode == 2
    err = capsys.readouterr().err
    assert "episodes.csv (the 2019/20 return), line 2, CHILD C1, PLACE: 'Q9' is not an SSDA903 PLACE code." in err
    assert "episodes.csv (the 2019/20 return), line 3, CHILD: 'C9' is not in the header file" in err
    assert Child.objects.count() == 0
    # The refusal names the file with the bad rows, not the good header beside it.
    assert "bad row(s) in episodes.csv." in str(raised.value)
    assert "header.csv" not in str(raised.value)


def test_the_command_checks_without_writing_on_a_dry_run(tmp_path):
    paths = [write(tmp_path, header(ONE_CHILD)), write(tmp_path, episodes(episode()))]
    call_command("import_ssda903", *map(str, paths), "--dry-run")
    assert Child.objects.count() == 0


DEMAND_MODEL = Path(__file__).parent.parent / "data" / "ssda903" / "demand-model-v1"


def test_the_demand_model_years_2017_then_2018_load_in_turn():
    """Synthetic returns (Data to Insight's demand-model sample): an episode open at the end of 2017/18 is closed
    by the 2018/19 return, and loading the earlier year again changes nothing."""
    call_command("import_ssda903", str(DEMAND_MODEL / "2017"), verbosity=0)
    open_at_year_end = {(ref, decom) for ref, decom in Episode.objects.filter(dec__isnull=True)
                        .values_list("child__case_ref", "decom")}
    call_command("import_ssda903", str(DEMAND_MODEL / "2018"), verbosity=0)
    assert Episode.objects.filter(return_year=2018).exists()
    closed = Episode.objects.filter(dec__isnull=False, return_year=2018).values_list("child__case_ref", "decom")
    closed_by_next_year = open_at_year_end & set(closed)
    assert closed_by_next_year, "the 2018/19 return closes episodes that 2017/18 left open"
    ref, decom = sorted(closed_by_next_year)[0]
    episode = Episode.objects.get(child__case_ref=ref, decom=decom)
    assert episode.placement.end == max(e.dec for e in episode.placement.episodes.all())
    before = fingerprint()
    call_command("import_ssda903", str(DEMAND_MODEL / "2017"), verbosity=0)  # the earlier year again: no change
    assert fingerprint() == before


def test_a_change_to_a_child_already_here_is_listed_field_by_field_with_date_of_birth_and_sex_first():
    run(header("C1,1,15/06/2010,WBRI,,,"), episodes(episode(decom="01/01/2021")))
    plan = ssda903_plan([header("C1,2,16/06/2010,WIRI,,,"), episodes(episode(decom="01/01/2021", dec="01/03/2021",
                                                                             rec="E11"))], today=TODAY)
    changes = [(c.record, c.field, c.old, c.new, c.second_look) for c in plan.result.sorted_changes()]
    assert changes[:2] == [("Child C1", "sex", "M", "F", True),
                           ("Child C1", "date of birth", "15/06/2010", "16/06/2010", True)]
    assert [c[1:3] for c in changes if c[1] == "ethnicity"] == [("ethnicity", Child.objects.get().ethnicity)]
    assert ("Episode of C1 from 01/01/2021", "DEC", "", "01/03/2021", False) in changes
    assert ("Placement of C1 from 01/01/2021", "end", "", "01/03/2021", False) in changes


def test_the_dry_run_prints_every_changed_field(tmp_path, capsys):
    run(header("C1,1,15/06/2010,WBRI,,,"), episodes(episode(decom="01/01/2021")))
    (tmp_path / "header.csv").write_text(HEADER + "\nC1,1,15/06/2011,WBRI,,,\n")
    (tmp_path / "episodes.csv").write_text(EPISODES + "\n" + episode(decom="01/01/2021") + "\n")
    call_command("import_ssda903", str(tmp_path), "--dry-run")
    out = capsys.readouterr().out
    assert "Changed: Child C1: date of birth 15/06/2010 -> 15/06/2011 (check this" in out
    assert Child.objects.get().date_of_birth == date(2010, 6, 15)


def test_a_child_longer_than_a_case_reference_is_a_bad_row_not_a_record_no_form_can_save():
    long_ref = "C" * 100
    plan = ssda903_plan([header(f"{long_ref},1,15/06/2010,WBRI,,,"), episodes(episode(child=long_ref))], today=TODAY)
    assert ("CHILD", "is longer than a case reference can be (32 characters).") in {
        (error.column, error.reason) for error in plan.result.errors}
