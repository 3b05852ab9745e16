"""Each child's last minuted review, kept as the reviews change (``panel.last_reviews``): the kept rows are the
definition (``selectors.last_minuted_reviews``) after random writes through every path that writes reviews; the
agenda reads them only on a day when they hold, and reads the reviews themselves otherwise, with the same result."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from panel import last_reviews, selectors, services
from panel.choices import Decision
from panel.models import LastMinutedReview, PanelMeeting, PanelReview
from placements.models import AuthoritySettings
from tests.factories import make_child
from tests.panel.test_agenda import external_residential
from tests.panel.test_candidates_recount import EARLIER, build, plain_candidates, summary

pytestmark = pytest.mark.django_db

MEETING = date(2024, 3, 14)


def kept() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in LastMinutedReview.objects.order_by("child_id").values_list(
        "child_id", "review_id", "meeting_date", "next_review_date", "codes", "weekly_cost", "placement_id")}


def by_definition() -> dict[int, tuple]:
    return {child_id: (pk, meeting_date, next_review, " ".join(reasons), weekly_cost, placement_id)
            for child_id, pk, meeting_date, next_review, reasons, weekly_cost, placement_id in
            selectors.last_minuted_reviews(None).order_by("child_id").values_list(
                "child_id", "pk", "meeting__date", "next_review_date", "reasons", "weekly_cost", "placement_id")}


@pytest.mark.parametrize("seed", [4, 5])
def test_the_kept_rows_are_the_definition_after_random_writes(seed):
    rng = random.Random(seed)
    build(rng, 30)
    assert kept() == by_definition() and kept()
    reviews = list(PanelReview.objects.order_by("pk"))
    for step in range(25):
        review = rng.choice(reviews)
        what = rng.randrange(6)
        if what == 0:  # minuted now, or the minute cleared
            review.decision = "" if review.decision else Decision.CONTINUE
        elif what == 1:
            review.next_review_date = rng.choice([None, MEETING, MEETING + timedelta(days=30)])
        elif what == 2:
            review.reasons = rng.choice([["COST_OVER_THRESHOLD", "NEAR_18"], []])
            review.weekly_cost = Decimal(rng.choice(["100.00", "9500.00"]))
        elif what == 3:  # a later item of the same meeting, minuted
            review = PanelReview.objects.create(meeting=review.meeting, child=make_child(case_ref=f"N{seed}{step}"),
                                                decision=Decision.DEFERRED, reasons=["REVIEW_DUE"])
            reviews.append(review)
        elif what == 4:
            review.delete()
            reviews.remove(review)
            continue
        else:  # the meeting's date moves (only a shell or the admin could, once it has minuted items)
            meeting = review.meeting
            taken = set(PanelMeeting.objects.values_list("date", flat=True))
            meeting.date = rng.choice([day + timedelta(days=d) for day in EARLIER for d in (-1, 1)
                                       if day + timedelta(days=d) not in taken])  # perhaps past another meeting
            meeting.save()
            continue
        review.save()
    assert kept() == by_definition()
    # A meeting deleted takes its reviews with it: the children's earlier reviews are their last again.
    PanelMeeting.objects.filter(pk=reviews[0].meeting_id).delete()
    assert kept() == by_definition()
    # Written again from scratch: the same.
    before = kept()
    LastMinutedReview.objects.all().delete()
    last_reviews.keep()
    assert kept() == before


def test_deletes_deferred_keep_the_children_once_at_the_end():
    build(random.Random(6), 20)
    minuted = PanelReview.objects.exclude(decision="")
    assert minuted.count() > 5
    with last_reviews.deferred():
        PanelReview.objects.filter(pk__in=list(minuted.values_list("pk", flat=True)[:5])).delete()
        assert kept() != by_definition()  # not yet: at the end of the block
    assert kept() == by_definition()


def test_the_kept_rows_hold_on_the_day_after_the_last_minuted_meeting_and_not_on_its_day(chair):
    placement = external_residential("HOLDS", "9500.00")
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    services.agenda_build(meeting=meeting)
    assert last_reviews.holds_on(MEETING)  # built, issued, not minuted: nothing kept yet
    services.agenda_issue(meeting=meeting, user=chair)
    services.review_minute(review=meeting.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                           summary="x", next_review_date=MEETING + timedelta(days=90), actions=[], today=MEETING)
    assert not last_reviews.holds_on(MEETING)
    assert last_reviews.holds_on(MEETING + timedelta(days=1))
    assert kept()[placement.child_id][1:3] == (MEETING, MEETING + timedelta(days=90))


@pytest.mark.parametrize("day", [EARLIER[1], EARLIER[2], EARLIER[2] + timedelta(days=1)])
def test_on_a_day_with_reviews_minuted_on_or_after_it_the_agenda_reads_the_reviews_themselves(day):
    """The recount's panels met on EARLIER: on their days the kept rows (the last review of all) are not the last
    before the day, and the candidates are still the plain recount; the day after the last, they hold."""
    build(random.Random(7), 40)
    assert last_reviews.holds_on(day) == (day > EARLIER[-1])
    assert [summary(c) for c in selectors.agenda_candidates(day)] == plain_candidates(day)


@pytest.mark.parametrize("children", [3, 30])
def test_building_the_agenda_takes_the_same_number_of_queries_for_3_or_30_children(children, chair,
                                                                                  django_assert_max_num_queries):
    """The whole build: candidates, the items and their trail in a fixed number of statements; a third of the
    children reviewed before (their kept last review read, not every minuted review)."""
    AuthoritySettings(child_population=125000, panel_cost_threshold=Decimal("9000"), panel_capacity=50).save()
    first = PanelMeeting.objects.create(date=MEETING - timedelta(days=14), chair="Chair One")
    placements = [external_residential(f"C{n}", f"{9001 + n}.00", born=date(2008, 1, 1) + timedelta(days=40 * n))
                  for n in range(children)]
    services.agenda_build(meeting=first)
    services.agenda_issue(meeting=first, user=chair)
    for placement in placements[::3]:
        services.review_minute(review=first.reviews.get(child=placement.child), decision=Decision.CONTINUE,
                               summary="x", next_review_date=MEETING, actions=[], today=first.date)
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair Two")
    # 23: one statement more than before (22), the weekly costs of the placements with a line in force, read once.
    with django_assert_max_num_queries(23):
        on_agenda = services.agenda_build(meeting=meeting)
    assert on_agenda == children
    assert {review.child_id for review in meeting.reviews.all()} == {p.child_id for p in placements}
