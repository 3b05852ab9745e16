"""Frameworks the commissioning hub manager sets up (issue 19, item 3): pages, and the providers import
that sets up a framework it does not know, said in the preview."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.imports import KINDS, SourceFile
from placements.imports.history import record_import, undo
from placements.models import Framework, FrameworkMembership, FrameworkUplift, Provider
from tests.factories import make_provider

pytestmark = pytest.mark.django_db

PROVIDERS = "URN,NAME,OWNERSHIP,PROVISION,REGULATED,FRAMEWORK,POSTCODE,FRAMEWORK_FROM"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_a_manager_sets_up_a_framework_with_uplifts_and_members(manager_client):
    response = manager_client.post(reverse("framework_create"), {
        "name": "West Midlands Residential", "category": "residential", "lead_authority": "Anyshire"})
    framework = Framework.objects.get()
    assert response.status_code == 302 and response.url == reverse("framework_detail", args=[framework.pk])
    manager_client.post(reverse("framework_uplift_create", args=[framework.pk]),
                        {"financial_year": "2024", "percent": "4.5"})
    provider = make_provider(name="Hillside Homes")
    manager_client.post(reverse("framework_member_create", args=[framework.pk]),
                        {"provider": provider.pk, "start": "2024-04-01", "end": ""})
    page = manager_client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    for text in ("West Midlands Residential", "Residential", "Anyshire", "2024/25", "4.50%", "Hillside Homes",
                 "1 Apr 2024", "Still a member"):
        assert text in page
    listing = manager_client.get(reverse("framework_list")).content.decode()
    assert "West Midlands Residential" in listing and "Anyshire" in listing


@pytest.mark.parametrize("data, field, message", [
    ({"financial_year": "1999", "percent": "3"}, "financial_year", "from 2000 to 2099"),
    ({"financial_year": "2024", "percent": "300"}, "percent", "between -50% and 100%"),
    ({"financial_year": "2023", "percent": "2"}, "financial_year", "already has an uplift for 2023/24"),
])
def test_a_bad_uplift_is_refused_with_the_field_named_and_nothing_saved(manager_client, data, field, message):
    framework = Framework.objects.create(name="F", category="residential", lead_authority="A")
    FrameworkUplift.objects.create(framework=framework, financial_year=2023, percent=Decimal("1"))
    response = manager_client.post(reverse("framework_uplift_create", args=[framework.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert f'href="#id_{field}"' in page and message in page
    assert FrameworkUplift.objects.count() == 1


def test_a_member_cannot_leave_before_joining(manager_client):
    framework = Framework.objects.create(name="F", category="residential", lead_authority="A")
    response = manager_client.post(reverse("framework_member_create", args=[framework.pk]),
                                   {"provider": make_provider().pk, "start": "2024-04-01", "end": "2024-03-01"})
    assert "The day it left must be on or after the day it joined." in response.content.decode()
    assert not FrameworkMembership.objects.exists()


def test_officers_read_frameworks_but_only_managers_change_them(client, officer):
    framework = Framework.objects.create(name="F", category="residential", lead_authority="A")
    client.force_login(officer)
    assert client.get(reverse("framework_detail", args=[framework.pk])).status_code == 200
    for name in ("framework_create",):
        assert client.get(reverse(name)).status_code == 403
    for name in ("framework_update", "framework_uplift_create", "framework_member_create"):
        assert client.get(reverse(name, args=[framework.pk])).status_code == 403


def test_a_providers_file_naming_a_new_framework_says_so_in_the_preview_and_sets_it_up(manager_client):
    upload = SimpleUploadedFile("providers.csv", (
        f"{PROVIDERS}\nSC1,Hillside,external,childrens_home,yes,Regional Homes,EX1 1AA,01/04/2024\n"
        "SC2,Valley,external,childrens_home,yes,Regional Homes,EX2 2BB,01/05/2024\n").encode())
    response = manager_client.post(reverse("import_upload"), {"kind": "providers", "files": [upload]})
    page = manager_client.get(response.url).content.decode()
    assert "\u201cRegional Homes\u201d is not a framework set up here: importing sets it up" in page
    assert '<th scope="row" class="govuk-table__header">Frameworks</th>' in page
    assert not Framework.objects.exists()  # a preview writes nothing
    manager_client.post(reverse("import_confirm", args=[response.url.rstrip("/").split("/")[-1]]))
    framework = Framework.objects.get()
    assert (framework.name, framework.category) == ("Regional Homes", "residential")
    assert sorted(framework.memberships.values_list("provider__urn", "start")) == [
        ("SC1", date(2024, 4, 1)), ("SC2", date(2024, 5, 1))]


def test_undoing_the_providers_import_removes_the_framework_it_set_up():
    files = [SourceFile("providers.csv", f"{PROVIDERS}\nSC1,Hillside,external,childrens_home,yes,New One,,\n".encode())]
    plan = KINDS["providers"].plan(files)
    KINDS["providers"].apply(plan)
    undo(record_import("providers", plan, files))
    assert not Framework.objects.exists() and not Provider.objects.exists()
