"""Budgets for the full-year forecast (rule C4). Planning figures, not part of the core domain."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from placements import rules
from placements.choices import PlacementCategory
from placements.plausible import FINANCIAL_YEARS


class Budget(models.Model):
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2024 for 2024/25.",
        validators=[MinValueValidator(FINANCIAL_YEARS[0]), MaxValueValidator(FINANCIAL_YEARS[1])])
    category = models.CharField("placement category", max_length=30, choices=PlacementCategory.choices)
    amount = models.DecimalField("budget (£)", max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(max_length=100, blank=True)

    DEMO_NOTE = "Demo budget: last year's spend plus 3%"

    class Meta:
        ordering = ["-financial_year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "category"], name="one_budget_per_year_and_category"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {rules.financial_year_label(self.financial_year)}: £{self.amount:,.2f}"
