"""Which dates the records may hold (issue 14): one place for the bounds.

A typing slip (``0201`` for ``2021``, ``01/01/0001`` in a return, ``9999`` for "no end") must never reach the
figures: one such date made the dashboard fail for everyone. The forms and the admin check these bounds
through the models' validators, the imports through ``problem_with_date``, and the database refuses
anything outside them whatever writes it (``database_range``).

- a date of birth from 1 January 1990 (a care leaver's record reaches back that far), never in the future;
- every other date of the records (placements, cost lines, DoL orders, searches, panels, cost avoidance)
  from 1 January 1990 too (a young person born in 1995 may have been placed that year, and a decade of
  history reaches back that far), and no more than five years after today (a planned end, a review date);
- money: no weekly figure above £100,000 and no one-off above £5,000,000; budgets for 2000/01 to 2099/2100.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone

from placements import rules

EARLIEST_BIRTH = date(1990, 1, 1)
EARLIEST_RECORD = EARLIEST_BIRTH  # a care leaver's long-term placement may have begun in their first years
YEARS_AHEAD = 5
#: The database's own ceiling (it cannot know today): no date after this is ever stored.
DATABASE_LATEST = date(2099, 12, 31)


#: The most a placement can plausibly cost a week, and the largest one-off amount (the paper's costliest package
#: is £18,800 a week): beyond these a figure is a typing slip (an extra zero, a pasted total).
MAX_WEEKLY = Decimal("100000.00")
MAX_ONE_OFF = Decimal("5000000.00")
#: Financial years a budget may be entered for (the year it starts in).
FINANCIAL_YEARS = (2000, 2099)


@functools.lru_cache(maxsize=16)  # called for every date of every imported row
def latest_record_date(today: date) -> date:
    return rules.add_months(today, 12 * YEARS_AHEAD)


def problem_with_date(value: date, *, birth: bool = False, today: date | None = None) -> str | None:
    """Why ``value`` is not a plausible date of birth (``birth``) or record date, or None when it is."""
    today = today or timezone.localdate()
    if birth:
        if value < EARLIEST_BIRTH:
            return f"is before {EARLIEST_BIRTH:%-d %B %Y}: check the year of birth"
        if value > today:
            return "is in the future: a date of birth must be a day that has come"
        return None
    if value < EARLIEST_RECORD:
        return f"is before {EARLIEST_RECORD:%-d %B %Y}: check the year"
    if value > latest_record_date(today):
        return f"is more than {YEARS_AHEAD} years from today: check the year"
    return None


def validate_birth_date(value: date) -> None:
    problem = problem_with_date(value, birth=True)
    if problem:
        raise ValidationError(f"The date {problem}.", code="implausible_date")


def validate_record_date(value: date) -> None:
    problem = problem_with_date(value)
    if problem:
        raise ValidationError(f"The date {problem}.", code="implausible_date")


def database_range(field: str, name: str, *, birth: bool = False) -> CheckConstraint:
    """The database's check that ``field`` is empty or within the bounds (whatever writes it)."""
    earliest = EARLIEST_BIRTH if birth else EARLIEST_RECORD
    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": earliest, f"{field}__lte": DATABASE_LATEST}),
        name=name,
    )
