"""The agenda builder on the database: rules P on real records, freezing, minutes, and the command twin."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from panel import selectors, services
from panel.choices import Decision, MeetingStatus, Rule
from panel.models import PanelAction, PanelMeeting, PanelReview
from placements.choices import PlacementCategory
from placements.models import CostAvoidance, Placement
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db

MEETING = date(2024, 3, 14)  # a Thursday


def external_residential(case_ref, weekly="5000.00", born=date(2009, 1, 1), **placement):
    child = make_child(case_ref=case_ref, date_of_birth=born, social_worker=f"SW {case_ref}")
    home = make_provider(name=f"Home {case_ref}", urn=f"URN-{case_ref}")
    p = make_placement(child, home, start=date(2023, 6, 1), **placement)
    make_cost_line(p, weekly, p.start)
    return p


def codes_by_child(day=MEETING):
    return {c.child_id: c.codes for c in selectors.agenda_candidates(day)}


def test_cost_exactly_at_the_threshold_is_not_flagged_and_a_penny_more_is():
    at = external_residential("AT", "9000.00")
    over = external_residential("OVER", "9000.01")
    codes = codes_by_child()
    assert Rule.COST_OVER_THRESHOLD not in codes[at.child_id]
    assert Rule.COST_OVER_THRESHOLD in codes[over.child_id]


def test_an_additional_line_that_ended_the_day_before_the_meeting_is_not_flagged():
    ended = external_residential("ENDED")
    make_cost_line(ended, "2500", ended.start, MEETING - timedelta(days=1), kind="additional", description="2:1")
    running = external_residential("RUNNING")
    make_cost_line(running, "2500", running.start, MEETING, kind="additional", description="2:1")
    codes = codes_by_child()
    assert Rule.ADDITIONAL_COSTS not in codes[ended.child_id]
    assert Rule.ADDITIONAL_COSTS in codes[running.child_id]


def test_a_downgrade_after_the_placement_began_is_flagged_until_a_better_inspection():
    p = external_residential("DOWN")
    make_inspection(p.provider, inspection_date=date(2023, 1, 1), overall="inadequate")
    assert Rule.INADEQUATE_PROVIDER not in codes_by_child()[p.child_id]
    make_inspection(p.provider, inspection_date=date(2023, 7, 3), overall="inadequate")
    assert Rule.INADEQUATE_PROVIDER in codes_by_child()[p.child_id]
    make_inspection(p.provider, inspection_date=date(2024, 1, 10), overall="good")
    assert Rule.INADEQUATE_PROVIDER not in codes_by_child()[p.child_id]


def test_dol_at_16_in_unregulated_provision():
    child = make_child(case_ref="DOL", date_of_birth=date(2007, 6, 1))
    child.dol_orders.create(start=date(2024, 1, 1))
    lodgings = make_provider(name="Lodgings", urn=None, regulated=False)
    make_placement(child, lodgings, category=PlacementCategory.UNREGULATED, start=date(2024, 1, 1))
    assert Rule.DOL_UNREGULATED in codes_by_child()[child.pk]


def test_an_internal_placement_meeting_no_rule_is_not_on_the_agenda():
    child = make_child(case_ref="HOME")
    internal = make_provider(name="County Fostering", urn="INT", ownership="internal", provision="fostering_agency")
    make_placement(child, internal, category=PlacementCategory.FOSTERING_INTERNAL, start=date(2023, 1, 1))
    assert child.pk not in codes_by_child()


@pytest.fixture
def meeting():
    external_residential("A", "12000.00")  # priority: over threshold
    external_residential("B", "4000.00", born=date(2012, 1, 1))  # priority: under 13 in residential
    external_residential("C", "8000.00")  # review due only
    return PanelMeeting.objects.create(date=MEETING, chair="Chair One")


def agenda_refs(meeting):
    return [item.child.case_ref for item in selectors.agenda_items(meeting)]


def test_the_agenda_puts_priority_items_first_then_the_highest_weekly_cost(meeting):
    services.agenda_build(meeting=meeting)
    assert agenda_refs(meeting) == ["A", "B", "C"]


def test_the_chair_adds_a_child_by_hand_and_removes_an_item_with_reasons(meeting):
    services.agenda_build(meeting=meeting)
    extra = make_child(case_ref="EXTRA")
    services.agenda_add_child(meeting=meeting, child=extra, reason="Placement at risk of breakdown")
    c_item = meeting.reviews.get(child__case_ref="C")
    services.agenda_remove_item(review=c_item, reason="Reviewed last week at a special panel")
    assert agenda_refs(meeting) == ["A", "B", "EXTRA"]
    services.agenda_build(meeting=meeting)  # rebuilding keeps the chair's choices
    assert agenda_refs(meeting) == ["A", "B", "EXTRA"]
    with pytest.raises(services.PanelError, match="Say why"):
        services.agenda_remove_item(review=meeting.reviews.get(child__case_ref="A"), reason=" ")


def test_issuing_freezes_the_agenda_and_cannot_happen_twice(meeting, chair):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_ISSUED
    external_residential("LATE", "15000.00")
    with pytest.raises(services.PanelError, match="frozen"):
        services.agenda_build(meeting=meeting)
    with pytest.raises(services.PanelError, match="already been issued"):
        services.agenda_issue(meeting=meeting, user=chair)
    assert agenda_refs(meeting) == ["A", "B", "C"]


def test_an_empty_agenda_cannot_be_issued(chair):
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    with pytest.raises(services.PanelError, match="no items"):
        services.agenda_issue(meeting=meeting, user=chair)


def test_a_decision_needs_an_issued_agenda(meeting):
    services.agenda_build(meeting=meeting)
    item = meeting.reviews.first()
    with pytest.raises(services.PanelError, match="Issue the agenda"):
        services.review_minute(review=item, decision=Decision.CONTINUE, summary="x", next_review_date=None, actions=[])


def test_a_decision_with_an_action_holds_the_meeting_and_clears_review_due(meeting, chair):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get(child__case_ref="C")
    services.review_minute(review=item, decision=Decision.CONTINUE, summary="Settled", actions=[
        services.ActionInput("Update the care plan", "SW C", date(2024, 4, 1))], next_review_date=date(2024, 9, 14))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert PanelAction.objects.get().owner == "SW C"
    assert item.child_id not in codes_by_child(date(2024, 3, 28))  # reviewed; next review in September
    assert Rule.REVIEW_DUE in codes_by_child(date(2024, 9, 14))[item.child_id]


def test_a_next_review_date_before_the_meeting_is_refused(meeting, chair):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.first()
    with pytest.raises(services.PanelError, match="before the meeting"):
        services.review_minute(review=item, decision=Decision.CONTINUE, summary="x",
                               next_review_date=MEETING - timedelta(days=1), actions=[])
    item.refresh_from_db()
    assert item.decision == ""


def test_meetings_are_planned_fortnightly_with_alternating_chairs():
    created = services.panel_meetings_generate(first=date(2024, 1, 4), count=3)
    assert [(m.date, m.chair) for m in created] == [
        (date(2024, 1, 4), services.chairs()[0]),
        (date(2024, 1, 18), services.chairs()[1]),
        (date(2024, 2, 1), services.chairs()[0]),
    ]
    more = services.panel_meetings_generate(first=date(2024, 2, 1), count=2)
    assert [(m.date, m.chair) for m in more] == [(date(2024, 2, 15), services.chairs()[1])]


def test_a_meeting_moved_to_a_bank_holiday_is_saved_with_a_warning():
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    warning = services.panel_meeting_move(meeting=meeting, new_date=date(2024, 3, 29))  # Good Friday
    assert "bank holiday" in warning
    meeting.refresh_from_db()
    assert meeting.date == date(2024, 3, 29) and "Moved from 14 March 2024" in meeting.note
    assert services.panel_meeting_move(meeting=meeting, new_date=date(2024, 4, 4)) == ""
    assert "weekend" in services.working_day_warning(date(2024, 4, 6))


def test_the_command_and_the_page_give_the_same_agenda(client, chair, meeting):
    out = io.StringIO()
    call_command("panel_agenda", "--date", MEETING.isoformat(), stdout=out)  # before building: what the rules give
    before = list(csv.reader(io.StringIO(out.getvalue())))
    assert before[0][:2] == ["case_ref", "reasons"]
    assert [row[0] for row in before[1:]] == ["A", "B", "C"]
    assert before[1][1] == f"{Rule.COST_OVER_THRESHOLD};{Rule.REVIEW_DUE}"
    services.agenda_build(meeting=meeting)
    client.force_login(chair)
    page = client.get(reverse("panel_pack", args=[meeting.pk]), {"_export": "csv"})
    from_page = list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    out = io.StringIO()
    call_command("panel_agenda", "--date", MEETING.isoformat(), stdout=out)
    assert list(csv.reader(io.StringIO(out.getvalue()))) == from_page
    assert [row[:2] for row in from_page] == [row[:2] for row in before]


def test_the_command_refuses_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        call_command("panel_agenda", "--date", "14/03/2024")
    assert error.value.returncode == 2


def test_the_meeting_page_and_pack_make_the_same_number_of_queries_for_3_or_30_children(client, chair):
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    for i in range(3):
        external_residential(f"S{i}")
    services.agenda_build(meeting=meeting)
    client.force_login(chair)
    urls = [reverse("panel_meeting", args=[meeting.pk]), reverse("panel_pack", args=[meeting.pk])]
    small = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        small.append(len(queries))
    for i in range(27):
        external_residential(f"B{i}")
    services.agenda_build(meeting=meeting)
    assert meeting.reviews.count() == 30
    for url, count in zip(urls, small):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == count, url


def test_weekly_cost_is_kept_as_it_was_when_the_agenda_was_built(meeting, chair):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    a = meeting.reviews.get(child__case_ref="A")
    make_cost_line(a.placement, "999", MEETING - timedelta(days=10), kind="additional", description="Late extra")
    a.refresh_from_db()
    assert a.weekly_cost == Decimal("12000.00")
    assert PanelReview.objects.get(pk=a.pk).reasons == [Rule.COST_OVER_THRESHOLD, Rule.REVIEW_DUE]


def test_a_decision_for_a_panel_that_has_not_met_yet_is_refused(meeting, chair):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.first()
    with pytest.raises(services.PanelError, match="record its decisions on or after that day"):
        services.review_minute(review=item, decision=Decision.CONTINUE, summary="x", next_review_date=None, actions=[],
                               today=MEETING - timedelta(days=2))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_ISSUED
    services.review_minute(review=item, decision=Decision.CONTINUE, summary="x", next_review_date=None, actions=[],
                           today=MEETING)  # on the day itself
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_the_same_decision_posted_twice_is_recorded_once(meeting, chair):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.first()
    minute = dict(decision=Decision.REDUCE_PACKAGE, summary="2:1 ends", next_review_date=None, user=chair,
                  actions=[services.ActionInput("Tell the provider", "SW", date(2024, 4, 1))],
                  saving=(item.weekly_cost, item.weekly_cost - 1000, MEETING))
    services.review_minute(review=item, **minute)
    with pytest.raises(services.PanelError, match="already recorded"):
        services.review_minute(review=item, **minute)
    assert PanelAction.objects.count() == 1
    assert CostAvoidance.objects.filter(source="panel").count() == 1


def test_a_reduced_package_rewrites_the_cost_lines_and_the_weekly_spend_falls_by_the_agreed_amount(meeting, chair):
    from placements.selectors import spend_between
    from tracker.selectors import week_figures

    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.first()
    monday, sunday = date(2024, 3, 18), date(2024, 3, 24)
    spend_before = week_figures(sunday).weekly_spend
    placement_week = spend_between(monday, sunday, Placement.objects.filter(pk=item.placement_id))
    assert placement_week == item.weekly_cost
    services.review_minute(review=item, decision=Decision.REDUCE_PACKAGE, summary="2:1 to 1:1", next_review_date=None,
                           actions=[], user=chair, saving=(item.weekly_cost, item.weekly_cost - 1500, monday))
    lines = list(item.placement.cost_lines.order_by("date_from", "pk").values_list("date_from", "date_to", "weekly_amount"))
    assert lines[-1] == (monday, None, item.weekly_cost - 1500)
    assert all(date_to == monday - timedelta(days=1) for _from, date_to, _amount in lines[:-1])
    assert week_figures(sunday).weekly_spend == spend_before - 1500
    entry = CostAvoidance.objects.get(source="panel")
    assert entry.replaces_lines and entry.amount == Decimal("78000.00")  # 1,500 a week for 52 weeks


def test_planning_or_moving_a_panel_to_an_implausible_day_is_refused_and_plans_nothing():
    with pytest.raises(services.PanelError, match="more than 5 years from today"):
        services.panel_meetings_generate(first=date.today() + timedelta(days=365 * 5 - 30), count=10)
    assert not PanelMeeting.objects.exists()  # not the first few meetings and then a failure
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    with pytest.raises(services.PanelError, match="The new date is more than 5 years from today"):
        services.panel_meeting_move(meeting=meeting, new_date=date(9999, 12, 31))


def test_a_child_added_by_hand_is_shown_with_the_placement_they_are_in_by_the_one_definition(meeting):
    """Where two records of placements start the same day (a correction entered as a new record), the child is
    in the later record (placements.care), as on every other page, not whichever the database returns first."""
    child = make_child(case_ref="TWICE")
    make_placement(child, make_provider(name="First Record", urn="URN-FIRST"), start=date(2023, 9, 1))
    corrected = make_placement(child, make_provider(name="Corrected Record", urn="URN-SECOND"), start=date(2023, 9, 1))
    review = services.agenda_add_child(meeting=meeting, child=child, reason="Placement at risk of breakdown")
    assert review.placement == corrected
