"""The cost avoidance log: recording by rule C3 (never typed), totals in the paper's form, and filters."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.cost_avoidance import cost_avoidance_record, cost_avoidance_totals
from placements.models import CostAvoidance
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

def today():
    """Read when a test runs, not when the module is imported (a run that crosses midnight stays right)."""
    return timezone.localdate()


@pytest.fixture
def child():
    child = make_child(case_ref="CA1", date_of_birth=date(2010, 1, 1))
    placement = make_placement(child, make_provider(), start=date(2020, 1, 1))
    make_cost_line(placement, "1000", placement.start)
    return child


def test_the_amount_is_computed_never_typed(client, officer, child):
    client.force_login(officer)
    response = client.post(reverse("cost_avoidance_create"), {
        "case_ref": "CA1", "source": "placements_forum", "date_agreed": today().isoformat(),
        "effective_from": today().isoformat(), "weekly_before": "1000", "weekly_after": "900", "amount": "999999"})
    assert response.status_code == 302
    entry = CostAvoidance.objects.get()
    assert entry.amount == Decimal("5200.00")  # 100 a week for 52 weeks; the typed 'amount' is ignored
    assert entry.placement == child.placements.get() and entry.recorded_by == officer
    assert entry.replaces_lines  # 1,000 a week is what the child's line charges that day


def test_a_weekly_cost_before_that_is_not_the_childs_needs_a_reason(client, officer, child):
    client.force_login(officer)
    data = {"case_ref": "CA1", "source": "placements_forum", "date_agreed": today().isoformat(),
            "effective_from": today().isoformat(), "weekly_before": "1310", "weekly_after": "900"}
    refused = client.post(reverse("cost_avoidance_create"), data)
    assert "the child&#x27;s cost lines charge £1,000.00 a week" in refused.content.decode()
    assert not CostAvoidance.objects.exists()
    client.post(reverse("cost_avoidance_create"), {**data, "before_reason": "The provider's quote for next year"})
    entry = CostAvoidance.objects.get()
    assert (entry.amount, entry.replaces_lines, entry.before_reason) == (
        Decimal("21320.00"), False, "The provider's quote for next year")  # 410 a week for 52 weeks


@pytest.mark.parametrize("data, message", [
    ({"weekly_before": "100", "weekly_after": "200"}, "must not be above the weekly cost before"),
    ({"weekly_before": "100"}, "Give both weekly costs."),
    ({"weekly_before": "100", "weekly_after": "50", "one_off": "10"}, "not both"),
    ({}, "or a one-off amount"),
    ({"one_off": "-5"}, "greater than or equal to 0"),
])
def test_bad_entries_are_refused_with_a_reason_and_save_nothing(client, officer, child, data, message):
    client.force_login(officer)
    response = client.post(reverse("cost_avoidance_create"), {
        "case_ref": "CA1", "source": "panel", "date_agreed": today().isoformat(), "effective_from": today().isoformat(),
        **data})
    assert message in response.content.decode()
    assert not CostAvoidance.objects.exists()


def test_totals_are_in_the_papers_form(child, officer):
    for before, after in (("1000", "900"), ("500", "400")):
        cost_avoidance_record(child=child, source="panel", date_agreed=today(), effective_from=today(),
                              weekly_before=Decimal(before), weekly_after=Decimal(after), recorded_by=officer)
    cost_avoidance_record(child=child, source="placements_forum", date_agreed=today(), effective_from=today(),
                          one_off=Decimal("1234.56"), recorded_by=officer)
    totals, total = cost_avoidance_totals(CostAvoidance.objects.all())
    lines = [str(t) for t in totals]
    assert "Panel: £10,400.00 (2 placements)" in lines
    assert "Placements forum: £1,234.56 (1 placement)" in lines
    assert total == Decimal("11634.56")


def test_the_page_filters_by_year_and_a_panel_member_sees_no_officer_filter(client, officer, member, child):
    last_year = today() - timedelta(days=400)
    cost_avoidance_record(child=child, source="panel", date_agreed=last_year, effective_from=last_year,
                          one_off=Decimal("100"), recorded_by=officer)
    cost_avoidance_record(child=child, source="panel", date_agreed=today(), effective_from=today(),
                          one_off=Decimal("250"), recorded_by=officer)
    client.force_login(officer)
    page = client.get(reverse("cost_avoidance")).content.decode()
    assert "Panel: £250.00 (1 placement)" in page  # this financial year by default
    assert 'name="recorded_by"' in page
    client.force_login(member)
    page = client.get(reverse("cost_avoidance"), {"financial_year": ""}).content.decode()
    assert "Panel: £350.00 (2 placements)" in page
    assert 'name="recorded_by"' not in page


def test_the_log_exports_the_rows_shown(client, officer, child):
    cost_avoidance_record(child=child, source="panel", date_agreed=today(), effective_from=today(),
                          one_off=Decimal("250"), recorded_by=officer)
    client.force_login(officer)
    export = client.get(reverse("cost_avoidance"), {"_export": "csv"})
    rows = export.content.decode().strip().splitlines()
    assert rows[0].startswith("Agreed,Child,Source") and len(rows) == 2


def test_a_panel_member_sees_the_totals_but_not_the_entries_that_name_children(client, member, officer, child):
    cost_avoidance_record(child=child, source="panel", date_agreed=today(), effective_from=today(),
                          one_off=Decimal("500"), recorded_by=officer, note="Reduced package for CA1")
    client.force_login(member)
    page = client.get(reverse("cost_avoidance")).content.decode()
    assert "Panel: £500.00 (1 placement)" in page
    assert "CA1" not in page and "Reduced package" not in page
    assert "your role sees the totals" in page
    assert client.get(reverse("cost_avoidance") + "?_export=csv").status_code == 403
