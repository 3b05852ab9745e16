"""Rules other panels use, as authority settings (issue 15): off by default, so the nine rules stay as they are."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from panel import selectors
from panel.choices import Rule
from placements.models import AuthoritySettings
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db
MEETING = date(2024, 3, 14)


def settings_with(**rules):
    fields = dict(child_population=125000, panel_cost_threshold=Decimal("9000"))
    fields.update(rules)
    AuthoritySettings(**fields).save()


def reasons_of(child):
    found = next((c for c in selectors.agenda_candidates(MEETING) if c.child_id == child.pk), None)
    return {reason.code: reason.text for reason in found.reasons} if found else {}


@pytest.fixture
def mover():
    """An in-house foster child (no rule of the nine) who moved twice since last March."""
    child = make_child(case_ref="MOVER", date_of_birth=date(2012, 1, 1))
    own = make_provider(name="County Fostering", urn="OWN1", ownership="internal", provision="fostering_agency",
                        local_authority="Worcestershire")
    days = [date(2022, 1, 1), date(2023, 6, 1), date(2024, 1, 10), None]
    for start, end in zip(days, days[1:]):
        placement = make_placement(child, own, category="fostering_internal", route="internal", start=start, end=end,
                                   reason_ended="moved" if end else "")
        make_cost_line(placement, "450", start)
    return child


@pytest.fixture
def away():
    child = make_child(case_ref="AWAY", date_of_birth=date(2012, 1, 1))
    provider = make_provider(name="Far Away Homes", urn="FAR1", ownership="internal", local_authority="Cumbria")
    make_placement(child, provider, category="fostering_internal", route="internal", start=date(2023, 1, 1))
    return child


def test_the_optional_rules_are_off_by_default(mover, away):
    assert reasons_of(mover) == {} and reasons_of(away) == {}


def test_two_moves_in_the_last_12_months_brings_the_child_when_turned_on(mover):
    settings_with(panel_rule_two_moves=True)
    assert reasons_of(mover) == {Rule.TWO_MOVES: "2 moves in the last 12 months"}


def test_a_move_13_months_ago_does_not_count(mover):
    settings_with(panel_rule_two_moves=True)
    first = mover.placements.order_by("start").first()
    second = mover.placements.order_by("start")[1]
    first.end = date(2023, 2, 1)
    first.save()
    second.start = date(2023, 2, 1)
    second.save()  # the first move now 13 months before the meeting: one move in the year
    assert reasons_of(mover) == {}


def test_a_placement_outside_the_authoritys_area_when_turned_on(away):
    settings_with(panel_rule_out_of_area=True, authority_area="Worcestershire")
    assert reasons_of(away) == {Rule.OUT_OF_AREA: "placed in Cumbria, outside Worcestershire"}
    settings_with(panel_rule_out_of_area=True, authority_area="cumbria")  # the same area, whatever its capitals
    assert reasons_of(away) == {}


def test_the_out_of_area_rule_needs_the_authoritys_own_area():
    with pytest.raises(ValidationError, match="Say which area is the authority's own"):
        AuthoritySettings(child_population=1, panel_cost_threshold=Decimal("1"), panel_rule_out_of_area=True).full_clean()
