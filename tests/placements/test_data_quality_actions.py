"""Data quality that can be acted on (issue 19, item 5): the return's episode rows on the child's and the
placement's pages with overlaps marked, a day to choose, and downloads that go straight back into an import."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from placements.imports import KINDS, SourceFile, quality
from placements.models import CostLine, Episode, Placement
from tests.factories import make_child, make_cost_line, make_placement

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"


def import_return(*episode_rows: str):
    files = [SourceFile("header.csv", f"{HEADER}\nK1,1,15/06/2010,WBRI,,,\n".encode()),
             SourceFile("episodes.csv", ("\n".join([EPISODES, *episode_rows]) + "\n").encode())]
    plan = KINDS["ssda903"].plan(files)
    assert plan.result.ok, [str(e) for e in plan.result.errors]
    KINDS["ssda903"].apply(plan)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_episodes_that_follow_each_other_do_not_overlap_and_one_beginning_inside_another_does():
    import_return("K1,01/05/2020,S,C2,N1,U4,PR1,01/08/2020,X1,,,,",  # ends the day the next begins: fine
                  "K1,01/08/2020,P,C2,N1,U4,PR1,01/12/2020,X1,,,,",
                  "K1,01/10/2020,P,C2,N1,K2,PR4,,,,,,")  # begins inside the one before
    rows = quality.episode_rows(Episode.objects.first().child_id)
    assert [(r.episode.decom, r.begins_inside, r.overlapped_by) for r in rows] == [
        (date(2020, 5, 1), None, None),
        (date(2020, 8, 1), None, date(2020, 10, 1)),
        (date(2020, 10, 1), date(2020, 8, 1), None),
    ]


def test_the_child_and_placement_pages_show_the_returns_rows_with_the_overlap_marked(manager_client):
    import_return("K1,01/05/2020,S,C2,N1,U4,PR1,,,,,,", "K1,01/10/2020,P,V2,N1,K2,PR4,,,,,,SC123456")
    child_id = Episode.objects.first().child_id
    page = manager_client.get(reverse("child_detail", args=[child_id])).content.decode()
    assert "Episodes in the SSDA903 return" in page and "Some of these episodes overlap" in page
    for text in ("01/05/2020", "01/10/2020", "SC123456", "PR4", "K2", "V2", "Open", "2020/21",
                 "the episode from 01/10/2020 begins inside it", "begins inside the episode from 01/05/2020"):
        assert text in page
    first = Placement.objects.order_by("start").first()
    page = manager_client.get(reverse("placement_detail", args=[first.pk])).content.decode()
    assert "01/05/2020" in page and "the episode from 01/10/2020 begins inside it" in page
    assert "SC123456" not in page  # the other placement's row is on its own page


def test_a_child_entered_by_hand_says_it_has_no_episodes(manager_client):
    child = make_child()
    page = manager_client.get(reverse("child_detail", args=[child.pk])).content.decode()
    assert "No episodes: this record was not imported from an SSDA903 return." in page


def test_the_data_quality_page_looks_at_the_day_chosen(manager_client):
    make_placement(make_child(case_ref="EARLY"), None, start=date(2021, 1, 1), end=date(2021, 6, 1),
                   reason_ended="moved")
    make_placement(make_child(case_ref="LATE"), None, start=date(2023, 1, 1))
    page = manager_client.get(reverse("data_quality"), {"on": "2021-03-01"}).content.decode()
    section = page[page.index('id="no-cost-line"'):page.index('id="no-provider"')]
    assert "EARLY" in section and "LATE" not in section
    assert 'value="2021-03-01"' in page and "as at 1 March 2021" in page


def test_a_day_that_is_not_plausible_is_refused_with_the_field_named(manager_client):
    response = manager_client.get(reverse("data_quality"), {"on": "1899-01-01"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and 'href="#id_on"' in page and "check the year" in page


def test_downloads_write_dates_as_the_imports_read_them(manager_client):
    make_placement(make_child(case_ref="NO-COST"), None, start=date(2023, 1, 5))
    response = manager_client.get(reverse("data_quality"), {"on": "2023-06-01", "section": "no-cost-line",
                                                             "_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Start"] == "05/01/2023"


def test_the_placements_with_no_cost_line_download_as_a_costs_file_that_goes_straight_back_in(manager_client):
    placement = make_placement(make_child(case_ref="NO-COST"), None, start=date(2023, 1, 5))
    costed = make_placement(make_child(case_ref="COSTED"), None, start=date(2023, 1, 5))
    make_cost_line(costed, "700", costed.start)
    response = manager_client.get(reverse("data_quality"), {"on": "2023-06-01", "section": "no-cost-line",
                                                             "_export": "costs"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["CHILD"], r["DECOM"], r["FROM"], r["WEEKLY_AMOUNT"]) for r in rows] == [
        ("NO-COST", "05/01/2023", "05/01/2023", "")]
    # The manager fills in the amount and imports the file as it is.
    rows[0]["WEEKLY_AMOUNT"] = "1250.00"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    plan = KINDS["costs"].plan([SourceFile("costs.csv", out.getvalue().encode())])
    assert plan.result.ok, [str(e) for e in plan.result.errors]
    KINDS["costs"].apply(plan)
    line = CostLine.objects.get(placement=placement)
    assert (str(line.weekly_amount), line.date_from, line.kind) == ("1250.00", date(2023, 1, 5), "core")
