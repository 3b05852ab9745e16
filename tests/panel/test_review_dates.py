"""The panel's own review dates hold, and a meeting holds what it can (issue 15; SPEC rules P).

A child the panel has reviewed comes back when the next review it set falls due, or earlier only when
something changed that it has not seen (a rule newly met, a higher weekly cost, a move, the provider rated
lower), with the change as the reason. The agenda holds the meeting's capacity; the rest are carried.
"""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from panel import rules, selectors, services
from panel.choices import Decision, Rule
from panel.models import PanelMeeting
from placements.models import AuthoritySettings
from tests.factories import make_cost_line, make_inspection, make_placement, make_provider
from tests.panel.test_agenda import external_residential

pytestmark = pytest.mark.django_db

FIRST = date(2024, 3, 14)
SECOND = FIRST + timedelta(days=14)
NEXT_REVIEW = date(2024, 6, 13)


def review_at_first_panel(placement, chair, next_review=NEXT_REVIEW):
    """The panel of 14 March 2024 considers the child and sets the next review."""
    meeting = PanelMeeting.objects.create(date=FIRST, chair="Chair One")
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get(child=placement.child)
    services.review_minute(review=item, decision=Decision.CONTINUE, summary="Settled", next_review_date=next_review,
                           actions=[])
    return item


def candidate(placement, day):
    return next((c for c in selectors.agenda_candidates(day) if c.child_id == placement.child_id), None)


def test_a_reviewed_child_waits_for_the_next_review_date_when_nothing_changed(chair):
    placement = external_residential("HELD", "9500.00")  # over the threshold: a priority case every fortnight
    review_at_first_panel(placement, chair)
    assert candidate(placement, SECOND) is None
    assert candidate(placement, NEXT_REVIEW - timedelta(days=1)) is None
    due = candidate(placement, NEXT_REVIEW)
    assert due.group == rules.DUE and due.due == NEXT_REVIEW


def test_a_higher_weekly_cost_brings_the_child_back_with_the_figures(chair):
    placement = external_residential("COST", "9500.00")
    review_at_first_panel(placement, chair)
    make_cost_line(placement, "800", FIRST + timedelta(days=3), kind="additional", description="2:1 at night")
    back = candidate(placement, SECOND)
    assert back.group == rules.CHANGED
    changes = [reason.text for reason in back.reasons if reason.code == Rule.CHANGED_SINCE_REVIEW]
    assert changes == ["newly meets: additional costs on top of the placement fee (not at the panel of 14 Mar 2024)",
                       "weekly cost rose from £9,500.00 to £10,300.00 since the panel of 14 Mar 2024"]


def test_a_rule_newly_met_brings_the_child_back_and_says_which(chair):
    placement = external_residential("NEAR", "9500.00", born=date(2006, 10, 10))  # 18 on 10 October 2024
    review_at_first_panel(placement, chair)
    assert candidate(placement, SECOND) is None
    back = candidate(placement, date(2024, 3, 28) + timedelta(days=14 * 2))  # 25 April: within six months of 18
    assert back.group == rules.CHANGED
    assert back.reasons[0].text.startswith("newly meets: external placement within six months of the 18th birthday")


def test_a_move_brings_the_child_back(chair):
    placement = external_residential("MOVE", "9500.00")
    review_at_first_panel(placement, chair)
    placement.end, placement.reason_ended = FIRST + timedelta(days=5), "moved"
    placement.save()
    moved_to = make_placement(placement.child, make_provider(name="New Home", urn="NEWURN"), start=placement.end)
    make_cost_line(moved_to, "9500.00", moved_to.start)
    back = candidate(moved_to, SECOND)
    assert back.group == rules.CHANGED and "moved to another placement since the panel of 14 Mar 2024" in back.reasons[0].text


def test_a_provider_rated_lower_brings_the_child_back(chair):
    placement = external_residential("RATED", "9500.00")
    make_inspection(placement.provider, inspection_date=date(2023, 1, 1), overall="good")
    review_at_first_panel(placement, chair)
    make_inspection(placement.provider, inspection_date=FIRST + timedelta(days=7), overall="requires_improvement")
    back = candidate(placement, SECOND)
    assert back.group == rules.CHANGED
    assert "provider now rated Requires improvement to be good (was Good at the panel of 14 Mar 2024)" in \
        [reason.text for reason in back.reasons]


def test_new_priority_cases_come_first_then_changes_then_reviews_due_oldest_first(chair):
    changed = external_residential("CHANGED", "9500.00")
    due_late = external_residential("DUE-LATE", "9500.00")
    due_early = external_residential("DUE-EARLY", "9500.00")
    meeting = PanelMeeting.objects.create(date=FIRST, chair="Chair One")
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    for placement, next_review in ((changed, NEXT_REVIEW), (due_late, SECOND), (due_early, FIRST + timedelta(days=1))):
        services.review_minute(review=meeting.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                               summary="x", next_review_date=next_review, actions=[])
    make_cost_line(changed, "100", FIRST + timedelta(days=2), kind="additional", description="Transport")
    new = external_residential("NEW", "9100.00")
    order = [c.child_id for c in selectors.agenda_candidates(SECOND)]
    assert order == [new.child_id, changed.child_id, due_early.child_id, due_late.child_id]


def test_the_agenda_holds_the_meetings_capacity_and_carries_the_rest_to_the_next(chair):
    AuthoritySettings(child_population=125000, panel_cost_threshold=Decimal("9000"), panel_capacity=2).save()
    costly = [external_residential(f"C{n}", f"{9100 + n * 100}.00") for n in range(3)]
    meeting = PanelMeeting.objects.create(date=FIRST, chair="Chair One")
    assert services.agenda_build(meeting=meeting) == 2
    on_agenda = [item.child_id for item in selectors.agenda_items(meeting)]
    assert on_agenda == [costly[2].child_id, costly[1].child_id]  # the highest weekly cost first
    [carried] = meeting.reviews.filter(carried=True)
    assert carried.child_id == costly[0].child_id

    out = io.StringIO()
    call_command("panel_agenda", "--date", FIRST.isoformat(), "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:3] == ["case_ref", "reasons", "On the agenda"]
    assert [(row[0], row[2]) for row in rows[1:]] == [("C2", "On the agenda"), ("C1", "On the agenda"),
                                                       ("C0", "Carried to the next meeting")]

    services.agenda_issue(meeting=meeting, user=chair)
    with pytest.raises(services.PanelError, match="carried to the next meeting"):
        services.review_minute(review=carried, decision=Decision.CONTINUE, summary="x", next_review_date=None,
                               actions=[])
    for item in selectors.agenda_items(meeting):
        services.review_minute(review=item, decision=Decision.CONTINUE, summary="x", next_review_date=NEXT_REVIEW,
                               actions=[])
    second = PanelMeeting.objects.create(date=SECOND, chair="Chair Two")
    services.agenda_build(meeting=second)
    assert [item.child_id for item in selectors.agenda_items(second)] == [costly[0].child_id]


def test_the_unsaved_agenda_of_the_command_lists_the_carried_too(chair):
    AuthoritySettings(child_population=125000, panel_cost_threshold=Decimal("9000"), panel_capacity=1).save()
    for n in range(2):
        external_residential(f"U{n}", f"{9100 + n * 100}.00")
    out = io.StringIO()
    call_command("panel_agenda", "--date", FIRST.isoformat(), "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert [(row[0], row[1].split(";")[0], row[2]) for row in rows[1:]] == [
        ("U1", Rule.COST_OVER_THRESHOLD, "On the agenda"), ("U0", Rule.COST_OVER_THRESHOLD, "Carried to the next meeting")]
