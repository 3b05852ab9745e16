"""Writers that do not queue (issue 17, item 2): on PostgreSQL no row is written by every write, so an
officer's save does not wait for a long import's transaction, and two ordinary writes in opposite order
cannot deadlock over the figures' version. (SQLite has one writer at a time by design: see
tests/security/test_sqlite_concurrency.py.)"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction

from placements import freshness
from placements.models import Child
from tests.factories import make_child

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="PostgreSQL lets writers run side by side; SQLite has one writer at a time"),
]

#: How long the first transaction stays open if nothing lets it go: the second writer would wait this long.
HELD_FOR = 4.0


def test_a_save_does_not_wait_for_another_writers_open_transaction_and_opposite_orders_do_not_deadlock():
    first_child = make_child(case_ref="WRITE-A")
    second_child = make_child(case_ref="WRITE-B")
    holding, second_done = threading.Event(), threading.Event()
    errors = []

    def long_writer():
        """An import, say: writes a child, keeps its transaction open, then writes the other child."""
        try:
            with transaction.atomic():
                Child.objects.filter(pk=first_child.pk).update(team="Imported")
                holding.set()
                second_done.wait(HELD_FOR)
                Child.objects.filter(pk=second_child.pk).update(social_worker="Imported too")
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_writer)
    thread.start()
    assert holding.wait(10)
    before = freshness.data_version()
    started = time.monotonic()
    with transaction.atomic():  # the officer's save, of another record
        second = Child.objects.get(pk=second_child.pk)
        second.team = "Saved by the officer"
        second.save()
    waited = time.monotonic() - started
    after_save = freshness.data_version()
    second_done.set()
    thread.join(20)
    assert not errors, errors
    assert waited < 1.0, f"the save waited {waited:.1f} s for the other writer's transaction"
    assert after_save != before  # the save's own change moved the version at once
    assert freshness.data_version() != after_save  # and so did the long writer's, when it committed
    first_child.refresh_from_db()
    second_child.refresh_from_db()
    assert (first_child.team, second_child.team, second_child.social_worker) == (
        "Imported", "Saved by the officer", "Imported too")


def test_the_change_rows_are_cleared_and_the_version_still_moves(monkeypatch):
    monkeypatch.setattr(freshness, "COMPACT_AT", 3)
    versions = []
    for number in range(8):
        make_child(case_ref=f"COMPACT-{number}")
        versions.append(freshness.data_version())
    assert len(set(versions)) == len(versions)  # every write gave a new version, clearing or not
    from placements.models import DataChange

    assert DataChange.objects.count() <= 4
