"""Show money and changes the way the team writes them: £1,234.56, "up 3 on last week"."""

from decimal import Decimal

from django import template

from placements import rules

register = template.Library()


@register.filter
def pounds(value, places: int = 2) -> str:
    """£1,234.56 (or £1,235 with places=0); negative as -£12.00."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    rounded = rules.money_round(amount) if int(places) == 2 else amount.quantize(Decimal(1))
    text = f"£{abs(rounded):,.{int(places)}f}"
    return f"-{text}" if rounded < 0 else text


@register.filter
def change_word(value, money: bool = False) -> str:
    """'up 3', 'down £120.00', 'no change'."""
    if value is None:
        return ""
    amount = Decimal(value)
    if money:
        amount = rules.money_round(amount)
    if amount == 0:
        return "no change"
    shown = pounds(abs(amount)) if money else f"{abs(amount):,}"
    return f"{'up' if amount > 0 else 'down'} {shown}"


@register.filter
def age_on(child, on) -> int:
    """A child's age in completed years on a day (rule A1)."""
    return rules.age_on(child.date_of_birth, on)
