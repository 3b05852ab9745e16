"""Dates the records may hold (``placements.plausible``; issue 14): a typing slip is refused where it enters,
with the reason, and the database refuses it whatever writes it."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from placements.forms import ChildForm, PlacementForm
from placements.imports import SourceFile
from placements.imports.costs import costs_plan
from placements.imports.ssda903 import ssda903_plan
from placements.models import Child, CostLine, Placement
from placements.plausible import problem_with_date
from tests.factories import make_child, make_placement
from tests.placements.test_import_ssda903 import episode, episodes, header

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("value, birth, fine", [
    (date(1989, 12, 31), True, False), (date(1990, 1, 1), True, True), (TODAY, True, True),
    (TODAY + timedelta(days=1), True, False), (date(201, 5, 1), True, False),
    (date(1989, 12, 31), False, False), (date(1990, 1, 1), False, True), (date(2031, 12, 1), False, True),
    (date(2031, 12, 2), False, False), (date(9999, 12, 31), False, False),
])
def test_the_bounds_at_their_edges(value, birth, fine):
    assert (problem_with_date(value, birth=birth, today=TODAY) is None) == fine


@pytest.mark.django_db
def test_a_date_of_birth_in_the_year_201_is_refused_by_the_form_with_the_reason():
    form = ChildForm(data={"case_ref": "D1", "date_of_birth": "0201-05-01", "sex": "M", "legal_status": "C2"})
    assert not form.is_valid()
    assert "before 1 January 1990: check the year of birth" in form.errors["date_of_birth"][0]


@pytest.mark.django_db
def test_a_placement_starting_in_the_year_201_is_refused_by_the_form():
    child = make_child()
    form = PlacementForm(data={"category": "residential", "route": "spot", "legal_status": "C2",
                               "start": "0201-06-01", "came_from": "home"}, child=child)
    assert not form.is_valid()
    assert form.errors["start"] == ["The placement cannot start before the child was born."]
    later = PlacementForm(data={"category": "residential", "route": "spot", "legal_status": "C2",
                                "start": "2024-01-01", "planned_end": "9999-12-31", "came_from": "home"}, child=child)
    assert not later.is_valid()
    assert "more than 5 years from today: check the year" in later.errors["planned_end"][0]


@pytest.mark.django_db
def test_the_database_refuses_an_implausible_date_whatever_writes_it():
    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.bulk_create([Child(case_ref="B1", date_of_birth=date(201, 5, 1), sex="M", legal_status="C2")])
    placement = make_placement(make_child(), None, start=date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(start=date(201, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        CostLine.objects.bulk_create([CostLine(placement=placement, kind="core", description="Fee",
                                               weekly_amount=100, date_from=date(2024, 1, 1), date_to=date(9999, 1, 1))])


@pytest.mark.django_db
def test_a_return_with_a_child_born_in_the_year_1_is_a_bad_row_and_writes_nothing():
    plan = ssda903_plan([header("C1,1,01/01/0001,WBRI,,,"), episodes(episode(decom="01/01/0001"))], today=TODAY)
    reasons = {(error.column, error.reason) for error in plan.result.errors}
    assert ("DOB", "is before 1 January 1990: check the year of birth.") in reasons
    assert ("DECOM", "is before 1 January 1990: check the year.") in reasons


@pytest.mark.django_db
def test_a_cost_line_ten_years_ahead_is_a_bad_row():
    data = "CHILD,DECOM,KIND,DESCRIPTION,WEEKLY_AMOUNT,FROM,TO\nC1,01/01/2024,core,Fee,100,01/01/2024,01/01/2036\n"
    plan = costs_plan([SourceFile("costs.csv", data.encode())], today=TODAY)
    assert [(e.column, e.reason) for e in plan.result.errors if e.column == "TO"] == [
        ("TO", "is more than 5 years from today: check the year.")]


@pytest.mark.django_db
def test_money_beyond_belief_is_refused_where_it_enters(officer):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from placements.cost_avoidance import cost_avoidance_record
    from tracker.models import Budget

    child = make_child()
    with pytest.raises(ValidationError, match="100000"):
        cost_avoidance_record(child=child, source="placements_forum", date_agreed=date(2024, 4, 1),
                              effective_from=date(2024, 4, 1), weekly_before=Decimal("5199999.99"),
                              weekly_after=Decimal("0"), recorded_by=officer)
    with pytest.raises(ValidationError, match="5000000"):
        cost_avoidance_record(child=child, source="placements_forum", date_agreed=date(2024, 4, 1),
                              effective_from=date(2024, 4, 1), one_off=Decimal("5000000.01"), recorded_by=officer)
    for year in (0, 99999):
        with pytest.raises(ValidationError):
            Budget(financial_year=year, category="residential", amount=Decimal("1")).full_clean()
    data = "CHILD,DECOM,KIND,DESCRIPTION,WEEKLY_AMOUNT,FROM,TO\nC1,01/01/2024,core,Fee,950000,01/01/2024,\n"
    plan = costs_plan([SourceFile("costs.csv", data.encode())], today=TODAY)
    assert ("WEEKLY_AMOUNT", "is more than £100,000 a week: check the figure.") in {
        (e.column, e.reason) for e in plan.result.errors}
