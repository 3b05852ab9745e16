"""``cost_avoidance_record``'s own refusals: each writes nothing and says why."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from placements.cost_avoidance import cost_avoidance_record
from placements.models import CostAvoidance
from tests.factories import make_child, make_placement

pytestmark = pytest.mark.django_db
DAY = date(2024, 4, 1)


def record(officer, **kwargs):
    fields = dict(child=make_child(case_ref="CA1"), source="placements_forum", date_agreed=DAY, effective_from=DAY,
                  recorded_by=officer)
    fields.update(kwargs)
    return cost_avoidance_record(**fields)


@pytest.mark.parametrize("amounts, message", [
    ({}, "either the weekly cost before and after, or a one-off"),
    ({"weekly_before": Decimal("900"), "weekly_after": Decimal("800"), "one_off": Decimal("10")},
     "either the weekly cost before and after, or a one-off"),
    ({"weekly_before": Decimal("900")}, "both the weekly cost before and after"),
    ({"weekly_after": Decimal("900")}, "both the weekly cost before and after"),
    ({"weekly_before": Decimal("800"), "weekly_after": Decimal("800.01")}, "must not be above"),
])
def test_a_saving_that_does_not_add_up_is_refused_and_nothing_is_written(officer, amounts, message):
    with pytest.raises(ValidationError, match=message):
        record(officer, **amounts)
    assert not CostAvoidance.objects.exists()


def test_the_same_weekly_cost_before_and_after_is_allowed_and_saves_nothing(officer):
    entry = record(officer, weekly_before=Decimal("800"), weekly_after=Decimal("800"))
    assert entry.amount == 0


def test_a_placement_of_another_child_is_refused(officer):
    other = make_placement(make_child(case_ref="OTHER"), None, start=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="the child's own"):
        record(officer, placement=other, weekly_before=Decimal("900"), weekly_after=Decimal("800"))
    assert not CostAvoidance.objects.exists()
