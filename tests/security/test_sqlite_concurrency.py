"""Two people saving at once on the embedded database wait their turn instead of failing (issue 14).

Two real connections to one SQLite file, opened with the app's own settings (WAL, immediate transactions,
a 20 s wait): while one holds a write transaction, the other's write waits and then succeeds, and a reader
is never blocked."""

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


def connection_to(path):
    config = {**settings.DATABASES["default"], "NAME": str(path), "TEST": {}}
    connection = DatabaseWrapper(config, alias=f"concurrency-{id(config)}")
    connection.ensure_connection()
    return connection


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
                    reason="the embedded database's settings")
def test_a_second_writer_waits_for_the_first_and_a_reader_is_not_blocked(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # our own connections to a file of our own, not the test database
        two_writers(tmp_path / "office.sqlite3")


def two_writers(path):
    setup = connection_to(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE saves (who TEXT)")
    setup.close()

    first_holds = threading.Event()
    errors, order = [], []

    def first():
        connection = connection_to(path)
        try:
            connection._start_transaction_under_autocommit()  # what transaction.atomic() does on SQLite
            connection.cursor().execute("INSERT INTO saves VALUES ('first')")
            first_holds.set()
            time.sleep(0.5)
            connection.cursor().execute("COMMIT")
            order.append("first")
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    def second():
        """Reads, then writes, in one transaction: with a deferred BEGIN its snapshot is stale once the first
        commits and SQLite refuses the write ("database is locked"); an immediate BEGIN waits its turn."""
        connection = connection_to(path)
        try:
            first_holds.wait()
            connection.cursor().execute("SELECT count(*) FROM saves")  # a reader is not blocked
            connection._start_transaction_under_autocommit()
            connection.cursor().execute("SELECT count(*) FROM saves")
            connection.cursor().execute("INSERT INTO saves VALUES ('second')")
            connection.cursor().execute("COMMIT")
            order.append("second")
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert order == ["first", "second"]
    check = connection_to(path)
    with check.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("SELECT who FROM saves ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    check.close()
