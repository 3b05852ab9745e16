"""Framework memberships the manager adds, changes and ends (issue 19, item 3), and the lost-update guard on the
framework forms: bad days are refused with the field named and nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.edit_guard import STALE_MESSAGE
from placements.memberships import clashing_membership, membership_problems
from placements.models import Framework, FrameworkMembership
from placements.plausible import latest_record_date
from tests.factories import make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def framework():
    return Framework.objects.create(name="Regional Residential", category="residential", lead_authority="Anyshire")


@pytest.fixture
def member(framework):
    provider = make_provider(name="Hillside Homes")
    FrameworkMembership.objects.create(provider=provider, framework=framework, start=date(2022, 4, 1),
                                       end=date(2023, 3, 31))
    return provider


def memberships():
    return list(FrameworkMembership.objects.order_by("pk").values_list("provider_id", "framework_id", "start", "end"))


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def test_a_manager_adds_a_member_then_ends_its_membership(manager_client, framework):
    provider = make_provider(name="Brookside Care")
    added = manager_client.post(reverse("framework_member_create", args=[framework.pk]),
                                {"provider": provider.pk, "start": "2024-04-01", "end": ""}, follow=True)
    assert "Brookside Care is a member from 01/04/2024." in added.content.decode()
    membership = FrameworkMembership.objects.get()
    page = manager_client.get(framework.get_absolute_url()).content.decode()
    edit = reverse("framework_member_update", args=[membership.pk])
    assert edit in page and "Change or end" in page

    form = manager_client.get(edit).context["form"]
    ended = manager_client.post(edit, {"start": "2024-04-01", "end": "2025-03-31",
                                       "record_fingerprint": form["record_fingerprint"].value()}, follow=True)
    assert "Brookside Care is a member from 01/04/2024 to 31/03/2025." in ended.content.decode()
    assert memberships() == [(provider.pk, framework.pk, date(2024, 4, 1), date(2025, 3, 31))]
    assert "31 Mar 2025" in ended.content.decode()


@pytest.mark.parametrize("start, end, clash", [
    (date(2022, 10, 1), None, True),  # starts inside the membership
    (date(2023, 3, 31), None, True),  # starts on its last day
    (date(2023, 4, 1), None, False),  # the day after it ended
    (date(2021, 4, 1), date(2022, 3, 31), False),  # ends the day before it began
    (date(2021, 4, 1), date(2022, 4, 1), True),  # ends on its first day
    (date(2021, 4, 1), None, True),  # starts before, never ends: covers it
    (date(2021, 4, 1), date(2024, 1, 1), True),  # covers it
])
def test_memberships_of_one_framework_cannot_overlap(manager_client, framework, member, start, end, clash):
    before = memberships()
    response = manager_client.post(reverse("framework_member_create", args=[framework.pk]),
                                   {"provider": member.pk, "start": iso(start), "end": iso(end)})
    if clash:
        page = response.content.decode()
        assert response.status_code == 200 and 'href="#id_start"' in page
        assert "already a member of Regional Residential from 01/04/2022 to 31/03/2023" in page
        assert memberships() == before
    else:
        assert response.status_code == 302 and len(memberships()) == len(before) + 1


def test_another_framework_or_another_provider_may_overlap(framework, member):
    other = Framework.objects.create(name="Fostering", category="fostering_ifa", lead_authority="Anyshire")
    assert clashing_membership(member, other, date(2022, 5, 1), None) is None
    assert clashing_membership(make_provider(name="Other", urn="SC2"), framework, date(2022, 5, 1), None) is None
    assert clashing_membership(member, framework, date(2022, 5, 1), None).start == date(2022, 4, 1)


def test_an_open_membership_clashes_with_any_later_start(framework):
    provider = make_provider(name="Open Ended")
    FrameworkMembership.objects.create(provider=provider, framework=framework, start=date(2020, 1, 1))
    assert "with no end" in membership_problems(provider, framework, date(2030, 1, 1), None)["start"]
    assert membership_problems(provider, framework, date(2019, 1, 1), date(2019, 12, 31)) == {}


def test_the_days_are_within_the_plausible_bounds(framework):
    provider = make_provider(name="Dated")
    today = timezone.localdate()
    assert "before 1 January 1990" in membership_problems(provider, framework, date(1989, 12, 31), None)["start"]
    assert membership_problems(provider, framework, date(1990, 1, 1), None) == {}
    last = latest_record_date(today)
    assert membership_problems(provider, framework, date(2020, 1, 1), last, today=today) == {}
    assert "more than 5 years" in membership_problems(provider, framework, date(2020, 1, 1), last + timedelta(days=1),
                                                      today=today)["end"]
    assert "on or after the day it joined" in membership_problems(provider, framework, date(2020, 1, 2),
                                                                  date(2020, 1, 1))["end"]


def test_changing_a_membership_does_not_clash_with_itself_but_does_with_another(manager_client, framework, member):
    later = FrameworkMembership.objects.create(provider=member, framework=framework, start=date(2024, 4, 1))
    first = FrameworkMembership.objects.get(start=date(2022, 4, 1))
    edit = reverse("framework_member_update", args=[first.pk])
    assert manager_client.post(edit, {"start": "2022-01-01", "end": "2023-03-31"}).status_code == 302
    before = memberships()
    refused = manager_client.post(edit, {"start": "2022-01-01", "end": "2024-06-30"})
    assert "already a member of Regional Residential from 01/04/2024 with no end" in refused.content.decode()
    assert memberships() == before
    bad = manager_client.post(edit, {"start": "2022-01-01", "end": "2021-12-31"})
    assert 'href="#id_end"' in bad.content.decode() and memberships() == before
    assert later.pk != first.pk
    assert manager_client.get(reverse("framework_member_update", args=[later.pk + 1])).status_code == 404


def test_a_stale_framework_or_membership_form_is_refused_and_keeps_what_was_typed(manager_client, framework, member):
    edit = reverse("framework_update", args=[framework.pk])
    fingerprint = manager_client.get(edit).context["form"]["record_fingerprint"].value()
    Framework.objects.filter(pk=framework.pk).update(lead_authority="Someone Else's Change")
    stale = manager_client.post(edit, {"name": "Renamed", "category": "residential", "lead_authority": "Mine",
                                       "record_fingerprint": fingerprint})
    page = stale.content.decode()
    assert stale.status_code == 200 and "Someone else changed this record" in page and 'value="Renamed"' in page
    framework.refresh_from_db()
    assert (framework.name, framework.lead_authority) == ("Regional Residential", "Someone Else's Change")

    membership = FrameworkMembership.objects.get()
    edit = reverse("framework_member_update", args=[membership.pk])
    fingerprint = manager_client.get(edit).context["form"]["record_fingerprint"].value()
    FrameworkMembership.objects.filter(pk=membership.pk).update(end=date(2023, 6, 30))
    stale = manager_client.post(edit, {"start": "2022-04-01", "end": "2023-01-31", "record_fingerprint": fingerprint})
    assert STALE_MESSAGE.split(":")[0] in stale.content.decode()
    assert FrameworkMembership.objects.get().end == date(2023, 6, 30)
    fresh = manager_client.get(edit).context["form"]["record_fingerprint"].value()
    assert manager_client.post(edit, {"start": "2022-04-01", "end": "2023-01-31",
                                      "record_fingerprint": fresh}).status_code == 302
    assert FrameworkMembership.objects.get().end == date(2023, 1, 31)


def test_only_a_manager_changes_a_membership(client, officer, framework, member):
    membership = FrameworkMembership.objects.get()
    client.force_login(officer)
    edit = reverse("framework_member_update", args=[membership.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"start": "2022-04-01", "end": ""}).status_code == 403
    assert FrameworkMembership.objects.get().end == date(2023, 3, 31)
    assert edit not in client.get(framework.get_absolute_url()).content.decode()


def test_the_providers_page_links_each_membership_to_its_change_form_for_a_manager(manager_client, framework, member):
    membership = FrameworkMembership.objects.get()
    page = manager_client.get(member.get_absolute_url()).content.decode()
    assert reverse("framework_member_update", args=[membership.pk]) in page
