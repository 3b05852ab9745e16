"""Framework first in the offer form, the provider list's framework column and filter, placing defaults and the
child's page (issue 16, items 4-6)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import rules, searches
from placements.choices import CameFrom, PlacementCategory, SearchStatus as S
from placements.models import CostAvoidance, Framework, FrameworkMembership, PlacementSearch
from placements.search_forms import OfferForm
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def homes():
    member = make_provider(name="Member Homes", urn="M1")
    framework = Framework.objects.create(name="Regional Residential", category="residential", lead_authority="Any")
    FrameworkMembership.objects.create(provider=member, framework=framework, start=today() - timedelta(days=30),
                                       end=today())  # its last day is today
    make_inspection(member, inspection_date=today() - timedelta(days=10), overall="good")
    spot = make_provider(name="Alpha Spot Homes", urn="S1")
    agency = make_provider(name="Foster Agency", urn="F1", provision="fostering_agency")
    return member, spot, agency


@pytest.fixture
def search(officer):
    child = make_child(case_ref="FF1", date_of_birth=today() - timedelta(days=365 * 14))
    search = searches.search_create(child=child, user=officer, category_requested="residential", received=today())
    PlacementSearch.objects.filter(pk=search.pk).update(status=S.EXTERNAL_SEARCH)
    search.refresh_from_db()
    return search


def test_the_picker_offers_providers_of_the_type_sought_framework_members_first(search, homes):
    member, spot, agency = homes
    form = OfferForm(search=search, prefix="offer")
    choices = [label for value, label in form.fields["provider"].choices if value]
    assert choices == ["Member Homes · on Regional Residential · Good",
                       "Alpha Spot Homes · no framework (spot only) · no Ofsted rating"]


def test_a_provider_on_no_framework_cannot_be_offered_as_framework(officer, search, homes):
    member, spot, _ = homes
    form = OfferForm({"offer-provider": spot.pk, "offer-route": "framework", "offer-weekly_offered": "6000"},
                     search=search, prefix="offer")
    assert not form.is_valid() and "on no framework today: record the offer as spot" in form.errors["route"][0]
    with pytest.raises(searches.SearchError, match="on no framework today"):
        searches.offer_add(search=search, user=officer, provider=spot, route="framework",
                           weekly_offered=Decimal("6000"), extras=[])
    # On its membership's last day a member may still be offered as framework; the day after it may not.
    searches.offer_add(search=search, user=officer, provider=member, route="framework", weekly_offered=Decimal("6000"),
                       extras=[])
    FrameworkMembership.objects.update(end=today() - timedelta(days=1))
    assert not searches.on_framework(member, today())


def test_the_provider_list_shows_and_filters_by_framework(officer_client, homes):
    page = officer_client.get(reverse("provider_list")).content.decode()
    assert "Regional Residential" in page and "None (spot)" in page
    on = officer_client.get(reverse("provider_list") + "?framework=yes").content.decode()
    off = officer_client.get(reverse("provider_list") + "?framework=no").content.decode()
    assert "Member Homes" in on and "Alpha Spot Homes" not in on
    assert "Alpha Spot Homes" in off and "Member Homes" not in off


@pytest.mark.parametrize("category, came_from", [
    (PlacementCategory.FOSTERING_INTERNAL, CameFrom.FOSTERING), (PlacementCategory.RESIDENTIAL, CameFrom.RESIDENTIAL),
    (PlacementCategory.PLACED_WITH_PARENTS, CameFrom.HOME), (None, CameFrom.HOME),
])
def test_came_from_defaults_to_the_childs_current_placement_type(category, came_from):
    child = make_child(case_ref="CF1")
    if category:
        make_placement(child, None, category=category, start=today() - timedelta(days=50))
    assert searches.came_from_default(child, today()) == came_from
    assert rules.came_from_for(category) == came_from


def test_the_place_form_opens_on_the_childs_current_placement_type(officer_client, search):
    make_placement(search.child, None, category=PlacementCategory.FOSTERING_IFA, start=today() - timedelta(days=50))
    PlacementSearch.objects.filter(pk=search.pk).update(status=S.APPROVED)
    page = officer_client.get(search.get_absolute_url()).content.decode()
    assert '<option value="fostering" selected>' in page


def test_weekly_before_defaults_to_what_the_cost_lines_charge_that_day(officer_client):
    child = make_child(case_ref="WB1")
    placement = make_placement(child, make_provider(), start=today() - timedelta(days=100))
    make_cost_line(placement, "4000", placement.start, today() - timedelta(days=1))
    make_cost_line(placement, "4500", today())
    response = officer_client.post(reverse("cost_avoidance_create"), {
        "case_ref": "wb1", "source": "placements_forum", "date_agreed": today().isoformat(),
        "effective_from": today().isoformat(), "weekly_after": "4200"})
    assert response.status_code == 302
    entry = CostAvoidance.objects.get()
    assert entry.weekly_before == Decimal("4500") and entry.weekly_after == Decimal("4200")


def test_the_childs_page_shows_searches_cost_avoidance_and_spend(officer_client, officer):
    child = make_child(case_ref="CP1")
    fy_start, _ = rules.financial_year(today())
    placement = make_placement(child, make_provider(), start=fy_start - timedelta(days=7))
    make_cost_line(placement, "700", placement.start)  # £100 a day
    search = searches.search_create(child=child, user=officer, category_requested="residential", received=today())
    page = officer_client.get(child.get_absolute_url()).content.decode()
    days_this_year = (today() - fy_start).days + 1
    assert search.get_absolute_url() in page
    assert f"£{100 * days_this_year:,}" in page and f"£{100 * (days_this_year + 7):,}" in page
    order = [page.index(h) for h in ("Placement searches", "Cost avoidance</h2>", "Spend</h2>", "Placements</h2>")]
    assert order == sorted(order)
