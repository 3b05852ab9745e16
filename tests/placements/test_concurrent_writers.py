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


def test_daily_figures_an_open_import_neither_holds_up_a_save_nor_a_compaction_and_nothing_is_counted_twice():
    """The daily figures (placements.care.daily) are appended: a long writer that has counted children again and
    keeps its transaction open holds up neither an officer's save of another child nor a reader's compaction,
    and when all have committed the figures are what a recount from scratch gives."""
    from datetime import date

    from placements.care import daily
    from tests.factories import make_cost_line, make_placement

    importing = make_child(case_ref="IMPORTING", team="North")
    saved = make_child(case_ref="SAVED", team="South")
    placement = make_placement(saved, None, start=date(2024, 1, 1))
    holding, done = threading.Event(), threading.Event()
    errors = []

    def long_writer():
        try:
            with transaction.atomic():
                make_placement(Child.objects.get(pk=importing.pk), None, start=date(2024, 2, 1))
                holding.set()
                done.wait(HELD_FOR)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_writer)
    thread.start()
    assert holding.wait(10)
    started = time.monotonic()
    with transaction.atomic():  # the officer's save: a cost line on another child's placement
        make_cost_line(placement, "700.00", date(2024, 1, 1))
    saved_in = time.monotonic() - started
    started = time.monotonic()
    daily.compact()  # a reader compacting meanwhile takes only the rows nobody holds
    compacted_in = time.monotonic() - started
    done.set()
    thread.join(20)
    assert not errors, errors
    assert saved_in < 1.0, f"the save waited {saved_in:.1f} s for the other writer"
    assert compacted_in < 1.0, f"the compaction waited {compacted_in:.1f} s for the other writer"
    figures = daily.totals_on(date(2024, 2, 5), by=("team",))
    assert {team: (f.looked_after, f.paid, f.cost) for (team,), f in figures.items()} == {
        ("North"): (1, 0, 0), ("South"): (1, 1, 700)}
    kept = daily.summed()
    daily.rebuild_all()
    assert daily.summed() == kept
