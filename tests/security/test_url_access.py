"""Access control, proven by walking every URL pattern (issue 8, part 1; SPEC section 1).

``ACCESS`` is the specification: for every URL name, which groups may open it (GET) and which may
send it a form (POST). The walk takes the URL patterns from Django's resolver, not from a list kept by
hand, so a new URL fails ``test_every_url_is_classified`` until someone writes down who may use it.

What is checked for every URL:
- someone not signed in is sent to the sign-in page, whatever the method;
- each group (one user per group, tests/conftest.py) gets the page (200) when ``ACCESS`` allows it and
  403 when it does not; a page that takes no POST answers an allowed user's POST with 405, and a
  POST-only action answers an allowed user's GET with 405;
- a POST from a group not allowed is 403, and changes nothing;
- every POST needs the CSRF token.

The admin site's URLs are left out as a class: Django lets only staff in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse

from placements import access
from tests.security.world import URL_OBJECTS, build_world, url_for, url_patterns

pytestmark = pytest.mark.django_db

OFFICER, MANAGER, DIRECTOR, CHAIR, MEMBER, ADMIN = "officer", "manager", "director", "chair", "member", "admin"
GROUPS = (OFFICER, MANAGER, DIRECTOR, CHAIR, MEMBER, ADMIN)
GROUP_NAMES = {
    OFFICER: access.PLACEMENTS_OFFICER,
    MANAGER: access.COMMISSIONING_MANAGER,
    DIRECTOR: access.SENIOR_MANAGER,
    CHAIR: access.PANEL_CHAIR,
    MEMBER: access.PANEL_MEMBER,
}


@dataclass(frozen=True)
class Access:
    get: frozenset | None  # who may open the page; None: POST only
    post: frozenset | None  # who may send it a form; None: the page takes no POST


def page(*groups) -> Access:
    """A page to read. The administrator (a superuser) may do everything."""
    return Access(get=frozenset(groups) | {ADMIN}, post=None)


def form(*groups) -> Access:
    """A page with a form: the same groups open it and send it."""
    allowed = frozenset(groups) | {ADMIN}
    return Access(get=allowed, post=allowed)


def action(*groups) -> Access:
    """A button on another page: POST only."""
    return Access(get=None, post=frozenset(groups) | {ADMIN})


CASEWORK = (OFFICER, MANAGER, DIRECTOR, CHAIR)  # read children, placements, providers, trackers
WRITERS = (OFFICER, MANAGER)  # enter children, placements, costs, searches
PANEL_READERS = (OFFICER, MANAGER, DIRECTOR, CHAIR, MEMBER)

#: Who may do what, URL by URL (SPEC section 1 and placements/access.py). This table is the spec.
ACCESS: dict[str, Access] = {
    # Everyone signed in. The home page is a plain function view, so a POST shows it as a GET would (it
    # writes nothing); ``@require_safe`` on placements.views.home would make it 405 like every other page.
    "home": form(*PANEL_READERS),
    # Children, providers, placements and their costs.
    "child_list": page(*CASEWORK),
    "child_detail": page(*CASEWORK),
    "child_create": form(*WRITERS),
    "child_update": form(*WRITERS),
    "placement_create": form(*WRITERS),
    "dol_create": form(*WRITERS),
    "provider_list": page(*CASEWORK),
    "provider_detail": page(*CASEWORK),
    "provider_create": form(MANAGER),
    "register_list": page(*CASEWORK),
    "register_entry": page(*CASEWORK),
    "provider_update": form(MANAGER),
    "placement_list": page(*CASEWORK),
    "placement_detail": page(*CASEWORK),
    "placement_update": form(*WRITERS),
    "cost_line_create": form(*WRITERS),
    "cost_line_end": form(*WRITERS),
    # Frameworks: read with casework, set up by commissioning hub managers.
    "framework_list": page(*CASEWORK),
    "framework_detail": page(*CASEWORK),
    "framework_create": form(MANAGER),
    "framework_update": form(MANAGER),
    "framework_uplift_create": form(MANAGER),
    "framework_member_create": form(MANAGER),
    "framework_member_update": form(MANAGER),
    # Data in: commissioning hub managers.
    "import_upload": form(MANAGER),
    "import_preview": page(MANAGER),
    "import_confirm": action(MANAGER),
    "import_errors": page(MANAGER),
    "import_history": page(MANAGER),
    "import_example": page(MANAGER),
    "import_record": page(MANAGER),
    "import_undo": action(MANAGER),
    "data_quality": page(*CASEWORK),
    # Searches: officers and managers run them; a senior manager reads them and approves (search_move).
    "search_list": page(OFFICER, MANAGER, DIRECTOR),
    "search_detail": page(OFFICER, MANAGER, DIRECTOR),
    "search_create": form(*WRITERS),
    "search_move": action(OFFICER, MANAGER, DIRECTOR),
    # The approval page: the team reads what the Director will see; only a senior manager decides.
    "search_approval": Access(get=frozenset({OFFICER, MANAGER, DIRECTOR, ADMIN}), post=frozenset({DIRECTOR, ADMIN})),
    "search_note": action(*WRITERS),
    "offer_add": action(*WRITERS),
    "offer_choose": action(*WRITERS),
    "offer_decline": action(*WRITERS),
    "offer_negotiate": action(*WRITERS),
    "search_place": action(*WRITERS),
    # Cost avoidance: the log's totals for everyone; recorded by officers, managers and the panel chair.
    "cost_avoidance": page(*PANEL_READERS),
    "cost_avoidance_create": form(OFFICER, MANAGER, CHAIR),
    # Trackers and the dashboard: everyone who reads casework; budgets for managers and directors.
    "tracker_weekly": page(*CASEWORK),
    "tracker_unregulated": page(*CASEWORK),
    "tracker_residential": page(*CASEWORK),
    "tracker_dashboard": page(*CASEWORK),
    "tracker_budgets": page(MANAGER, DIRECTOR),
    "tracker_budget_create": form(MANAGER),
    "tracker_budget_update": form(MANAGER),
    # The forecast: everyone who reads casework; scenarios read by officers and managers, made by managers;
    # the places held read by managers, recorded by commissioning managers.
    "tracker_forecast": page(*CASEWORK),
    "tracker_scenarios": page(OFFICER, MANAGER, DIRECTOR),
    "tracker_scenario": page(OFFICER, MANAGER, DIRECTOR),
    "tracker_scenario_create": form(MANAGER, DIRECTOR),
    "tracker_capacity": page(MANAGER, DIRECTOR),
    "tracker_capacity_create": form(MANAGER),
    "tracker_capacity_update": form(MANAGER),
    # The Placement Panel: members read agendas and minutes; the chair runs it.
    "panel_home": page(*PANEL_READERS),
    "panel_meeting": page(*PANEL_READERS),
    "panel_pack": page(*PANEL_READERS),
    "panel_actions": page(*PANEL_READERS),
    "panel_generate": form(CHAIR),
    "panel_build": action(CHAIR),
    "panel_issue": form(CHAIR),
    "panel_remove_items": form(CHAIR),  # a page that asks the chair to confirm, then the POST that issues
    "panel_move": form(CHAIR),
    "panel_cancel": form(CHAIR),
    "panel_members": form(CHAIR),
    "panel_add_child": form(CHAIR),
    "panel_remove_item": form(CHAIR),
    "panel_minute": form(CHAIR),
    "panel_action_done": action(CHAIR),
    "panel_consolidation": page(OFFICER, MANAGER, DIRECTOR, CHAIR),
    "panel_consolidation_create": form(OFFICER, MANAGER, CHAIR),
    "panel_consolidation_outcome": form(OFFICER, MANAGER, CHAIR),
    # The audit trail: administrators only.
    "audit_changes": page(),
    "audit_access": page(),
}
#: Open to everyone, signed in or not; checked on their own below.
PUBLIC = {"login", "logout"}


def served_url_names() -> list[str]:
    return sorted({name for name, _route, _pattern in url_patterns()})


def test_every_url_is_classified():
    unnamed = [route for name, route, _pattern in url_patterns() if not name]
    assert not unnamed, f"give these URLs a name and classify them in ACCESS: {unnamed}"
    missing = [name for name in served_url_names() if name not in ACCESS and name not in PUBLIC]
    assert not missing, "\n".join(
        f"classify new URL {name!r}: add it to ACCESS in tests/security/test_url_access.py with the groups "
        f"that may use it (and its record to tests/security/world.py URL_OBJECTS if it takes arguments)"
        for name in missing
    )
    gone = sorted(set(ACCESS) - set(served_url_names()))
    assert not gone, f"ACCESS names URLs that no longer exist: {gone}"


def test_the_walk_covers_a_good_number_of_urls():
    # A guard against the walk silently finding nothing (a resolver change, say).
    assert len(ACCESS) >= 50 and len(served_url_names()) == len(ACCESS) + len(PUBLIC)


def test_no_view_is_exempt_from_csrf():
    exempt = [name for name, _route, pattern in url_patterns() if getattr(pattern.callback, "csrf_exempt", False)]
    assert not exempt


@pytest.fixture
def users(officer, manager, director, chair, member, admin_user):
    return {OFFICER: officer, MANAGER: manager, DIRECTOR: director, CHAIR: chair, MEMBER: member,
            ADMIN: admin_user}


@pytest.fixture
def world(officer):
    return build_world(officer)


def request_and_undo(client: Client, method: str, url: str):
    """Send one request and roll back whatever it wrote, so every request meets the same world."""
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def classified_names() -> list[str]:
    return sorted(name for name in served_url_names() if name in ACCESS)


def test_someone_not_signed_in_is_sent_to_sign_in_from_every_url(client, world):
    problems = []
    for name in classified_names():
        url = url_for(name, world, None)
        for method in ("get", "post"):
            response = request_and_undo(client, method, url)
            if response.status_code != 302 or not response.url.startswith(reverse("login")):
                problems.append(f"{method.upper()} {name} ({url}): {response.status_code}")
    assert not problems, "not sent to sign in:\n" + "\n".join(problems)


def test_the_sign_in_page_is_open_and_signing_out_takes_a_post(client, officer):
    assert client.get(reverse("login")).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def expected_statuses(rule: Access, group: str) -> tuple[str, str]:
    """What a GET and a POST from ``group`` should get: 'ok' (allowed; 200 for a GET), 403 or 405."""
    if rule.get is None:
        get = "405" if group in rule.post else "403"
    else:
        get = "ok" if group in rule.get else "403"
    if rule.post is None:
        post = "405" if rule.get and group in rule.get else "403"
    else:
        post = "ok" if group in rule.post else "403"
    return get, post


def outcome(response, method: str) -> str:
    status = response.status_code
    if status in (403, 405):
        return str(status)
    if method == "get":
        return "ok" if status == 200 else str(status)
    return "ok" if status < 500 else str(status)


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_reaches_exactly_what_the_table_gives_it(client, users, world, group):
    user = users[group]
    client.force_login(user)
    problems = []
    for name in classified_names():
        url = url_for(name, world, user)
        want_get, want_post = expected_statuses(ACCESS[name], group)
        got_get = outcome(request_and_undo(client, "get", url), "get")
        got_post = outcome(request_and_undo(client, "post", url), "post")
        if got_get != want_get:
            problems.append(f"GET {name} ({url}): {got_get}, expected {want_get}")
        if got_post != want_post:
            problems.append(f"POST {name} ({url}): {got_post}, expected {want_post}")
    assert not problems, f"{group}:\n" + "\n".join(problems)


def test_a_refused_post_changes_nothing(client, member, world):
    from placements.models import Child

    client.force_login(member)
    response = client.post(reverse("child_update", args=[world.child.pk]),
                           {"case_ref": "CHANGED", "given_name": "Changed"})
    assert response.status_code == 403
    assert Child.objects.get(pk=world.child.pk).case_ref == "WORLD-1"


def test_every_form_needs_the_csrf_token(users, world):
    """With CSRF checks on (as in a browser), a POST without the token is refused, even from the administrator."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[ADMIN])
    refused = []
    for name in classified_names():
        if ACCESS[name].post is None:
            continue
        response = request_and_undo(client, "post", url_for(name, world, users[ADMIN]))
        if response.status_code != 403:
            refused.append(f"{name}: {response.status_code}")
    assert not refused, "POST accepted without a CSRF token:\n" + "\n".join(refused)


