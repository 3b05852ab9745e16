"""Rules P at their boundaries, one small world per rule (SPEC section 3; paper 002, paragraph 75)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from panel.choices import Rule
from panel import rules as rules_module
from panel.rules import AgendaCandidate, PlacementFacts, Reason, panel_reasons
from placements.choices import PlacementCategory

MEETING = date(2023, 8, 31)
THRESHOLD = Decimal("9000.00")

# An internal fostering placement of a 10-year-old that meets no rule.
QUIET = PlacementFacts(
    date_of_birth=date(2013, 1, 15), category=PlacementCategory.FOSTERING_INTERNAL, placement_start=date(2022, 1, 12),
    external=False, unregulated=False, weekly_cost=Decimal("450.00"),
)
EXTERNAL_RESIDENTIAL = replace(QUIET, category=PlacementCategory.RESIDENTIAL, external=True,
                               date_of_birth=date(2008, 1, 15), weekly_cost=Decimal("5800.00"), reviewed_before=True,
                               next_review=date(2023, 12, 1))


def codes(facts, meeting=MEETING):
    return [reason.code for reason in panel_reasons(facts, meeting, THRESHOLD)]


def test_a_quiet_placement_meets_no_rule():
    assert codes(QUIET) == []
    assert codes(EXTERNAL_RESIDENTIAL) == []


class TestCostOverThreshold:
    def test_exactly_9000_is_not_flagged(self):
        assert Rule.COST_OVER_THRESHOLD not in codes(replace(EXTERNAL_RESIDENTIAL, weekly_cost=Decimal("9000.00")))

    def test_a_penny_more_is_flagged_with_the_figure(self):
        reasons = panel_reasons(replace(EXTERNAL_RESIDENTIAL, weekly_cost=Decimal("9000.01")), MEETING, THRESHOLD)
        assert reasons == [Reason(Rule.COST_OVER_THRESHOLD, "weekly cost £9,000.01 is above £9,000.00")]

    def test_an_internal_placement_over_the_threshold_is_not_flagged(self):
        assert codes(replace(QUIET, weekly_cost=Decimal("12000"))) == []


class TestUnder13Residential:
    def test_the_day_before_the_13th_birthday_is_flagged(self):
        facts = replace(EXTERNAL_RESIDENTIAL, date_of_birth=date(2010, 9, 1))
        assert Rule.UNDER_13_RESIDENTIAL in codes(facts)

    def test_the_13th_birthday_is_not(self):
        facts = replace(EXTERNAL_RESIDENTIAL, date_of_birth=date(2010, 8, 31))
        assert Rule.UNDER_13_RESIDENTIAL not in codes(facts)

    def test_only_residential_counts(self):
        assert codes(replace(QUIET, date_of_birth=date(2015, 1, 1))) == []


class TestNear18:
    """18th birthday after the meeting and on or before the meeting + 6 calendar months."""

    @pytest.mark.parametrize("meeting, born, flagged", [
        (date(2024, 1, 15), date(2006, 7, 15), True),  # 18 exactly six months after the meeting
        (date(2024, 1, 15), date(2006, 7, 16), False),  # one day later
        (date(2023, 8, 31), date(2006, 3, 1), False),  # 18 on 1 Mar 2024, the day after 29 Feb
        (date(2023, 8, 31), date(2006, 2, 28), True),  # 18 on 28 Feb 2024, before 29 Feb
        (date(2022, 8, 31), date(2005, 2, 28), True),  # 31 Aug 2022 + 6 months = 28 Feb 2023
        (date(2022, 8, 31), date(2005, 3, 1), False),
        (date(2024, 1, 15), date(2006, 1, 15), False),  # 18 on the meeting day: not after it
        (date(2024, 1, 15), date(2006, 1, 16), True),  # 18 the day after the meeting
    ])
    def test_the_six_month_window(self, meeting, born, flagged):
        facts = replace(EXTERNAL_RESIDENTIAL, date_of_birth=born)
        assert (Rule.NEAR_18 in codes(facts, meeting)) is flagged

    def test_a_leap_day_child_turns_18_on_29_february_in_a_leap_year_inside_the_window(self):
        # Born 29 Feb 2004 would be 18 in 2022; born 29 Feb 2008 turns 18 on 1 Mar 2026 (not a leap year).
        facts = replace(EXTERNAL_RESIDENTIAL, date_of_birth=date(2008, 2, 29))
        assert Rule.NEAR_18 in codes(facts, date(2025, 9, 1))  # + 6 months = 1 Mar 2026
        assert Rule.NEAR_18 not in codes(facts, date(2025, 8, 31))  # + 6 months = 28 Feb 2026

    def test_the_wording_gives_the_birthday(self):
        facts = replace(EXTERNAL_RESIDENTIAL, date_of_birth=date(2006, 2, 14))
        assert Reason(Rule.NEAR_18, "turns 18 on 14 Feb 2024") in panel_reasons(facts, MEETING, THRESHOLD)

    def test_an_internal_placement_is_not_flagged(self):
        assert codes(replace(QUIET, date_of_birth=date(2006, 1, 1))) == []


class TestInadequateProvider:
    START = date(2023, 1, 12)

    def facts(self, *inspections):
        return replace(EXTERNAL_RESIDENTIAL, placement_start=self.START, inspections=tuple(inspections))

    def test_an_inadequate_judgement_before_the_placement_began_is_not_flagged(self):
        assert Rule.INADEQUATE_PROVIDER not in codes(self.facts((date(2022, 12, 1), "inadequate")))

    def test_an_inadequate_judgement_on_the_day_it_began_is_not_after_it(self):
        assert Rule.INADEQUATE_PROVIDER not in codes(self.facts((self.START, "inadequate")))

    def test_an_inadequate_judgement_after_it_began_is_flagged_with_both_dates(self):
        reasons = panel_reasons(self.facts((date(2022, 5, 1), "good"), (date(2023, 7, 3), "inadequate")),
                                MEETING, THRESHOLD)
        assert Reason(Rule.INADEQUATE_PROVIDER, "provider rated Inadequate on 3 Jul 2023, after the placement began "
                                                "on 12 Jan 2023") in reasons

    def test_a_later_good_inspection_clears_it(self):
        facts = self.facts((date(2023, 3, 1), "inadequate"), (date(2023, 8, 1), "good"))
        assert Rule.INADEQUATE_PROVIDER not in codes(facts)

    def test_an_inspection_after_the_meeting_does_not_count_yet(self):
        assert Rule.INADEQUATE_PROVIDER not in codes(self.facts((date(2023, 9, 1), "inadequate")))


class TestUnregulated:
    def unregulated(self, born, dol_since=None):
        return replace(QUIET, category=PlacementCategory.UNREGULATED, unregulated=True, external=True,
                       reviewed_before=True, next_review=date(2024, 1, 1), date_of_birth=born,
                       weekly_cost=Decimal("1500"), dol_since=dol_since)

    def test_a_15_year_old_is_flagged(self):
        assert codes(self.unregulated(date(2007, 9, 1))) == [Rule.UNDER_16_UNREGULATED]

    def test_a_16_year_old_without_a_dol_order_is_not(self):
        assert codes(self.unregulated(date(2007, 8, 31))) == []

    def test_dol_at_16_in_unregulated_provision_is_flagged(self):
        reasons = panel_reasons(self.unregulated(date(2007, 8, 31), dol_since=date(2023, 6, 1)), MEETING, THRESHOLD)
        assert reasons == [Reason(Rule.DOL_UNREGULATED,
                                  "aged 16, subject to a DoL order since 1 Jun 2023, in unregulated provision")]

    def test_a_dol_order_in_regulated_provision_is_not_this_rule(self):
        facts = replace(EXTERNAL_RESIDENTIAL, date_of_birth=date(2007, 1, 1), dol_since=date(2023, 1, 1))
        assert Rule.DOL_UNREGULATED not in codes(facts)


class TestOtherRules:
    def test_desired_type_not_met_names_what_was_wanted(self):
        facts = replace(EXTERNAL_RESIDENTIAL, desired_category=PlacementCategory.FOSTERING_IFA,
                        desired_not_met_market=True)
        assert panel_reasons(facts, MEETING, THRESHOLD)[0] == Reason(
            Rule.DESIRED_TYPE_NOT_MET, "wanted fostering (independent agency); not available in the market")

    def test_additional_costs_in_force_are_flagged_with_their_total(self):
        facts = replace(EXTERNAL_RESIDENTIAL, additional_lines=(("2:1 staffing", Decimal("2500")),
                                                                 ("Therapy", Decimal("300.50"))))
        assert Reason(Rule.ADDITIONAL_COSTS, "additional costs £2,800.50 a week: 2:1 staffing, Therapy") in \
            panel_reasons(facts, MEETING, THRESHOLD)

    def test_an_external_placement_never_reviewed_at_panel_is_due(self):
        assert codes(replace(EXTERNAL_RESIDENTIAL, reviewed_before=False, next_review=None)) == [Rule.REVIEW_DUE]

    def test_a_review_due_on_the_meeting_day_is_due(self):
        assert codes(replace(EXTERNAL_RESIDENTIAL, next_review=MEETING)) == [Rule.REVIEW_DUE]

    def test_a_review_due_the_day_after_is_not(self):
        assert codes(replace(EXTERNAL_RESIDENTIAL, next_review=date(2023, 9, 1))) == []

    def test_an_internal_placement_is_never_due_for_panel_review(self):
        assert codes(replace(QUIET, reviewed_before=False)) == []


def test_priority_items_come_first_then_the_highest_weekly_cost():
    due = Reason(Rule.REVIEW_DUE, "never reviewed at panel")
    costly = Reason(Rule.COST_OVER_THRESHOLD, "x")
    young = Reason(Rule.UNDER_13_RESIDENTIAL, "x")
    items = sorted([
        AgendaCandidate(placement_id=1, child_id=1, weekly_cost=Decimal("20000"), reasons=[due]),
        AgendaCandidate(placement_id=2, child_id=2, weekly_cost=Decimal("9500"), reasons=[costly, due]),
        AgendaCandidate(placement_id=3, child_id=3, weekly_cost=Decimal("6000"), reasons=[young]),
        AgendaCandidate(placement_id=4, child_id=4, weekly_cost=Decimal("100"), reasons=[due]),
    ])
    assert [item.child_id for item in items] == [2, 3, 1, 4]


class TestBoundariesTheMutationsFound:
    """Edits to the rules that the tests above let through (tools/mutate): each is caught here."""

    def test_an_inadequate_judgement_on_the_meeting_day_counts(self):
        facts = replace(EXTERNAL_RESIDENTIAL, placement_start=date(2023, 1, 12), inspections=((MEETING, "inadequate"),))
        assert Rule.INADEQUATE_PROVIDER in codes(facts)

    def test_a_good_judgement_on_the_meeting_day_clears_an_earlier_inadequate_one(self):
        facts = replace(EXTERNAL_RESIDENTIAL, placement_start=date(2023, 1, 12),
                        inspections=((date(2023, 3, 1), "inadequate"), (MEETING, "good")))
        assert Rule.INADEQUATE_PROVIDER not in codes(facts)

    def test_a_17_year_old_with_a_dol_order_in_unregulated_provision_is_flagged(self):
        facts = replace(QUIET, category=PlacementCategory.UNREGULATED, unregulated=True, date_of_birth=date(2006, 3, 1),
                        dol_since=date(2023, 6, 1))
        assert codes(facts) == [Rule.DOL_UNREGULATED]

    def test_an_18_year_old_is_not_the_dol_rule(self):
        facts = replace(QUIET, category=PlacementCategory.UNREGULATED, unregulated=True, date_of_birth=date(2005, 8, 31),
                        dol_since=date(2023, 6, 1))
        assert codes(facts) == []

    def test_a_desired_category_without_the_market_flag_is_not_the_rule(self):
        assert codes(replace(QUIET, desired_category=PlacementCategory.RESIDENTIAL)) == []

    def test_the_market_flag_without_a_category_says_another_type(self):
        reasons = panel_reasons(replace(QUIET, desired_not_met_market=True), MEETING, THRESHOLD)
        assert reasons == [Reason(Rule.DESIRED_TYPE_NOT_MET, "wanted another type; not available in the market")]

    def test_a_12_year_old_in_unregulated_provision_is_not_the_residential_rule(self):
        facts = replace(QUIET, category=PlacementCategory.UNREGULATED, unregulated=True, date_of_birth=date(2011, 1, 1))
        assert codes(facts) == [Rule.UNDER_16_UNREGULATED]

    def test_a_12_year_old_in_secure_is_not_the_residential_rule(self):
        assert codes(replace(QUIET, category=PlacementCategory.SECURE, date_of_birth=date(2011, 1, 1))) == []

    def test_equal_priority_and_cost_go_in_child_order(self):
        due = Reason(Rule.REVIEW_DUE, "never reviewed at panel")
        items = sorted([AgendaCandidate(placement_id=9, child_id=7, weekly_cost=Decimal("500"), reasons=[due]),
                        AgendaCandidate(placement_id=8, child_id=3, weekly_cost=Decimal("500"), reasons=[due])])
        assert [item.child_id for item in items] == [3, 7]

    def test_exactly_six_months_ahead_is_near_18_and_the_18th_birthday_itself_is_not(self):
        near = replace(EXTERNAL_RESIDENTIAL, date_of_birth=date(2006, 2, 28))  # 18 on 28 Feb 2024
        assert Rule.NEAR_18 in codes(near, date(2023, 8, 28))
        assert Rule.NEAR_18 not in codes(near, date(2024, 2, 28))


def test_with_two_inadequate_judgements_since_the_start_the_reason_gives_the_latest():
    facts = replace(EXTERNAL_RESIDENTIAL, placement_start=date(2023, 1, 12),
                    inspections=((date(2023, 3, 1), "inadequate"), (date(2023, 6, 1), "inadequate")))
    assert Reason(Rule.INADEQUATE_PROVIDER, "provider rated Inadequate on 1 Jun 2023, after the placement began on "
                                            "12 Jan 2023") in panel_reasons(facts, MEETING, THRESHOLD)


class TestChangesSinceTheLastReview:
    """What brings back a child the panel reviewed before its next review falls due (issue 15)."""

    LAST = rules_module.LastReview(meeting_date=date(2024, 3, 14), next_review=date(2024, 6, 13),
                                   codes=frozenset({Rule.COST_OVER_THRESHOLD, Rule.REVIEW_DUE}),
                                   weekly_cost=Decimal("9500.00"), placement_id=7, rating="good")

    def changes(self, codes=(Rule.COST_OVER_THRESHOLD,), weekly_cost="9500.00", placement_id=7, rating="good"):
        return [reason.text for reason in rules_module.changes_since(
            self.LAST, codes=list(codes), weekly_cost=Decimal(weekly_cost), placement_id=placement_id, rating=rating)]

    def test_nothing_changed_is_no_change(self):
        assert self.changes() == []

    def test_a_rule_newly_met_is_a_change_but_a_review_falling_due_is_not(self):
        assert self.changes(codes=(Rule.COST_OVER_THRESHOLD, Rule.NEAR_18)) == [
            "newly meets: external placement within six months of the 18th birthday (not at the panel of 14 Mar 2024)"]
        assert self.changes(codes=(Rule.REVIEW_DUE,)) == []

    def test_a_cost_that_rose_by_a_penny_is_a_change_and_one_that_fell_is_not(self):
        assert self.changes(weekly_cost="9500.01") == [
            "weekly cost rose from £9,500.00 to £9,500.01 since the panel of 14 Mar 2024"]
        assert self.changes(weekly_cost="9000.00") == []

    def test_a_move_is_said_once_whatever_the_new_cost(self):
        assert self.changes(placement_id=8, weekly_cost="12000") == [
            "moved to another placement since the panel of 14 Mar 2024"]

    def test_a_provider_rated_lower_is_a_change_and_higher_or_unknown_is_not(self):
        assert self.changes(rating="inadequate") == [
            "provider now rated Inadequate (was Good at the panel of 14 Mar 2024)"]
        assert self.changes(rating="outstanding") == []
        assert self.changes(rating=None) == []
        unrated_then = replace(self.LAST, rating=None)
        assert rules_module.changes_since(unrated_then, codes=[Rule.COST_OVER_THRESHOLD], weekly_cost=Decimal("9500"),
                                          placement_id=7, rating="inadequate") == []

    def test_changes_come_before_reviews_due_and_reviews_due_go_oldest_first(self):
        due = Reason(Rule.REVIEW_DUE, "review due")
        late = AgendaCandidate(placement_id=1, child_id=1, weekly_cost=Decimal("20000"), reasons=[due],
                               group=rules_module.DUE, due=date(2024, 3, 1))
        early = AgendaCandidate(placement_id=2, child_id=2, weekly_cost=Decimal("100"), reasons=[due],
                                group=rules_module.DUE, due=date(2024, 2, 1))
        changed = AgendaCandidate(placement_id=3, child_id=3, weekly_cost=Decimal("50"), reasons=[due],
                                  group=rules_module.CHANGED)
        assert [c.child_id for c in sorted([late, early, changed])] == [3, 2, 1]
