"""The Director's approval page (issue 16, item 2): what is approved, with its figures, then Approve or Refuse."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import approval, searches
from placements.choices import ChronologyKind, PlacementCategory, SearchStatus as S
from panel.choices import Rule
from placements.models import AuthoritySettings, Framework, FrameworkMembership
from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def step(search, to_status, user, **kwargs):
    search.refresh_from_db()
    return searches.search_move(search=search, to_status=to_status, user=user, expected_version=search.version,
                                **kwargs)


@pytest.fixture
def awaiting(officer):
    """A 12-year-old in in-house fostering at £450 a week; a framework home chosen at £5,700 (down from £6,000) with
    2:1 at £2,800 for four weeks kept; a spot home not chosen; a third home that withdrew."""
    child = make_child(case_ref="A1", date_of_birth=today() - timedelta(days=365 * 12 + 30))
    current = make_placement(child, make_provider(name="Current carers", urn="CUR", ownership="internal",
                                                  provision="fostering_agency"),
                             category=PlacementCategory.FOSTERING_INTERNAL, start=today() - timedelta(days=300),
                             route="internal")
    make_cost_line(current, "450", current.start)
    framework_home = make_provider(name="Framework Homes", urn="FW1")
    framework = Framework.objects.create(name="Regional Residential", category="residential", lead_authority="Any")
    FrameworkMembership.objects.create(provider=framework_home, framework=framework, start=today() - timedelta(days=400))
    make_inspection(framework_home, inspection_date=today() - timedelta(days=90),
                                    overall="good")
    spot_home = make_provider(name="Spot Homes", urn="SP1")
    gone_home = make_provider(name="Gone Homes", urn="GO1")
    search = searches.search_create(child=child, user=officer, category_requested="residential", received=today())
    for status in (S.PERMISSION_CONFIRMED, S.QUALITY_ASSURED, S.INTERNAL_SEARCH, S.EXTERNAL_SEARCH):
        step(search, status, officer, permission_confirmed_by="GM")
    chosen = searches.offer_add(search=search, user=officer, provider=framework_home, route="framework",
                                weekly_offered=Decimal("6000"),
                                extras=[searches.ExtraInput("2:1 staffing", Decimal("2800"), 4)])
    searches.offer_add(search=search, user=officer, provider=spot_home, route="spot", weekly_offered=Decimal("6400"),
                       extras=[])
    gone = searches.offer_add(search=search, user=officer, provider=gone_home, route="spot",
                              weekly_offered=Decimal("5000"), extras=[])
    searches.offer_decline(offer=gone, user=officer, note="Bed taken by another authority.")
    step(search, S.OFFERS_SHARED, officer)
    search.refresh_from_db()
    searches.offer_choose(offer=chosen, user=officer, expected_version=search.version)
    search.refresh_from_db()
    searches.offer_negotiate(offer=chosen, user=officer, expected_version=search.version,
                             weekly_agreed=Decimal("5700"), note="", kept_extra_ids={chosen.extras.get().pk})
    for status in (S.PRE_PLACEMENT_CHECKS, S.AWAITING_APPROVAL):
        step(search, status, officer)
    search.refresh_from_db()
    return search


def case_for(search):
    from placements import selectors

    return approval.approval_case(selectors.search_detail(search.pk, today()).get(), today())


def test_the_case_shows_cost_against_the_childs_current_cost_and_the_rules_met(awaiting):
    case = case_for(awaiting)
    assert case.age == 12
    assert case.offer.provider.name == "Framework Homes"
    assert case.weekly_at_start == Decimal("8500")  # 5,700 agreed + 2:1 for the first four weeks
    assert case.weekly_ongoing == Decimal("5700")
    assert case.annual == Decimal("5700") * 52 + Decimal("2800") * 4
    assert case.current_weekly == Decimal("450")
    assert case.weekly_change == Decimal("5250")
    assert case.frameworks == ["Regional Residential"] and not case.framework_mismatch
    assert case.rating.overall == "good"
    codes = {reason.code for reason in case.panel_reasons}
    # Aged 12 going into residential, with an additional cost line; never "review due" for a placement not begun.
    assert codes == {Rule.UNDER_13_RESIDENTIAL, Rule.ADDITIONAL_COSTS}
    turned_down = {row.offer.provider.name: row.why for row in case.turned_down}
    assert "Bed taken by another authority." in turned_down["Gone Homes"]
    assert turned_down["Spot Homes"].startswith("Not chosen") and "£400.00 a week less" in turned_down["Spot Homes"]


@pytest.mark.parametrize("threshold, over", [("8499.99", True), ("8500.00", False)])
def test_the_cost_threshold_is_judged_on_the_weekly_cost_at_the_start(awaiting, threshold, over):
    settings = AuthoritySettings.current()
    settings.panel_cost_threshold = Decimal(threshold)
    settings.save()
    codes = {reason.code for reason in case_for(awaiting).panel_reasons}
    assert (Rule.COST_OVER_THRESHOLD in codes) is over


def test_a_child_turning_13_today_does_not_meet_the_under_13_rule(awaiting):
    child = awaiting.child
    child.date_of_birth = today().replace(year=today().year - 13) if not (today().month == 2 and today().day == 29) \
        else today().replace(year=today().year - 13, day=28)
    child.save()
    codes = {reason.code for reason in case_for(awaiting).panel_reasons}
    assert Rule.UNDER_13_RESIDENTIAL not in codes


def test_a_provider_on_no_framework_offered_as_framework_is_flagged(awaiting):
    FrameworkMembership.objects.update(end=today() - timedelta(days=1))
    assert case_for(awaiting).framework_mismatch


def test_the_director_approves_from_the_page(client, director, awaiting):
    client.force_login(director)
    page = client.get(reverse("search_approval", args=[awaiting.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for shown in ("Framework Homes", "£5,700.00", "£450.00", "up £5,250.00", "Regional Residential", "Good",
                  "Aged 12, in residential care", "Bed taken by another authority.", "Refuse and send back"):
        assert shown in text, shown
    response = client.post(reverse("search_approval", args=[awaiting.pk]), {
        "decision": "approve", "approve-version": awaiting.version, "approve-note": "No alternative."})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == S.APPROVED
    assert awaiting.chronology.filter(kind=ChronologyKind.APPROVAL, text__contains="No alternative.").exists()


def test_a_refusal_needs_a_reason_and_sends_the_search_back_to_negotiation(client, director, awaiting):
    client.force_login(director)
    url = reverse("search_approval", args=[awaiting.pk])
    blank = client.post(url, {"decision": "refuse", "refuse-version": awaiting.version, "refuse-reason": "  "})
    assert blank.status_code == 400 and "Enter why you are refusing the placement." in blank.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == S.AWAITING_APPROVAL
    response = client.post(url, {"decision": "refuse", "refuse-version": awaiting.version,
                                 "refuse-reason": "Look again at in-house residential."})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == S.NEGOTIATING
    entry = awaiting.chronology.filter(kind=ChronologyKind.APPROVAL).get()
    assert entry.text.startswith("Refused by") and "Look again at in-house residential." in entry.text


@pytest.mark.parametrize("who", ["officer", "admin_user"])
def test_only_a_senior_manager_decides(request, client, awaiting, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = reverse("search_approval", args=[awaiting.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Refuse and send back" not in page.content.decode()
    for decision, data in (("approve", {}), ("refuse", {"refuse-reason": "No"})):
        response = client.post(url, {"decision": decision, f"{decision}-version": awaiting.version, **data})
        assert response.status_code in (400, 403)
    awaiting.refresh_from_db()
    assert awaiting.status == S.AWAITING_APPROVAL


def test_a_stale_decision_is_refused(director, awaiting):
    with pytest.raises(searches.SearchChanged):
        approval.search_refuse(search=awaiting, user=director, expected_version=awaiting.version - 1, reason="No")


def test_the_search_page_links_the_director_to_the_approval_page(client, director, awaiting):
    client.force_login(director)
    text = client.get(awaiting.get_absolute_url()).content.decode()
    assert reverse("search_approval", args=[awaiting.pk]) in text and "Review and approve or refuse" in text
