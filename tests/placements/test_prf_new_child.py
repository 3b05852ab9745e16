"""The PRF for a child not yet recorded (issue 16, item 3), and the small fixes of item 11: error messages that
name the field, the Back link in a landmark, no header cell with class None, supported accommodation under 16."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from placements import rules, searches
from placements.models import Child, ChronologyEntry, PlacementSearch
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def prf(**overrides):
    data = {"child_recorded": "new", "category_requested": "residential", "received": today().isoformat(),
            "urgency": "emergency", "risk_to_child": "high", "risk_to_others": "low",
            "child-case_ref": "NEW-77", "child-given_name": "Alex", "child-family_name": "Home",
            "child-date_of_birth": (today() - timedelta(days=365 * 14)).isoformat(), "child-sex": "F",
            "child-legal_status": "C2", "child-team": "Children in Need East"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_prf_adds_the_child_not_yet_recorded_in_the_same_step(officer_client, officer):
    response = officer_client.post(reverse("search_create"), prf())
    child = Child.objects.get(case_ref="NEW-77")
    search = PlacementSearch.objects.get()
    assert response.status_code == 302 and response.url == search.get_absolute_url()
    assert search.child == child and search.officer == officer and search.urgency == "emergency"
    assert (child.given_name, child.family_name, child.team) == ("Alex", "Home", "Children in Need East")


@pytest.mark.parametrize("bad, field, message", [
    ({"child-date_of_birth": ""}, "date_of_birth", "Enter the date of birth"),
    ({"child-date_of_birth": (today() + timedelta(days=1)).isoformat()}, "date_of_birth",
     "Date of birth must be today or in the past."),
    ({"child-given_name": ""}, "given_name", "Enter the given name"),
    ({"child-sex": ""}, "sex", "Choose the sex"),
    ({"child-case_ref": "new-77 "}, "case_ref", "already recorded"),
])
def test_the_new_child_is_checked_as_the_child_form_checks_and_nothing_is_saved(officer_client, bad, field, message):
    make_child(case_ref="NEW-77") if "already" in message else None
    before = Child.objects.count()
    response = officer_client.post(reverse("search_create"), prf(**bad))
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and f'href="#id_child-{field}"' in text
    assert Child.objects.count() == before and not PlacementSearch.objects.exists()


def test_a_refused_search_leaves_no_child_behind(officer_client):
    """The child is saved only with the search: a 12-year-old asked supported accommodation keeps neither."""
    born = today() - timedelta(days=365 * 12 + 10)
    response = officer_client.post(reverse("search_create"), prf(**{
        "category_requested": "supported_accommodation", "child-date_of_birth": born.isoformat()}))
    assert response.status_code == 400
    assert "Supported accommodation is for young people aged 16 and 17: this child is 12." in response.content.decode()
    assert not Child.objects.filter(case_ref="NEW-77").exists() and not ChronologyEntry.objects.exists()


@pytest.mark.parametrize("age, refused", [(15, True), (16, False), (17, False)])
def test_supported_accommodation_is_for_16_and_17(officer, age, refused):
    on = today()
    born = rules.add_months(on, -12 * age)  # the birthday is today: exactly ``age``
    child = make_child(case_ref=f"SA{age}", date_of_birth=born)
    if refused:
        with pytest.raises(Exception, match="aged 16 and 17"):
            searches.search_create(child=child, user=officer, category_requested="supported_accommodation",
                                   received=on)
    else:
        searches.search_create(child=child, user=officer, category_requested="supported_accommodation", received=on)
    assert PlacementSearch.objects.exists() is not refused


def test_a_recorded_child_is_found_whatever_the_case_of_the_reference(officer_client):
    child = make_child(case_ref="AB12")
    response = officer_client.post(reverse("search_create"), prf(child_recorded="recorded", case_ref="ab12"))
    assert response.status_code == 302
    assert PlacementSearch.objects.get().child == child and Child.objects.count() == 1


def test_choosing_a_recorded_child_needs_the_case_reference(officer_client):
    response = officer_client.post(reverse("search_create"), prf(child_recorded="recorded"))
    assert response.status_code == 400
    assert "Enter the child&#x27;s case reference, or choose to add the child." in response.content.decode()


def test_the_child_form_refuses_a_case_reference_differing_only_in_case(officer_client):
    make_child(case_ref="AB12")
    response = officer_client.post(reverse("child_create"), {
        "case_ref": "ab12", "given_name": "A", "family_name": "B", "date_of_birth": "2012-01-01", "sex": "M",
        "legal_status": "C2"})
    assert response.status_code == 200 and "already recorded" in response.content.decode()
    assert Child.objects.count() == 1


def test_the_error_summary_names_each_field(officer_client):
    text = officer_client.post(reverse("child_create"), {}).content.decode()
    assert "This field is required." not in text
    for message in ("Enter the case reference", "Enter the given name", "Enter the date of birth",
                    "Choose the sex", "Choose the legal status"):
        assert message in text, message


def test_the_back_link_sits_in_a_landmark(officer_client):
    text = officer_client.get(reverse("search_create")).content.decode()
    assert '<nav aria-label="Back"><a href="/placements/searches/" class="govuk-back-link">Back</a></nav>' in text


def test_no_table_header_has_the_class_none(client, chair):
    client.force_login(chair)
    for name in ("panel_actions", "panel_consolidation"):
        text = client.get(reverse(name)).content.decode()
        assert 'class="govuk-table__header None"' not in text and " None\"" not in text
