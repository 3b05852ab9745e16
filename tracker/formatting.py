"""How the dashboard and the trackers write their figures in words and in the tables under the charts.

One definition each: money to the pound with thousands separated and the sign before the pound sign
(``-£278,550``), counts with thousands separated, and sentences that compare two figures with the
direction worked out from the figures themselves (never written by hand, so a sentence cannot say
"less" over figures that show more). A figure that does not exist (None, or NaN: an average of no
placements) is never written as "£nan" or "£0": the functions say it is not known, or make no sentence.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def known(value) -> bool:
    """A figure that exists: not None, not empty and not NaN."""
    if value is None or value == "":
        return False
    try:
        return not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def pounds(value, pence: bool = False, missing: str = "") -> str:
    """£1,234 (to the pound, halves up) or £1,234.56 with ``pence``; negatives as -£278,550; ``missing`` for
    a figure that does not exist."""
    if not known(value):
        return missing
    amount = Decimal(str(value)).quantize(Decimal("0.01") if pence else Decimal("1"), rounding=ROUND_HALF_UP)
    text = f"£{abs(amount):,.{2 if pence else 0}f}"
    return f"-{text}" if amount < 0 else text


def number(value, places: int = 0, missing: str = "") -> str:
    """1,234 (or 12.5 with ``places=1``); ``missing`` for a figure that does not exist."""
    if not known(value):
        return missing
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{amount:,.{places}f}"


def percent(value, places: int = 0, missing: str = "") -> str:
    """12% (or 12.5% with ``places=1``)."""
    text = number(value, places)
    return f"{text}%" if text else missing


def cost_comparison(subject: str, first_label: str, first, second_label: str, second, *,
                    first_count: int | None = None, second_count: int | None = None) -> str | None:
    """A sentence comparing two weekly costs, the direction computed from them:

    ``Residential: framework £5,939 a week against £5,760 spot; framework costs £179 a week more.``

    None (no sentence) when either figure does not exist or either side has no placements (``*_count`` 0):
    an average of nothing is not a figure to compare with.
    """
    if not (known(first) and known(second)):
        return None
    if first_count == 0 or second_count == 0:
        return None
    first_pounds = Decimal(str(first)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    second_pounds = Decimal(str(second)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    difference = first_pounds - second_pounds
    if difference == 0:
        verdict = f"{first_label} and {second_label} cost the same"
    else:
        verdict = f"{first_label} costs {pounds(abs(difference))} a week {'more' if difference > 0 else 'less'}"
    return (f"{subject}: {first_label} {pounds(first_pounds)} a week against {pounds(second_pounds)} {second_label}; "
            f"{verdict}.")


def share_of(part: int, whole: int) -> str | None:
    """'11% (6 of 55)', or None when there is no whole (never 'nan% (0 of 0)')."""
    if not whole:
        return None
    return f"{percent(Decimal(part) * 100 / Decimal(whole))} ({number(part)} of {number(whole)})"