def test_the_table_agrees_with_the_groups_of_the_spec():
    # Every group of SPEC section 1 has a user in the walk.
    assert set(GROUP_NAMES.values()) == set(access.GROUP_PERMISSIONS)
    assert set(URL_OBJECTS) <= set(ACCESS)


# --- What SPEC section 1 says in words, checked on the pages themselves -------------------------


def test_a_panel_member_sees_the_cost_avoidance_totals_but_not_the_officer_filter(client, member, officer, world):
    client.force_login(member)
    page_html = client.get(reverse("cost_avoidance")).content.decode()
    assert 'name="recorded_by"' not in page_html
    assert "£" in page_html  # the totals are there
    assert client.get(reverse("cost_avoidance"), {"recorded_by": officer.pk}).status_code == 200
    client.force_login(officer)
    assert 'name="recorded_by"' in client.get(reverse("cost_avoidance")).content.decode()


def test_a_panel_member_cannot_edit_a_placement_or_see_the_children_list(client, member, world):
    client.force_login(member)
    assert client.get(reverse("placement_update", args=[world.placement.pk])).status_code == 403
    assert client.post(reverse("placement_update", args=[world.placement.pk]), {"end": "2020-01-01"}).status_code == 403
    assert client.get(reverse("child_list")).status_code == 403


