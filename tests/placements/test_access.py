"""Login everywhere, and each group reaches what its job needs (SPEC section 1)."""

import pytest
from django.urls import reverse

from placements import access
from tests.factories import make_child, make_placement, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    child = make_child()
    provider = make_provider()
    placement = make_placement(child, provider)
    line = placement.cost_lines.create(kind="core", description="Fee", weekly_amount=100, date_from=placement.start)
    return {"child": child, "provider": provider, "placement": placement, "line": line}


def page_urls(world):
    c, pr, pl, line = world["child"].pk, world["provider"].pk, world["placement"].pk, world["line"].pk
    return {
        "home": reverse("home"),
        "child_list": reverse("child_list"),
        "child_detail": reverse("child_detail", args=[c]),
        "child_create": reverse("child_create"),
        "child_update": reverse("child_update", args=[c]),
        "placement_create": reverse("placement_create", args=[c]),
        "dol_create": reverse("dol_create", args=[c]),
        "provider_list": reverse("provider_list"),
        "provider_detail": reverse("provider_detail", args=[pr]),
        "provider_create": reverse("provider_create"),
        "provider_update": reverse("provider_update", args=[pr]),
        "placement_list": reverse("placement_list"),
        "placement_detail": reverse("placement_detail", args=[pl]),
        "placement_update": reverse("placement_update", args=[pl]),
        "cost_line_create": reverse("cost_line_create", args=[pl]),
        "cost_line_end": reverse("cost_line_end", args=[line]),
    }


READ = {"home", "child_list", "child_detail", "provider_list", "provider_detail", "placement_list", "placement_detail"}
OFFICER_WRITES = {"child_create", "child_update", "placement_create", "dol_create", "placement_update",
                  "cost_line_create", "cost_line_end"}
EXPECTED = {
    access.PLACEMENTS_OFFICER: READ | OFFICER_WRITES,
    access.COMMISSIONING_MANAGER: READ | OFFICER_WRITES | {"provider_create", "provider_update"},
    access.SENIOR_MANAGER: READ,
    access.PANEL_CHAIR: READ,
    access.PANEL_MEMBER: {"home"},
}


def test_anonymous_users_are_sent_to_login_from_every_page(client, world):
    for name, url in page_urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_the_login_page_is_open(client):
    assert client.get(reverse("login")).status_code == 200


@pytest.mark.parametrize("group", list(EXPECTED))
def test_each_group_reaches_exactly_its_pages_and_is_refused_the_rest(client, world, group, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=f"u-{group}")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    for name, url in page_urls(world).items():
        status = client.get(url).status_code
        assert status == (200 if name in EXPECTED[group] else 403), f"{group} on {name}: {status}"


def test_a_refused_page_explains_itself(client, world, member):
    client.force_login(member)
    response = client.get(reverse("child_list"))
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


def test_navigation_shows_only_what_the_group_can_use(client, member, officer):
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/children/"' not in page
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/children/"' in page and 'href="/providers/"' in page


def test_every_group_of_the_spec_exists():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(access.GROUP_PERMISSIONS)


def test_logging_out_needs_a_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_the_navigation_marks_only_the_section_the_page_is_in(client, officer):
    client.force_login(officer)
    page = client.get(reverse("search_list")).content.decode()
    current = [line for line in page.splitlines() if 'aria-current="page"' in line]
    assert len(current) == 1 and "/placements/searches/" in current[0]
