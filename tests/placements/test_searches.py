"""A search from PRF to placed, through the views, as an officer and a senior manager; the status path's
refusals; concurrency; and the negotiation's cost avoidance (rule C3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import searches
from placements.choices import ChronologyKind, OfferStatus, PlacementCategory, SearchStatus as S
from placements.models import (
    ChronologyEntry,
    CostAvoidance,
    CostLine,
    Framework,
    FrameworkMembership,
    Offer,
    Placement,
    PlacementSearch,
)
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

def today():
    """Read when a test runs, not when the module is imported (a run that crosses midnight stays right)."""
    return timezone.localdate()


@pytest.fixture
def child():
    child = make_child(case_ref="S1", date_of_birth=today() - timedelta(days=365 * 14))
    current = make_placement(child, make_provider(name="Current carers", urn="CUR", ownership="internal",
                                                  provision="fostering_agency"),
                             category=PlacementCategory.FOSTERING_INTERNAL, start=today() - timedelta(days=300),
                             route="internal")
    make_cost_line(current, "450", current.start)
    return child


@pytest.fixture
def homes():
    framework = make_provider(name="Framework Homes", urn="FW1")
    FrameworkMembership.objects.create(  # framework first: offered as framework only while on one
        provider=framework, start=today() - timedelta(days=365),
        framework=Framework.objects.create(name="Regional Residential", category="residential", lead_authority="Any"))
    spot = make_provider(name="Spot Homes", urn="SP1")
    return framework, spot


def post(client, name, search, data=None, **kwargs):
    return client.post(reverse(name, args=[search.pk, *kwargs.values()]), data or {})


def move(client, search, to_status, **extra):
    search.refresh_from_db()
    return client.post(reverse("search_move", args=[search.pk]),
                       {"move-to_status": to_status, "move-version": search.version,
                        **{f"move-{name}": value for name, value in extra.items()}})


def test_an_officer_takes_a_search_from_prf_to_placed_and_a_director_approves(client, officer, director, child, homes):
    framework, spot = homes
    client.force_login(officer)
    response = client.post(reverse("search_create"), {
        "case_ref": "S1", "category_requested": "residential", "received": today().isoformat(), "urgency": "urgent",
        "risk_to_child": "high", "risk_to_others": "low", "staffing_ratio": "2:1"})
    search = PlacementSearch.objects.get()
    assert response.url == search.get_absolute_url() and search.officer == officer

    assert move(client, search, S.PERMISSION_CONFIRMED, permission_confirmed_by="Group Manager").status_code == 302
    for step in (S.QUALITY_ASSURED, S.INTERNAL_SEARCH, S.EXTERNAL_SEARCH):
        assert move(client, search, step, note="No in-house offer").status_code == 302
    client.post(reverse("offer_add", args=[search.pk]), {
        "offer-provider": framework.pk, "offer-route": "framework", "offer-weekly_offered": "6000",
        "extras-TOTAL_FORMS": "2", "extras-INITIAL_FORMS": "0",
        "extras-0-description": "2:1 staffing for the first month", "extras-0-weekly_amount": "2800",
        "extras-0-weeks": "4"})
    client.post(reverse("offer_add", args=[search.pk]), {
        "offer-provider": spot.pk, "offer-route": "spot", "offer-weekly_offered": "6400",
        "extras-TOTAL_FORMS": "2", "extras-INITIAL_FORMS": "0"})
    assert search.offers.count() == 2
    move(client, search, S.OFFERS_SHARED)
    search.refresh_from_db()
    chosen = search.offers.get(provider=framework)
    client.post(reverse("offer_choose", args=[search.pk, chosen.pk]), {"version": search.version})
    search.refresh_from_db()
    assert search.status == S.OPTION_CHOSEN
    assert search.offers.get(provider=spot).status == OfferStatus.REJECTED
    client.post(reverse("offer_negotiate", args=[search.pk, chosen.pk]),
                {"negotiate-version": search.version, "negotiate-weekly_agreed": "5700",
                 "negotiate-note": "Challenged the 2:1"})
    move(client, search, S.PRE_PLACEMENT_CHECKS)
    move(client, search, S.AWAITING_APPROVAL)
    refused = move(client, search, S.APPROVED)
    assert refused.status_code == 400 and "Only a senior manager" in refused.content.decode()

    client.force_login(director)
    assert move(client, search, S.APPROVED, note="Approved").status_code == 302
    assert ChronologyEntry.objects.filter(search=search, kind=ChronologyKind.APPROVAL, user=director).exists()

    client.force_login(officer)
    search.refresh_from_db()
    start = today()
    response = client.post(reverse("search_place", args=[search.pk]), {
        "place-version": search.version, "place-start": start.isoformat(), "place-category": "residential",
        "place-came_from": "fostering"})
    placement = Placement.objects.get(search=search)
    assert response.url == placement.get_absolute_url()
    assert (placement.provider, placement.route, placement.start) == (framework, "framework", start)
    assert list(placement.cost_lines.values_list("weekly_amount", flat=True)) == [Decimal("5700.00")]
    previous = Placement.objects.exclude(pk=placement.pk).get(child=search.child)
    assert previous.end == start and previous.reason_ended == "moved"
    assert previous.cost_lines.get().date_to == start - timedelta(days=1)
    # 300 a week off the core fee for 52 weeks, and the 2:1 dropped for its four weeks.
    amounts = sorted(CostAvoidance.objects.filter(search=search).values_list("amount", flat=True))
    assert amounts == [Decimal("11200.00"), Decimal("15600.00")]
    search.refresh_from_db()
    assert search.status == S.PLACED and search.outcome_placement == placement


def step(search, to_status, user, **kwargs):
    """Move the search on from its latest version (as a page freshly opened would)."""
    search.refresh_from_db()
    return searches.search_move(search=search, to_status=to_status, user=user, expected_version=search.version,
                                **kwargs)


@pytest.fixture
def search(child, officer):
    return searches.search_create(child=child, user=officer, category_requested="residential", received=today())


@pytest.mark.parametrize("illegal", [S.QUALITY_ASSURED, S.OFFERS_SHARED, S.APPROVED, S.PLACED])
def test_each_illegal_step_from_received_is_refused_with_a_message(client, officer, search, illegal):
    client.force_login(officer)
    response = move(client, search, illegal)
    assert response.status_code == 400
    search.refresh_from_db()
    assert search.status == S.RECEIVED


def test_the_service_refuses_a_step_off_the_path(search, officer):
    with pytest.raises(searches.SearchError, match="cannot go from 'prf received' to 'internal search'"):
        searches.search_move(search=search, to_status=S.INTERNAL_SEARCH, user=officer, expected_version=1)


def test_confirming_permission_needs_who_confirmed_it(search, officer):
    with pytest.raises(searches.SearchError, match="who confirmed"):
        searches.search_move(search=search, to_status=S.PERMISSION_CONFIRMED, user=officer, expected_version=1)


def test_offers_must_exist_before_they_are_shared(search, officer):
    for status in (S.PERMISSION_CONFIRMED, S.QUALITY_ASSURED, S.INTERNAL_SEARCH):
        step(search, status, officer, permission_confirmed_by="GM")
    with pytest.raises(searches.SearchError, match="at least one offer"):
        step(search, S.OFFERS_SHARED, officer)


def test_withdrawing_needs_a_reason_and_closes_the_search(search, officer):
    with pytest.raises(searches.SearchError, match="why"):
        searches.search_move(search=search, to_status=S.WITHDRAWN, user=officer, expected_version=1)
    searches.search_move(search=search, to_status=S.WITHDRAWN, user=officer, expected_version=1,
                         note="Child returned home")
    search.refresh_from_db()
    assert search.status == S.WITHDRAWN and search.closed_on == today()
    with pytest.raises(searches.SearchError):
        step(search, S.PERMISSION_CONFIRMED, officer, permission_confirmed_by="x")


def test_a_second_officer_working_from_a_stale_page_is_told_and_keeps_their_entry(client, officer, manager, search):
    client.force_login(manager)
    stale_version = search.version
    searches.search_move(search=search, to_status=S.PERMISSION_CONFIRMED, user=officer, expected_version=stale_version,
                         permission_confirmed_by="Group Manager")
    response = client.post(reverse("search_move", args=[search.pk]), {
        "move-to_status": S.WITHDRAWN, "move-version": stale_version, "move-note": "My careful note about why"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this search since you opened it" in page
    assert "My careful note about why" in page
    search.refresh_from_db()
    assert search.status == S.PERMISSION_CONFIRMED


def test_the_chronology_cannot_be_edited_or_deleted(search):
    entry = search.chronology.get()
    entry.text = "rewritten"
    with pytest.raises(Exception, match="cannot be changed"):
        entry.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        entry.delete()


def test_a_negative_offer_is_refused_and_saves_nothing(client, officer, search, homes):
    for status in (S.PERMISSION_CONFIRMED, S.QUALITY_ASSURED, S.INTERNAL_SEARCH):
        step(search, status, officer, permission_confirmed_by="GM")
    client.force_login(officer)
    response = client.post(reverse("offer_add", args=[search.pk]), {
        "offer-provider": homes[0].pk, "offer-route": "framework", "offer-weekly_offered": "-10",
        "extras-TOTAL_FORMS": "2", "extras-INITIAL_FORMS": "0"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0" in response.content.decode()
    assert not Offer.objects.exists()


@pytest.fixture
def chosen(search, officer, homes):
    for status in (S.PERMISSION_CONFIRMED, S.QUALITY_ASSURED, S.INTERNAL_SEARCH):
        step(search, status, officer, permission_confirmed_by="GM")
    offer = searches.offer_add(search=search, user=officer, provider=homes[0], route="framework",
                               weekly_offered=Decimal("6000"), extras=[])
    step(search, S.OFFERS_SHARED, officer)
    search.refresh_from_db()
    searches.offer_choose(offer=offer, user=officer, expected_version=search.version)
    return offer


def test_an_agreed_price_above_the_offer_needs_a_reason(client, officer, search, chosen):
    client.force_login(officer)
    search.refresh_from_db()
    response = client.post(reverse("offer_negotiate", args=[search.pk, chosen.pk]),
                           {"negotiate-version": search.version, "negotiate-weekly_agreed": "6100"})
    assert "Say why the agreed price is above the price offered." in response.content.decode()
    chosen.refresh_from_db()
    assert chosen.weekly_agreed is None


def approve(search, officer, director, chosen, agreed="5500"):
    search.refresh_from_db()
    searches.offer_negotiate(offer=chosen, user=officer, expected_version=search.version,
                             weekly_agreed=Decimal(agreed), note="", kept_extra_ids=set())
    for status, user in ((S.PRE_PLACEMENT_CHECKS, officer), (S.AWAITING_APPROVAL, officer), (S.APPROVED, director)):
        step(search, status, user)
    search.refresh_from_db()


def test_a_placement_cannot_start_before_the_prf(client, officer, director, search, chosen):
    approve(search, officer, director, chosen)
    client.force_login(officer)
    response = client.post(reverse("search_place", args=[search.pk]), {
        "place-version": search.version, "place-start": (today() - timedelta(days=1)).isoformat(),
        "place-category": "residential", "place-came_from": "fostering"})
    assert response.status_code == 400 and "before the PRF was received" in response.content.decode()
    assert not Placement.objects.filter(search=search).exists()
    assert not CostLine.objects.filter(placement__search=search).exists()


def test_a_different_type_needs_the_market_reason_which_the_panel_reads(client, officer, director, search, chosen):
    approve(search, officer, director, chosen)
    client.force_login(officer)
    data = {"place-version": search.version, "place-start": today().isoformat(),
            "place-category": "supported_accommodation", "place-came_from": "fostering"}
    response = client.post(reverse("search_place", args=[search.pk]), data)
    assert "say whether market availability was the reason" in response.content.decode()
    client.post(reverse("search_place", args=[search.pk]), {**data, "place-market_reason": "yes"})
    placement = Placement.objects.get(search=search)
    assert placement.desired_category == "residential" and placement.desired_not_met_market


def test_the_senior_manager_can_approve_but_not_move_other_steps(client, director, search):
    client.force_login(director)
    response = move(client, search, S.PERMISSION_CONFIRMED, permission_confirmed_by="me")
    assert response.status_code == 400
    assert client.post(reverse("search_note", args=[search.pk]), {"note-kind": "note", "note-text": "x"}).status_code == 403


def test_a_panel_member_cannot_see_searches(client, member, search):
    client.force_login(member)
    assert client.get(reverse("search_detail", args=[search.pk])).status_code == 403
    assert client.get(reverse("search_list")).status_code == 403


def test_the_worklist_shows_open_searches_and_the_search_page_keeps_queries_fixed(
        client, officer, search, chosen, django_assert_max_num_queries):
    client.force_login(officer)
    page = client.get(reverse("search_list")).content.decode()
    assert "S1" in page and "Option chosen" in page
    # 20 for the page, and 2 for its entry in the audit trail (a view of the child: their case reference, the insert).
    with django_assert_max_num_queries(22):
        response = client.get(reverse("search_detail", args=[search.pk]))
    assert "Framework Homes" in response.content.decode()


def place(search, officer, start=None, category="residential"):
    search.refresh_from_db()
    return searches.search_place(search=search, user=officer, expected_version=search.version, start=start or today(),
                                 category=category, desired_not_met_market=None, came_from="fostering")


def test_placing_is_refused_when_the_child_already_has_a_later_placement(officer, director, search, chosen):
    approve(search, officer, director, chosen)
    make_placement(search.child, None, category=PlacementCategory.FOSTERING_KINSHIP, start=today() + timedelta(days=3))
    with pytest.raises(searches.SearchError, match="already has a placement starting on or after"):
        place(search, officer)
    assert not Placement.objects.filter(search=search).exists()


def test_placing_is_refused_while_the_current_placement_has_cost_lines_from_that_day(officer, director, search, chosen):
    approve(search, officer, director, chosen)
    current = search.child.placements.get()
    make_cost_line(current, "500", today(), description="Respite from today")
    with pytest.raises(searches.SearchError, match="cost lines from this date on: end them first"):
        place(search, officer)
    current.refresh_from_db()
    assert current.end is None  # nothing half-saved: the current placement is still open


def test_an_agreed_time_limited_extra_is_carried_onto_the_new_placement_for_its_weeks(officer, director, search, homes):
    for status in (S.PERMISSION_CONFIRMED, S.QUALITY_ASSURED, S.INTERNAL_SEARCH):
        step(search, status, officer, permission_confirmed_by="GM")
    offer = searches.offer_add(search=search, user=officer, provider=homes[0], route="framework",
                               weekly_offered=Decimal("6000"),
                               extras=[searches.ExtraInput("2:1 staffing", Decimal("2800"), 4)])
    step(search, S.OFFERS_SHARED, officer)
    search.refresh_from_db()
    searches.offer_choose(offer=offer, user=officer, expected_version=search.version)
    search.refresh_from_db()
    searches.offer_negotiate(offer=offer, user=officer, expected_version=search.version, weekly_agreed=Decimal("6000"),
                             note="", kept_extra_ids={offer.extras.get().pk})
    for status, user in ((S.PRE_PLACEMENT_CHECKS, officer), (S.AWAITING_APPROVAL, officer), (S.APPROVED, director)):
        step(search, status, user)
    placement = place(search, officer)
    lines = sorted(placement.cost_lines.values_list("kind", "weekly_amount", "date_from", "date_to"))
    assert lines == [("additional", Decimal("2800.00"), today(), today() + timedelta(days=27)),
                     ("core", Decimal("6000.00"), today(), None)]
    # Nothing was taken off in negotiation: no saving, no entry in the cost avoidance log.
    assert not CostAvoidance.objects.filter(search=search).exists()


def test_approval_needs_the_senior_manager_role_itself_not_an_administrators_rights(officer, director, admin_user,
                                                                                     search, chosen):
    search.refresh_from_db()
    searches.offer_negotiate(offer=chosen, user=officer, expected_version=search.version,
                             weekly_agreed=Decimal("5500"), note="", kept_extra_ids=set())
    for status in (S.PRE_PLACEMENT_CHECKS, S.AWAITING_APPROVAL):
        step(search, status, officer)
    search.refresh_from_db()
    assert S.APPROVED not in searches.allowed_moves(search, admin_user)
    with pytest.raises(searches.SearchError, match="Only a senior manager"):
        step(search, S.APPROVED, admin_user)
    step(search, S.APPROVED, director)
    entry = search.chronology.filter(kind=ChronologyKind.APPROVAL).get()
    assert entry.text.startswith("Approved to place by") and "Senior manager" in entry.text
