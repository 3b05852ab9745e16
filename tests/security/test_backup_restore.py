"""Backup and restore (issue 8, part 7; README "Backup and restore"): a dump of the demo authority, restored
into an empty database, gives exactly the same tracker figures.

- On both databases: Django's own dump (``dumpdata`` with natural keys) and ``loaddata`` after ``flush``,
  the way to move a database from SQLite to PostgreSQL.
- On PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean``, the production path.
- On SQLite: the online backup (``sqlite3 db.sqlite3 ".backup ..."``, here through Python's sqlite3 module).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import AccessEvent, ChangeEntry
from placements import selectors as placement_selectors
from placements.demo import demo_authority_build
from placements.models import Child, CostLine, Placement
from tracker import selectors

TODAY = date(2026, 11, 26)
WEEKS = [date(2026, 11, 22), date(2026, 11, 15)]

#: What ``manage.py dumpdata`` leaves out: rows Django makes itself on migrate (content types and
#: permissions, referred to by natural key), sessions and sign-in bookkeeping. See the README.
DUMP_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def tracker_figures() -> dict:
    """The tracker's figures and rows: two weeks of the weekly tracker, the residential tracker, the home page."""
    residential = selectors.residential_tracker(TODAY.year, TODAY.month, TODAY)
    return {
        "weeks": [dataclasses.asdict(selectors.week_figures(week)) for week in WEEKS],
        "open placements": [list(selectors.open_placements(week).values_list("pk", "child__case_ref", "start"))
                            for week in WEEKS],
        "residential": [(p.pk, p.child.case_ref, p.start) for p in residential.placements],
        "new residential": [dataclasses.asdict(period) for period in residential.periods],
        "home": dataclasses.asdict(placement_selectors.headline_figures(TODAY)),
        "rows": (Child.objects.count(), Placement.objects.count(), CostLine.objects.count()),
    }


def build_demo_with_a_trail():
    demo_authority_build(children=60, today=TODAY, seed=1)
    child = Child.objects.order_by("pk").first()
    child.team = "Restored team"
    child.save()  # one change in the trail, which the backup keeps too
    AccessEvent.objects.create(username="officer", kind="view", url_name="child_detail", object_id=str(child.pk),
                               case_ref=child.case_ref, status_code=200)


def trail() -> tuple:
    # To the millisecond: Django's JSON dump keeps no finer (pg_dump and SQLite's backup keep everything).
    views = [(user, case_ref, at.replace(microsecond=at.microsecond // 1000 * 1000))
             for user, case_ref, at in AccessEvent.objects.values_list("username", "case_ref", "at")]
    return sorted(ChangeEntry.objects.values_list("action", "case_ref", "changes_text")), sorted(views)


@pytest.mark.django_db(transaction=True)  # flush and loaddata run as they would: outside any transaction
def test_a_django_dump_restored_into_an_empty_database_gives_the_same_figures(tmp_path):
    build_demo_with_a_trail()
    before, trail_before = tracker_figures(), trail()
    assert before["weeks"][0]["looked_after"] > 0
    dump = tmp_path / "placements.json"
    call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=DUMP_EXCLUDES,
                 output=str(dump), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    assert Child.objects.count() == 0 and ChangeEntry.objects.count() == 0
    call_command("loaddata", str(dump), verbosity=0)

    assert tracker_figures() == before
    changes, views = trail()
    assert views == trail_before[1]
    # loaddata sets each user's groups after saving them, which django-auditlog records as role changes.
    assert set(trail_before[0]) <= set(changes)
    assert {entry[:2] for entry in set(changes) - set(trail_before[0])} <= {(ChangeEntry.Action.UPDATE, "")}


def pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(os.listdir("/usr/lib/postgresql")) if os.path.isdir("/usr/lib/postgresql") else []
    for version in reversed(versions):
        candidate = f"/usr/lib/postgresql/{version}/bin/{name}"
        if os.path.exists(candidate):
            return candidate
    return None


def database_url() -> str:
    """The test database as a URL, as the README's commands take ``$DATABASE_URL``."""
    from urllib.parse import quote

    settings = connection.settings_dict
    return (f"postgres://{quote(settings['USER'])}:{quote(settings['PASSWORD'] or '')}"
            f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}")


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_give_the_same_figures(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is the PostgreSQL path; this run is on SQLite")
    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.skip("pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
    build_demo_with_a_trail()
    before, trail_before = tracker_figures(), trail()
    dump = tmp_path / "placements.dump"
    # The README's commands.
    subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--dbname={database_url()}", f"--file={dump}"],
                   check=True)

    Child.objects.filter(pk__in=Child.objects.order_by("pk").values("pk")[:5]).update(team="Lost")
    CostLine.objects.all().delete()  # a bad day: costs lost, children changed
    assert tracker_figures() != before
    connection.close()
    subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", f"--dbname={database_url()}", str(dump)],
                   check=True)

    assert tracker_figures() == before
    assert trail() == trail_before


@pytest.mark.django_db(transaction=True)
def test_an_sqlite_online_backup_restored_gives_the_same_figures(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup; this run is on PostgreSQL")
    build_demo_with_a_trail()
    before = tracker_figures()
    backup = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(backup) as target:  # what `sqlite3 db.sqlite3 ".backup backup.sqlite3"` does
        connection.connection.backup(target)

    CostLine.objects.all().delete()
    assert tracker_figures() != before
    with sqlite3.connect(backup) as source:  # `sqlite3 db.sqlite3 ".restore backup.sqlite3"`
        source.backup(connection.connection)

    assert tracker_figures() == before
