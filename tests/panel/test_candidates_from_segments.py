"""The agenda's candidates read from the day's care segments and what they carry (issue 17 item 4): the same
children for the same reasons on the boundary days, the carried facts kept as the records change, and a fixed
number of queries whatever the number of children."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from panel import rules, selectors, services
from panel.choices import Decision, Rule
from panel.models import PanelMeeting
from placements.choices import PlacementCategory
from placements.models import AuthoritySettings, CareSegment
from placements.register import ratings
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider
from tests.panel.test_agenda import external_residential

pytestmark = pytest.mark.django_db

MEETING = date(2024, 3, 14)
DAY_BEFORE = MEETING - timedelta(days=1)


def codes(placement, day=MEETING):
    found = next((c for c in selectors.agenda_candidates(day) if c.child_id == placement.child_id), None)
    return found.codes if found else []


def test_a_provider_rated_inadequate_on_the_meeting_day_brings_the_child_that_day_and_not_the_day_before():
    placement = external_residential("RATED", "5000.00")
    make_inspection(placement.provider, inspection_date=date(2022, 5, 1), overall="good")
    make_inspection(placement.provider, inspection_date=MEETING, overall="inadequate")
    assert Rule.INADEQUATE_PROVIDER not in codes(placement, DAY_BEFORE)
    assert Rule.INADEQUATE_PROVIDER in codes(placement, MEETING)
    # Rated better again the day after: no longer the reason.
    make_inspection(placement.provider, inspection_date=MEETING + timedelta(days=1), overall="good")
    assert Rule.INADEQUATE_PROVIDER not in codes(placement, MEETING + timedelta(days=1))


def test_a_provider_inadequate_before_the_placement_began_and_still_is_is_not_the_reason():
    placement = external_residential("BEFORE", "5000.00")  # began 1 June 2023
    make_inspection(placement.provider, inspection_date=placement.start, overall="inadequate")
    assert Rule.INADEQUATE_PROVIDER not in codes(placement)
    make_inspection(placement.provider, inspection_date=placement.start + timedelta(days=1), overall="inadequate")
    assert Rule.INADEQUATE_PROVIDER in codes(placement)


def test_a_weekly_cost_that_rises_above_the_threshold_on_the_meeting_day_counts_from_that_day():
    child = make_child(case_ref="RISE", date_of_birth=date(2009, 1, 1))
    placement = make_placement(child, make_provider(name="Home", urn="SCRISE"), start=date(2023, 6, 1))
    make_cost_line(placement, "9000.00", placement.start, DAY_BEFORE)
    make_cost_line(placement, "9000.01", MEETING)
    assert Rule.COST_OVER_THRESHOLD not in codes(placement, DAY_BEFORE)
    assert Rule.COST_OVER_THRESHOLD in codes(placement, MEETING)
    # Two lines in force that add up to more than the threshold count as one weekly cost.
    make_cost_line(placement, "0.01", MEETING + timedelta(days=7), kind="additional", description="Transport")
    later = MEETING + timedelta(days=7)
    assert {Rule.COST_OVER_THRESHOLD, Rule.ADDITIONAL_COSTS} <= set(codes(placement, later))


def test_a_review_set_for_the_meeting_day_is_due_that_day_and_one_set_for_the_day_after_is_not(chair):
    due_today = external_residential("TODAY", "5000.00")
    due_tomorrow = external_residential("TOMORROW", "5000.00")
    first = PanelMeeting.objects.create(date=MEETING - timedelta(days=14), chair="Chair One")
    services.agenda_build(meeting=first)
    services.agenda_issue(meeting=first, user=chair)
    for placement, next_review in ((due_today, MEETING), (due_tomorrow, MEETING + timedelta(days=1))):
        services.review_minute(review=first.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                               summary="x", next_review_date=next_review, actions=[], today=first.date)
    found = {c.child_id: c for c in selectors.agenda_candidates(MEETING)}
    assert found[due_today.child_id].group == rules.DUE and found[due_today.child_id].due == MEETING
    assert due_tomorrow.child_id not in found


def test_a_child_moved_to_a_provider_rated_lower_than_the_one_reviewed_is_back_with_both_ratings(chair):
    placement = external_residential("MOVER", "9500.00")
    make_inspection(placement.provider, inspection_date=date(2021, 1, 1), overall="outstanding")
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    services.review_minute(review=meeting.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                           summary="x", next_review_date=date(2024, 9, 1), actions=[], today=MEETING)
    placement.end, placement.reason_ended = MEETING + timedelta(days=3), "moved"
    placement.save()
    elsewhere = make_provider(name="Elsewhere", urn="SCELSE")
    make_inspection(elsewhere, inspection_date=date(2019, 4, 1), overall="requires_improvement")
    moved_to = make_placement(placement.child, elsewhere, start=placement.end)
    make_cost_line(moved_to, "9500.00", moved_to.start)
    back = next(c for c in selectors.agenda_candidates(MEETING + timedelta(days=14)) if c.child_id == moved_to.child_id)
    texts = [reason.text for reason in back.reasons]
    assert back.group == rules.CHANGED
    assert "moved to another placement since the panel of 14 Mar 2024" in texts
    assert "provider now rated Requires improvement to be good (was Outstanding at the panel of 14 Mar 2024)" in texts


def test_the_histories_cut_from_a_day_give_the_same_rating_on_every_day_from_it():
    home = make_provider(name="Home", urn="SCCUT")
    for day, overall in ((date(2019, 1, 1), "good"), (date(2021, 6, 1), "inadequate"), (date(2023, 2, 1), "good"),
                         (date(2024, 1, 1), "requires_improvement"), (date(2024, 5, 1), "inadequate")):
        make_inspection(home, inspection_date=day, overall=overall)
    unrated = make_provider(name="Not inspected yet", urn="SCNONE")
    since, on = date(2022, 1, 1), date(2024, 4, 30)
    cut = ratings.histories_since([home.pk, unrated.pk], since, on)
    full = ratings.histories([home.pk, unrated.pk], on)
    assert cut[home.pk][0] == (date(2021, 6, 1), "inadequate")  # the one in force on ``since``
    assert unrated.pk not in cut
    for offset in range(0, (on - since).days + 1, 17):
        day = since + timedelta(days=offset)
        assert rules.rating_on(tuple(cut[home.pk]), day) == rules.rating_on(tuple(full[home.pk]), day)


def test_the_facts_the_segments_carry_follow_the_provider_placement_and_child_at_once():
    child = make_child(case_ref="FACTS", date_of_birth=date(2010, 6, 15))
    provider = make_provider(name="Supported lodgings", urn=None, regulated=True)
    placement = make_placement(child, provider, category=PlacementCategory.SUPPORTED_ACCOMMODATION, start=date(2024, 1, 1))
    make_cost_line(placement, "1500.00", placement.start)
    assert Rule.UNDER_16_UNREGULATED not in codes(placement)

    provider.regulated = False  # the provider is found not to be registered: unregulated from now on
    provider.save()
    assert CareSegment.objects.get(placement=placement).placement_unregulated
    assert Rule.UNDER_16_UNREGULATED in codes(placement)

    child.date_of_birth = date(2007, 6, 15)  # corrected: 16 on the meeting day, so no longer under 16
    child.save()
    assert Rule.UNDER_16_UNREGULATED not in codes(placement)

    placement.category = PlacementCategory.RESIDENTIAL
    placement.desired_not_met_market = True
    placement.save()
    segment = CareSegment.objects.get(placement=placement)
    assert (segment.placement_category, segment.placement_desired_not_met_market) == (PlacementCategory.RESIDENTIAL, True)
    assert Rule.DESIRED_TYPE_NOT_MET in codes(placement)

    provider.ownership = "internal"
    provider.save()
    assert CareSegment.objects.get(placement=placement).placement_ownership == "internal"


@pytest.mark.parametrize("children", [3, 30])
def test_the_candidates_take_the_same_number_of_queries_for_3_or_30_children(children, chair,
                                                                             django_assert_max_num_queries):
    AuthoritySettings(child_population=125000, panel_cost_threshold=Decimal("9000"), panel_capacity=50).save()
    first = PanelMeeting.objects.create(date=MEETING - timedelta(days=14), chair="Chair One")
    placements = []
    for n in range(children):
        placement = external_residential(f"Q{n}", f"{8990 + n}.00", born=date(2008, 1, 1) + timedelta(days=40 * n))
        make_inspection(placement.provider, inspection_date=date(2023, 1, 1), overall="good")
        make_inspection(placement.provider, inspection_date=date(2023, 8, 1) + timedelta(days=n), overall="inadequate")
        make_cost_line(placement, "10", placement.start, kind="additional", description="Transport")
        placements.append(placement)
    services.agenda_build(meeting=first)
    services.agenda_issue(meeting=first, user=chair)
    for n, placement in enumerate(placements):
        if n % 3 == 0:  # a third reviewed and not due, a third due on the day, a third never reviewed
            services.review_minute(review=first.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                                   summary="x", next_review_date=MEETING + timedelta(days=60), actions=[],
                                   today=first.date)
        elif n % 3 == 1:
            services.review_minute(review=first.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                                   summary="x", next_review_date=MEETING, actions=[], today=first.date)
    with django_assert_max_num_queries(14):
        found = selectors.agenda_candidates(MEETING)
    assert len(found) == children - sum(1 for n in range(children) if n % 3 == 0)
