"""Budgets for the full-year forecast (rule C4). Planning figures, not part of the core domain."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

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


class PlacementCapacity(models.Model):
    """The places the authority holds in a category, for the sufficiency forecast: in-house carers' places
    or beds, and places reserved on frameworks. Demand beyond them has to be bought spot."""

    category = models.CharField("placement category", max_length=30, choices=PlacementCategory.choices, unique=True)
    in_house_places = models.PositiveIntegerField("in-house places", default=0,
                                                  validators=[MaxValueValidator(100_000)])
    framework_places = models.PositiveIntegerField("framework places", default=0,
                                                   validators=[MaxValueValidator(100_000)])
    note = models.CharField(max_length=100, blank=True)

    DEMO_NOTE = "Demo places"

    class Meta:
        ordering = ["category"]
        verbose_name_plural = "placement capacities"

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.in_house_places} in-house, {self.framework_places} framework"


class Scenario(models.Model):
    """A saved forecast scenario: its name, who made it, and its settings
    (``tracker.forecast.scenarios.ScenarioSettings`` as JSON)."""

    name = models.CharField(max_length=80, unique=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    settings = models.JSONField(default=dict)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tracker_scenario", args=[self.pk])

    @property
    def scenario_settings(self):
        from tracker.forecast.scenarios import ScenarioSettings

        return ScenarioSettings.from_json(self.settings)
