"""How a few large statements are planned and read.

- ``hashed``: a hint to PostgreSQL's planner, for the statements whose rows it misjudges badly enough to choose a
  slow plan; it holds only while inside its block, and does nothing on SQLite.
- ``plain_rows``: a grouped read's rows straight from the cursor, for the reads of thousands of rows where the
  ORM's per-row converters cost more than the statement."""

from __future__ import annotations

from contextlib import contextmanager, suppress

from django.db import DatabaseError, connection


@contextmanager
def hashed():
    """PostgreSQL: join and group by hashing, not by looking rows up one at a time or sorting them, while inside.

    For statements whose rows the planner underestimates a hundredfold:
    - the segments that begin placements (``tracker.selectors.new_residential``): it cannot tell how many begin
      on their placement's first day (a comparison of two columns, guessed at 0.5%: 166 where there are 37,834
      at 100,000 looked after), so it would look each one's placement up in an index (240 ms, against 45 ms
      hashed) and sort them to count them (40 ms more);
    - the daily figures' changes since a month's opening figures (``placements.care.daily.charged_changes``):
      it guesses 1,500 rows where a region's three years have 62,000, and sorts them on disk to group them
      (about 80 ms, against 55 ms hashed)."""
    if connection.vendor != "postgresql":
        yield
        return

    def reset():
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_nestloop; RESET enable_sort")

    with connection.cursor() as cursor:
        cursor.execute("SET enable_nestloop = off; SET enable_sort = off")
    try:
        yield
    except Exception:
        # In a transaction the failed statement aborted, the rollback undoes the settings (and a reset would fail
        # and hide the error); outside one, they are reset here.
        with suppress(DatabaseError):
            reset()
        raise
    reset()


def plain_rows(queryset) -> list[tuple]:
    """The rows of a ``values_list`` queryset as the database driver gives them, without the ORM's per-row
    converters: a region's daily figures are read 16,000 to 20,000 rows at a time, and converting each row cost
    more than the statement. The values are the driver's own: SQLite gives dates as text (callers read them with
    ``placements.care.daily`` ``_as_date``) and PostgreSQL gives a sum of big integers as ``Decimal``."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
