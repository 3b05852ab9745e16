"""Database constraints: the data stays whole even if a form or import gets it wrong."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from placements.models import CostLine, Provider
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db


def test_two_children_cannot_share_a_case_reference():
    make_child(case_ref="C1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_child(case_ref="C1")


def test_two_providers_cannot_share_an_ofsted_urn():
    make_provider(urn="SC1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_provider(urn="SC1", name="Another")


def test_many_providers_can_have_no_urn():
    make_provider(urn="", name="Lodgings A", regulated=False)
    make_provider(urn=None, name="Lodgings B", regulated=False)
    assert Provider.objects.filter(urn__isnull=True).count() == 2


def test_the_database_refuses_a_placement_that_ends_on_or_before_its_start():
    child = make_child()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_placement(child, start=date(2024, 1, 1), end=date(2024, 1, 1))


def test_the_database_refuses_a_negative_weekly_amount():
    placement = make_placement(make_child())
    with pytest.raises(IntegrityError), transaction.atomic():
        make_cost_line(placement, "-1.00", date(2024, 1, 1))


def test_the_database_refuses_a_cost_line_that_ends_before_it_starts():
    placement = make_placement(make_child())
    with pytest.raises(IntegrityError), transaction.atomic():
        make_cost_line(placement, "1.00", date(2024, 2, 1), date(2024, 1, 31))


def test_a_cost_line_may_be_a_single_day():
    placement = make_placement(make_child())
    assert make_cost_line(placement, "1.00", date(2024, 2, 1), date(2024, 2, 1)).pk


def test_money_keeps_its_pennies():
    placement = make_placement(make_child())
    make_cost_line(placement, "5761.35", date(2024, 1, 1))
    assert CostLine.objects.get().weekly_amount == Decimal("5761.35")


def test_a_cost_line_outside_its_placement_fails_validation():
    placement = make_placement(make_child(), start=date(2024, 1, 1), end=date(2024, 6, 1), reason_ended="moved")
    before = CostLine(placement=placement, kind="core", description="x", weekly_amount=1, date_from=date(2023, 12, 31))
    after = CostLine(placement=placement, kind="core", description="x", weekly_amount=1, date_from=date(2024, 6, 1))
    too_long = CostLine(placement=placement, kind="core", description="x", weekly_amount=1,
                        date_from=date(2024, 1, 1), date_to=date(2024, 6, 2))
    for line, field in [(before, "date_from"), (after, "date_from"), (too_long, "date_to")]:
        with pytest.raises(ValidationError) as error:
            line.full_clean()
        assert field in error.value.message_dict


def test_a_cost_line_on_its_placements_first_and_last_paid_day_is_valid():
    placement = make_placement(make_child(), start=date(2024, 1, 1), end=date(2024, 6, 1), reason_ended="moved")
    CostLine(placement=placement, kind="core", description="x", weekly_amount=1,
             date_from=date(2024, 1, 1), date_to=date(2024, 6, 1)).full_clean()
