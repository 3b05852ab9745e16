"""Each role's home page (issue 16, item 1): the worklists' boundaries, and the page for each role."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from panel.choices import MeetingStatus
from panel.models import PanelAction, PanelMeeting, PanelReview
from placements import access, rules, searches, worklists
from placements.choices import PlacementCategory, SearchStatus as S
from placements.models import PlacementSearch
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def open_search(child, officer, urgency="planned", days_ago=0, status=S.RECEIVED):
    search = searches.search_create(child=child, user=officer, category_requested="residential",
                                    received=today() - timedelta(days=days_ago), urgency=urgency)
    PlacementSearch.objects.filter(pk=search.pk).update(status=status)
    return search


def test_my_searches_come_by_urgency_and_an_emergency_open_too_long_is_flagged(officer, manager):
    child = make_child(case_ref="W1")
    planned = open_search(child, officer, "planned", days_ago=30)
    on_time = open_search(child, officer, "emergency", days_ago=worklists.EMERGENCY_FLAG_DAYS)
    late = open_search(child, officer, "emergency", days_ago=worklists.EMERGENCY_FLAG_DAYS + 1)
    open_search(child, manager, "emergency", days_ago=10)  # someone else's
    open_search(child, officer, "emergency", days_ago=10, status=S.PLACED)  # closed
    work = worklists.officer_worklist(officer, today(), today())
    assert [row.search for row in work.my_searches] == [late, on_time, planned]
    assert [row.flagged for row in work.my_searches] == [True, False, False]
    assert work.flagged_count == 1 and work.my_searches_count == 3


def test_waiting_on_me_is_the_steps_the_officer_takes(officer):
    child = make_child(case_ref="W2")
    approved = open_search(child, officer, status=S.APPROVED)
    open_search(child, officer, status=S.AWAITING_APPROVAL)  # waits on the Director
    open_search(child, officer, status=S.OFFERS_SHARED)  # waits on the social worker
    work = worklists.officer_worklist(officer, today(), today())
    assert work.waiting_on_me == [approved]


def test_cost_lines_ending_soon_and_children_turning_18_at_their_boundaries(officer):
    on = today()
    provider = make_provider()
    ages = {"turns18tomorrow": rules.add_months(on, -12 * 18) + timedelta(days=1),
            "turned18today": rules.add_months(on, -12 * 18),
            "in6months": rules.add_months(rules.add_months(on, 6), -12 * 18),
            "after6months": rules.add_months(rules.add_months(on, 6), -12 * 18) + timedelta(days=1)}
    placements = {}
    for name, born in ages.items():
        child = make_child(case_ref=name, date_of_birth=born)
        placements[name] = make_placement(child, provider, start=on - timedelta(days=100))
    ends_in_28 = make_cost_line(placements["turns18tomorrow"], "1000", on - timedelta(days=100),
                                on + timedelta(days=worklists.ENDING_SOON_DAYS))
    make_cost_line(placements["in6months"], "1000", on - timedelta(days=100),
                   on + timedelta(days=worklists.ENDING_SOON_DAYS + 1))
    work = worklists.officer_worklist(officer, on, on)
    assert work.cost_lines_ending == [ends_in_28]
    assert sorted(child.case_ref for child, _ in work.turning_18) == ["in6months", "turns18tomorrow"]


def test_the_director_sees_over_threshold_starts_this_week_and_ofsted_downgrades(officer):
    on = today()
    monday = rules.week_ending(on) - timedelta(days=6)
    home = make_provider(name="Downgraded Home", urn="DG1")
    steady = make_provider(name="Steady Home", urn="ST1")
    for provider, before, now in ((home, "good", "inadequate"), (steady, "requires_improvement", "good")):
        make_inspection(provider, inspection_date=on - timedelta(days=400), overall=before)
        make_inspection(provider, inspection_date=on - timedelta(days=3), overall=now)
    threshold = worklists.AuthoritySettings.current().panel_cost_threshold
    dear = make_placement(make_child(case_ref="D1"), home, start=monday)
    make_cost_line(dear, str(threshold + 1), monday)
    cheap = make_placement(make_child(case_ref="D2"), steady, start=monday)
    make_cost_line(cheap, str(threshold), monday)
    work = worklists.director_worklist(on, on)
    assert work.over_threshold == [dear]
    assert [(d.provider_name, d.previous, d.rating, d.children) for d in work.downgrades] == [
        ("Downgraded Home", "good", "inadequate", 1)]


def test_an_inspection_before_the_last_week_is_not_news(officer):
    on = today()
    home = make_provider(name="Old News", urn="ON1")
    make_inspection(home, inspection_date=on - timedelta(days=400), overall="good")
    make_inspection(home, inspection_date=on - timedelta(days=7), overall="inadequate")
    make_placement(make_child(case_ref="D3"), home, start=on - timedelta(days=500))
    assert worklists.ofsted_downgrades(on - timedelta(days=7), on) == []


def test_the_chair_sees_the_next_panel_and_overdue_actions_and_the_member_the_issued_agenda():
    on = today()
    child = make_child(case_ref="P1")
    past = PanelMeeting.objects.create(date=on - timedelta(days=14), chair="Chair", status=MeetingStatus.HELD)
    review = PanelReview.objects.create(meeting=past, child=child)
    overdue = PanelAction.objects.create(review=review, description="Call the provider", owner="Hub", due=on - timedelta(days=1))
    PanelAction.objects.create(review=review, description="Due today", owner="Hub", due=on)
    planned = PanelMeeting.objects.create(date=on + timedelta(days=3), chair="Chair")
    issued = PanelMeeting.objects.create(date=on + timedelta(days=17), chair="Chair", status=MeetingStatus.AGENDA_ISSUED)
    chair = worklists.chair_worklist(on)
    assert chair.next_meeting == planned and chair.overdue_actions == [overdue]
    assert worklists.member_worklist(on).next_issued == issued


@pytest.mark.parametrize("fixture, headings", [
    ("officer", ["Placements officer"]),
    ("director", ["Director"]),
    ("chair", ["Panel chair"]),
    ("member", ["Panel member"]),
    ("manager", ["Commissioning manager"]),
])
def test_each_role_lands_on_its_own_work(request, client, fixture, headings):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    text = client.get(reverse("home")).content.decode()
    shown = [h for h in ["Placements officer", "Director", "Panel chair", "Panel member", "Commissioning manager"]
             if f">{h}</h2>" in text]
    assert shown == headings


def test_a_user_with_several_roles_sees_each_section(client, officer):
    officer.groups.add(Group.objects.get(name=access.PANEL_CHAIR))
    client.force_login(officer)
    text = client.get(reverse("home")).content.decode()
    assert ">Placements officer</h2>" in text and ">Panel chair</h2>" in text and ">Director</h2>" not in text


def test_the_director_counts_searches_awaiting_approval_as_a_link(client, director, officer):
    child = make_child(case_ref="A9")
    search = open_search(child, officer, status=S.AWAITING_APPROVAL)
    client.force_login(director)
    text = client.get(reverse("home")).content.decode()
    assert "Searches awaiting my approval: 1</a>" in text
    assert reverse("search_approval", args=[search.pk]) in text


def test_the_home_page_asks_a_bounded_number_of_queries(client, django_assert_max_num_queries, admin_user, officer):
    on = today()
    provider = make_provider()
    for number in range(25):
        child = make_child(case_ref=f"Q{number}", date_of_birth=rules.add_months(on, -12 * 18 + 2))
        placement = make_placement(child, provider, start=on - timedelta(days=10),
                                   category=PlacementCategory.RESIDENTIAL)
        make_cost_line(placement, "9000", placement.start, on + timedelta(days=5))
        open_search(child, admin_user, "emergency", days_ago=5)
        open_search(child, officer, status=S.AWAITING_APPROVAL)
    client.force_login(admin_user)
    client.get(reverse("home"))  # the remembered figures are computed once
    with django_assert_max_num_queries(34):
        response = client.get(reverse("home"))
    text = response.content.decode()
    assert "My open searches: 25" in text and "Searches awaiting my approval: 25" in text
    assert "Turning 18 in the next six months: 25" in text


def test_the_directors_tracker_headline_is_the_last_whole_week_not_the_week_still_running():
    from placements import worklists
    from placements.models import Placement

    tuesday = date(2024, 3, 12)  # the week ending Sunday 17 March has barely begun
    child = make_child(case_ref="WEEK-1")
    make_placement(child, start=date(2024, 3, 6))  # started in the last whole week (4 to 10 March)
    work = worklists.director_worklist(tuesday, tuesday)
    assert work.week.week_ending == date(2024, 3, 10)
    assert work.week.starts == 1 and Placement.objects.count() == 1
