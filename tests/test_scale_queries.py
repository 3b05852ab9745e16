"""The pages issue 9 benchmarks (bench/scale.py) make no more queries for 30 children than for 3.

Each world holds what the pages read: placements that ended and that are open, in residential,
unregulated and fostering provision, cost lines that ended and that run on, additional costs, DoL orders,
an inadequate Ofsted rating, children of every age the rules care about, and a panel that has met.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from panel.choices import Rule
from panel.models import PanelMeeting, PanelReview
from placements.choices import PlacementCategory
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db

SUNDAY = date(2024, 3, 10)
HELD = date(2024, 2, 29)  # a panel that has met, so some children have been reviewed
SMALL_MEETING, BIG_MEETING = date(2024, 3, 14), date(2024, 3, 28)  # planned, agenda not built yet

OPEN_KINDS = [PlacementCategory.RESIDENTIAL, PlacementCategory.UNREGULATED, PlacementCategory.FOSTERING_IFA]
BORN = [date(2012, 5, 1), date(2008, 1, 20), date(2006, 6, 1), date(2010, 11, 30)]  # 11, 16, 17 (18 in June), 13


def build_world(n: int, prefix: str) -> list:
    """``n`` children, each with an ended placement and an open one of a kind that turns with ``n``."""
    home = make_provider(name=f"{prefix} home", urn=f"{prefix}-HOME")
    make_inspection(home, inspection_date=date(2023, 9, 1), overall="good")
    make_inspection(home, inspection_date=date(2024, 3, 12), overall="inadequate")  # after the placements began
    lodgings = make_provider(name=f"{prefix} lodgings", urn=None, regulated=False, provision="other")
    agency = make_provider(name=f"{prefix} agency", urn=f"{prefix}-IFA", provision="fostering_agency")
    providers = {PlacementCategory.RESIDENTIAL: home, PlacementCategory.UNREGULATED: lodgings,
                 PlacementCategory.FOSTERING_IFA: agency}
    meeting = PanelMeeting.objects.get_or_create(date=HELD, defaults={"chair": "Chris Chair", "status": "held"})[0]
    children = []
    for i in range(n):
        kind = OPEN_KINDS[i % len(OPEN_KINDS)]
        child = make_child(case_ref=f"{prefix}{i:03d}", family_name=f"Family{i}", team=f"Team {i % 3}",
                           date_of_birth=BORN[i % len(BORN)])
        first = make_placement(child, agency, category=PlacementCategory.FOSTERING_IFA, start=date(2022, 1, 1),
                               end=SUNDAY - timedelta(days=i % 7), reason_ended="moved")
        make_cost_line(first, "950", first.start, date(2023, 3, 31))
        make_cost_line(first, "990", date(2023, 4, 1), first.end - timedelta(days=1))
        current = make_placement(child, providers[kind], category=kind, start=first.end)
        make_cost_line(current, "5800" if kind == PlacementCategory.RESIDENTIAL else "1200", current.start)
        if i % 2:
            make_cost_line(current, "2500", current.start, kind="additional", description="2:1 staffing")
        if kind == PlacementCategory.UNREGULATED:
            child.dol_orders.create(start=current.start)
        if i % 4 == 0:
            PanelReview.objects.create(meeting=meeting, child=child, placement=current, position=i, decision="continue",
                                       next_review_date=SMALL_MEETING, weekly_cost="5800.00")
        children.append(child)
    return children


PAGES = [
    ("weekly tracker", "get", lambda world: reverse("tracker_weekly") + "?week_ending=2024-03-10"),
    ("unregulated report", "get", lambda world: reverse("tracker_unregulated") + "?week_ending=2024-03-10"),
    ("residential tracker", "get", lambda world: reverse("tracker_residential") + "?month=2024-03"),
    ("dashboard", "get", lambda world: reverse("tracker_dashboard")),
    ("panel agenda builder", "post", lambda world: reverse("panel_build", args=[world["meeting"].pk])),
    ("child's page", "get", lambda world: reverse("child_detail", args=[world["children"][0].pk])),
    ("placements list", "get", lambda world: reverse("placement_list")),
]


def count_queries(client, method: str, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url)
    assert response.status_code == (302 if method == "post" else 200), url
    return len(context)


@pytest.mark.parametrize("method, url_for", [(method, url_for) for _, method, url_for in PAGES],
                         ids=[name for name, _, _ in PAGES])
def test_the_page_makes_no_more_queries_for_30_children_than_for_3(client, admin_user, method, url_for,
                                                                    django_assert_max_num_queries):
    client.force_login(admin_user)
    small = {"children": build_world(3, "S"), "meeting": PanelMeeting.objects.create(date=SMALL_MEETING, chair="A")}
    small_count = count_queries(client, method, url_for(small))
    big = {"children": small["children"] + build_world(27, "B"),
           "meeting": PanelMeeting.objects.create(date=BIG_MEETING, chair="B")}
    with django_assert_max_num_queries(small_count):
        getattr(client, method)(url_for(big))
    assert small_count <= 30  # a page is a handful of queries, not one a row


def test_the_agenda_builder_finds_every_rule_in_the_bigger_world(client, admin_user):
    """The world exercises the rules the builder reads (so the count above is of a real agenda)."""
    from panel.selectors import agenda_candidates

    build_world(30, "B")
    codes = {code for candidate in agenda_candidates(SMALL_MEETING) for code in candidate.codes}
    assert {Rule.UNDER_13_RESIDENTIAL, Rule.INADEQUATE_PROVIDER, Rule.ADDITIONAL_COSTS, Rule.REVIEW_DUE,
            Rule.NEAR_18, Rule.DOL_UNREGULATED, Rule.UNDER_16_UNREGULATED} <= codes


@pytest.mark.parametrize("url, byte_order_mark", [
    ("/placements/?_export=csv", False),
    ("/tracker/weekly/?week_ending=2024-03-10&_export=csv&table=placements", True),
])
def test_a_large_table_downloads_a_row_at_a_time_with_the_same_rows(client, admin_user, monkeypatch, url,
                                                                     byte_order_mark):
    from placements import exports

    client.force_login(admin_user)
    build_world(6, "D")
    whole = client.get(url)
    monkeypatch.setattr(exports, "STREAM_ROWS", 2)  # a region's list has 840,000 rows: make these "large"
    streamed = client.get(url)
    assert streamed.streaming and not whole.streaming
    body = b"".join(streamed.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") == byte_order_mark
    assert body == whole.content
    assert streamed["Content-Disposition"] == whole["Content-Disposition"]