@pytest.mark.parametrize("who, approved", [(OFFICER, False), (MANAGER, False), (CHAIR, False), (DIRECTOR, True)])
def test_only_a_senior_manager_gives_approval_to_place(client, users, world, who, approved):
    from placements.choices import SearchStatus
    from placements.models import PlacementSearch
    from tests.security.html_forms import page_forms

    PlacementSearch.objects.filter(pk=world.search.pk).update(status=SearchStatus.AWAITING_APPROVAL)
    search = PlacementSearch.objects.get(pk=world.search.pk)
    approval_url = reverse("search_approval", args=[search.pk])
    # The approval form as the senior manager sees it on the approval page; everyone else sends the same
    # fields by hand.
    client.force_login(users[DIRECTOR])
    page = client.get(approval_url)
    approve = next(f for f in page_forms(page.content.decode(), page.wsgi_request.path)
                   if "approve-version" in f.fields)
    data = {"decision": "approve", approve.named("version"): search.version, approve.named("note"): "Approved"}
    client.force_login(users[who])
    response = client.post(approval_url, data)
    search.refresh_from_db()
    assert (search.status == SearchStatus.APPROVED) is approved
    assert response.status_code == (302 if approved else 403)


def test_groups_hold_no_permission_to_the_audit_trail():
    for name in GROUP_NAMES.values():
        group = Group.objects.get(name=name)
        assert not group.permissions.filter(content_type__app_label__in=["audit", "auditlog"]).exists(), name
