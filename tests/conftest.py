"""Shared fixtures: one user per group (as healthchecks' alice/bob/charlie) and small worlds."""

import pytest
from django.contrib.auth.models import Group, User

from placements import access


def _user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery staple")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer(db):
    return _user("olivia", access.PLACEMENTS_OFFICER)


@pytest.fixture
def manager(db):
    return _user("mo", access.COMMISSIONING_MANAGER)


@pytest.fixture
def director(db):
    return _user("dana", access.SENIOR_MANAGER)


@pytest.fixture
def chair(db):
    return _user("chris", access.PANEL_CHAIR)


@pytest.fixture
def member(db):
    return _user("morgan", access.PANEL_MEMBER)


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(username="ash", password="correct horse battery staple")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with nothing remembered (placements.freshness keeps figures in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
