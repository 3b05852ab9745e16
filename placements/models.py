"""The placements domain (SPEC section 2).

Rules that read these models (age, covers, weekly cost, spend) live in
``placements.rules``; the methods here only delegate to them, so each rule has
one home.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from placements import rules
from placements.plausible import MAX_ONE_OFF, MAX_WEEKLY, database_range, validate_birth_date, validate_record_date
from placements.choices import (
    CameFrom,
    ChronologyKind,
    CommissioningRoute,
    CostAvoidanceSource,
    CostKind,
    LegalStatus,
    OfferStatus,
    Ownership,
    PlacementCategory,
    ProviderStatus,
    ProvisionKind,
    ReasonEnded,
    RecordSource,
    RiskLevel,
    SearchStatus,
    Sex,
    Urgency,
)

MONEY = {"max_digits": 10, "decimal_places": 2,
         "validators": [MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_WEEKLY)]}
ONE_OFF = {"max_digits": 10, "decimal_places": 2,
           "validators": [MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_ONE_OFF)]}


class Child(models.Model):
    case_ref = models.CharField(
        "case reference",
        max_length=32,
        unique=True,
        help_text="The child's ID in the case-management system (SSDA903 CHILD).",
    )
    # The SSDA903 carries no names, so an imported child has none until someone adds them (full_name falls back).
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(validators=[validate_birth_date])
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=50, blank=True)
    legal_status = models.CharField(
        "legal status", max_length=2, choices=LegalStatus.choices, help_text="Current SSDA903 legal status."
    )
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    disabled = models.BooleanField("disability", default=False)
    team = models.CharField("originating social work team", max_length=100, blank=True)
    social_worker = models.CharField("allocated social worker", max_length=100, blank=True)
    team_manager = models.CharField(max_length=100, blank=True)
    iro = models.CharField("independent reviewing officer", max_length=100, blank=True)
    source = models.CharField(max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL, editable=False)

    class Meta:
        ordering = ["family_name", "given_name", "case_ref"]
        verbose_name_plural = "children"
        constraints = [database_range("date_of_birth", "child_born_plausible", birth=True)]
        indexes = [
            # Who is under 18 on a day: looked_after_placements leaves out the placements of children born on
            # or before the day 18 years earlier; with their key in the index that is an index-only scan.
            models.Index(fields=["date_of_birth", "id"], name="child_born_idx"),
            models.Index(fields=["team"]),
            # Lists in name order (the weekly tracker's open placements, the children list) walk this index and
            # stop at the page: a region's 100,000 children looked after are neither joined nor sorted for 100.
            models.Index(fields=["family_name", "given_name", "id"], name="child_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.case_ref})" if self.given_name or self.family_name else self.case_ref

    @property
    def full_name(self) -> str:
        """The child's name, or the case reference for a child imported without one (SSDA903 has no names)."""
        return self.name_of(self.given_name, self.family_name, self.case_ref)

    @staticmethod
    def name_of(given_name: str, family_name: str, case_ref: str) -> str:
        """``full_name`` from the three columns, for a page that reads them as plain values."""
        return f"{given_name} {family_name}".strip() or case_ref

    def get_absolute_url(self) -> str:
        return reverse("child_detail", args=[self.pk])

    def age_on(self, on: date) -> int:
        return rules.age_on(self.date_of_birth, on)

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "Date of birth must be today or in the past."})


class DeprivationOfLiberty(models.Model):
    """A Deprivation of Liberty order. ``end`` is the last day the order has effect (inclusive)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="dol_orders")
    start = models.DateField(validators=[validate_record_date])
    end = models.DateField(null=True, blank=True, validators=[validate_record_date],
                           help_text="Leave empty while the order is in force.")

    class Meta:
        verbose_name = "deprivation of liberty order"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="dol_end_not_before_start"
            ),
            database_range("start", "dol_start_plausible"),
            database_range("end", "dol_end_plausible"),
        ]

    def __str__(self) -> str:
        return f"DoL order from {self.start:%d/%m/%Y}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The order's end must be on or after its start."})


class Framework(models.Model):
    name = models.CharField(max_length=150, unique=True)
    category = models.CharField("placement category it covers", max_length=30, choices=PlacementCategory.choices)
    lead_authority = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("framework_detail", args=[self.pk])


class FrameworkUplift(models.Model):
    """The fee uplift agreed for a framework in a financial year (e.g. 6% for 2023/24)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="uplifts")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in: 2023 for 2023/24.")
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["framework", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "financial_year"], name="one_uplift_per_framework_year")
        ]

    def __str__(self) -> str:
        return f"{self.framework}: {self.percent}% in {rules.financial_year_label(self.financial_year)}"


class Provider(models.Model):
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "Ofsted URN", max_length=16, null=True, blank=True, help_text="Ofsted's unique reference number, if registered."
    )
    ownership = models.CharField(max_length=10, choices=Ownership.choices)
    provision = models.CharField("provision kind", max_length=30, choices=ProvisionKind.choices)
    regulated = models.BooleanField(default=True, help_text="Registered with and inspected by Ofsted.")
    status = models.CharField(max_length=10, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    postcode = models.CharField(max_length=10, blank=True)
    local_authority = models.CharField("local authority area", max_length=100, blank=True)
    frameworks = models.ManyToManyField(Framework, through="FrameworkMembership", related_name="providers")
    source = models.CharField(max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=Q(urn__isnull=False), name="unique_urn_when_present")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("provider_detail", args=[self.pk])

    @property
    def is_external(self) -> bool:
        return rules.is_external(self.ownership)

    def save(self, *args, **kwargs):
        # A blank URN means "not registered": store NULL so the unique constraint ignores it. A URN is kept as
        # Ofsted's register keys it (capitals, no spaces), so the link to the register holds.
        self.urn = "".join((self.urn or "").split()).upper() or None
        super().save(*args, **kwargs)


class FrameworkMembership(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="memberships")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="memberships")
    start = models.DateField("member from")
    end = models.DateField("member to", null=True, blank=True)

    class Meta:
        ordering = ["framework", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="membership_end_not_before_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} on {self.framework}"


class Placement(models.Model):
    """A child's stay with a provider. ``end`` is the day the child left (SSDA903 DEC), so it is not covered."""

    # No index of its own: the (child, start) index below serves every read by child (one index less to keep at import).
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements", db_index=False)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="placements", null=True, blank=True,
        help_text="Empty for a child placed with parents or family without a provider.",
    )
    category = models.CharField("placement category", max_length=30, choices=PlacementCategory.choices)
    place_code = models.CharField("SSDA903 PLACE code", max_length=4, blank=True)
    place_provider = models.CharField(
        "SSDA903 PLACE_PROVIDER", max_length=3, blank=True,
        help_text="Who provides it (PR1 the council, PR4/PR5 private or voluntary): says internal or external "
                  "when there is no provider record.")
    began_before_records = models.BooleanField(
        default=False, help_text="Already running when the first SSDA903 return began: not a new placement.")
    legal_status = models.CharField(
        max_length=2, choices=LegalStatus.choices, help_text="Legal status when this placement began (SSDA903 LS)."
    )
    start = models.DateField("start date", validators=[validate_record_date])
    end = models.DateField("end date", null=True, blank=True, validators=[validate_record_date],
                           help_text="The day the child left. Empty while open.")
    reason_ended = models.CharField(max_length=30, choices=ReasonEnded.choices, blank=True)
    came_from = models.CharField("where the child came from", max_length=30, choices=CameFrom.choices)
    desired_category = models.CharField(max_length=30, choices=PlacementCategory.choices, blank=True)
    desired_not_met_market = models.BooleanField(
        "desired category not achieved because of market availability", default=False
    )
    route = models.CharField("commissioning route", max_length=10, choices=CommissioningRoute.choices)
    planned_end = models.DateField("planned end date", null=True, blank=True, validators=[validate_record_date])

    class Meta:
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="placement_end_after_start"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gt=F("start")),
                name="placement_planned_end_after_start",
            ),
            database_range("start", "placement_start_plausible"),
            database_range("end", "placement_end_plausible"),
            database_range("planned_end", "placement_planned_end_plausible"),
        ]
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["end"]),
            models.Index(fields=["child", "start"]),
            models.Index(fields=["category"]),
            # New residential placements by start with where the child came from, read from the index alone
            # (``tracker.selectors.new_residential``). Residential only: an index of every placement cost imports
            # more than the tracker gains.
            models.Index(fields=["start"], include=["id", "came_from"], name="placement_new_residential_idx",
                         condition=Q(category=PlacementCategory.RESIDENTIAL, began_before_records=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} from {self.start:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("placement_detail", args=[self.pk])

    def covers(self, on: date) -> bool:
        return rules.covers(self.start, self.end, on)

    def weekly_cost_on(self, on: date) -> Decimal:
        """Rule C1 on this placement; uses prefetched ``cost_lines`` when present."""
        return rules.weekly_cost_on(self, self.cost_lines.all(), on)

    @property
    def is_external(self) -> bool:
        return rules.is_external(self.internal_or_external)

    @property
    def internal_or_external(self) -> str | None:
        """Internal, external or None (neither): the provider's, else the SSDA903 PLACE_PROVIDER's."""
        return rules.placement_ownership(self.provider.ownership if self.provider else None, self.place_provider)

    @property
    def is_unregulated(self) -> bool:
        return rules.is_unregulated(self.category, self.provider.regulated if self.provider else None)

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "The end date must be after the start date."
        if self.start and self.planned_end and self.planned_end <= self.start:
            errors["planned_end"] = "The planned end date must be after the start date."
        if self.end and not self.reason_ended:
            errors["reason_ended"] = "Say why the placement ended."
        if self.desired_not_met_market and not self.desired_category:
            errors["desired_category"] = "Say which category was wanted but not available."
        if errors:
            raise ValidationError(errors)


class CostLine(models.Model):
    """A weekly cost on a placement, as finance writes it: ``date_from`` and ``date_to`` are both inclusive.

    Costs change over a placement's life: never overwrite a line, end it and start another.
    """

    # No index of its own: costline_placement_idx begins with it.
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="cost_lines", db_index=False)
    kind = models.CharField(max_length=10, choices=CostKind.choices)
    description = models.CharField(max_length=200)
    weekly_amount = models.DecimalField("weekly amount (£)", **MONEY)
    date_from = models.DateField("from", validators=[validate_record_date])
    date_to = models.DateField("to", null=True, blank=True, validators=[validate_record_date],
                               help_text="Last day paid. Empty while in force.")

    class Meta:
        ordering = ["date_from", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_amount__gte=0), name="cost_line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_to__gte=F("date_from")), name="cost_line_to_not_before_from"
            ),
            database_range("date_from", "cost_line_from_plausible"),
            database_range("date_to", "cost_line_to_plausible"),
        ]
        indexes = [
            models.Index(fields=["date_from", "date_to"]),
            # A placement's lines, holding every column rule C1's weekly cost reads (``weekly_cost_subquery``), so
            # that a placement's cost on a day is read from the index alone (the agenda's candidates read it for
            # 35,000 placements at a region's size).
            models.Index(fields=["placement", "date_from", "date_to", "weekly_amount"], name="costline_placement_idx"),
            # "In force on a day" and "in force during a period" are one range on COALESCE(to, 9999-12-31)
            # (placements.selectors.in_force): this index finds the lines still running on a day among ten
            # years of them, and holds every column the sums read, so PostgreSQL never visits the table
            # (key columns rather than INCLUDE, which SQLite does not have).
            models.Index(Coalesce("date_to", Value(date(9999, 12, 31))), "date_from", "date_to", "placement",
                         "weekly_amount", "kind", name="costline_in_force_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: £{self.weekly_amount} a week"

    def in_force_on(self, on: date) -> bool:
        return rules.cost_line_in_force(self.date_from, self.date_to, on)

    def clean(self) -> None:
        errors = {}
        if self.date_from and self.date_to and self.date_to < self.date_from:
            errors["date_to"] = "The 'to' date must be on or after the 'from' date."
        placement = self.placement if self.placement_id else None
        if placement and self.date_from:
            if self.date_from < placement.start:
                errors["date_from"] = (
                    f"The cost line starts before its placement, which started on {placement.start:%d/%m/%Y}."
                )
            elif placement.end and self.date_from >= placement.end:
                errors["date_from"] = f"The cost line starts after its placement ended on {placement.end:%d/%m/%Y}."
        if placement and placement.end and self.date_to and self.date_to > placement.end:
            errors["date_to"] = f"The cost line runs past the end of its placement on {placement.end:%d/%m/%Y}."
        if errors:
            raise ValidationError(errors)


# --- Imports (SPEC section 5) ---------------------------------------------------


class Episode(models.Model):
    """One SSDA903 episode as the return gave it, kept so that several years' returns reconcile.

    A placement is made of one or more episodes: RNE L (legal status only) continues the placement,
    every other RNE starts one. ``dec`` is the day the episode ceased (SSDA903 DEC), like a
    placement's end. ``return_year`` is the collection year of the return the row came from (2017 for
    2017/18): for the same child and DECOM the later return wins. Built by ``placements.imports.ssda903``.
    """

    # No index of its own: one_episode_per_child_decom (child, decom) serves every read by child.
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes", db_index=False)
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="episodes"
    )
    decom = models.DateField("episode began (DECOM)")
    dec = models.DateField("episode ceased (DEC)", null=True, blank=True)
    rne = models.CharField("reason for new episode (RNE)", max_length=1)
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    cin = models.CharField("category of need (CIN)", max_length=2, blank=True)
    place = models.CharField("placement type (PLACE)", max_length=4)
    place_provider = models.CharField("placement provider (PLACE_PROVIDER)", max_length=3, blank=True)
    rec = models.CharField("reason episode ceased (REC)", max_length=3, blank=True)
    reason_place_change = models.CharField("reason for placement change", max_length=6, blank=True)
    urn = models.CharField("Ofsted URN", max_length=16, blank=True)
    return_year = models.PositiveSmallIntegerField(help_text="Collection year of the return: 2017 for 2017/18.")

    class Meta:
        verbose_name = "SSDA903 episode"
        ordering = ["child", "decom"]
        constraints = [
            models.UniqueConstraint(fields=["child", "decom"], name="one_episode_per_child_decom"),
            models.CheckConstraint(condition=Q(dec__isnull=True) | Q(dec__gt=F("decom")), name="episode_dec_after_decom"),
        ]

    def __str__(self) -> str:
        return f"Episode from {self.decom:%d/%m/%Y} ({self.place}, {self.legal_status})"


class LegalStatusPeriod(models.Model):
    """A child's legal status (SSDA903 LS) from ``start`` until ``end``, the day it changed (open while current).

    ``Placement.legal_status`` is the status when the placement began; a change of legal status only
    (RNE L) continues the placement and starts a new period here.
    """

    # No index of its own: one_legal_status_period_per_child_start (child, start) serves every read by child.
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_status_periods", db_index=False)
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="The day the status changed or care ended.")

    class Meta:
        ordering = ["child", "start"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start"], name="one_legal_status_period_per_child_start"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="legal_status_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.legal_status} from {self.start:%d/%m/%Y}"


class CareSegment(models.Model):
    """Days [start, end) when a child is looked after in one placement with one legal status.

    Derived, never edited: ``placements.care`` rebuilds a child's segments in the same transaction as
    any change to their placements, episodes, legal status or date of birth. Every count of children
    reads this table (``placements.care``'s docstring); segments of one child never overlap.
    """

    # No index of their own: (child, start) serves a child's segments and segment_placement_idx a placement's.
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_segments", db_index=False)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="care_segments", db_index=False)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    before_records = models.BooleanField(
        default=False, help_text="The first day of the records of a child already in care then: not a start.")
    # What the segment carries of its placement and child, so that the day's segments are read without a join
    # (``placements.care.facts``): kept with the segment, never edited apart from it. Named for whose fact each
    # is, apart from the annotations readers of segments make (``ownership``, ``category``).
    child_date_of_birth = models.DateField(null=True, blank=True)
    placement_start = models.DateField(null=True, blank=True)
    # Database defaults too, so a writer naming only a segment's own columns (bulk_insert.insert_values) still
    # writes a row; placements.care.store always names them all.
    placement_category = models.CharField(max_length=30, blank=True, db_default="")
    placement_ownership = models.CharField(max_length=10, blank=True, db_default="")
    placement_unregulated = models.BooleanField(default=False, db_default=False)
    placement_desired_not_met_market = models.BooleanField(default=False, db_default=False)
    placement_provider = models.ForeignKey(Provider, on_delete=models.DO_NOTHING, null=True, blank=True,
                                           related_name="+", db_index=False, db_constraint=False)
    placement_place_code = models.CharField(max_length=4, blank=True, db_default="")
    # Rule T's events (``placements.care.events``), so a period's are read by the days segments begin and end.
    begins_with_start = models.BooleanField(default=False, db_default=False,
                                            help_text="Rule T: the child started to be looked after on the first day.")
    begins_with_move = models.BooleanField(default=False, db_default=False,
                                           help_text="Rule T: the child moved into this placement on the first day.")
    ends_with_cease = models.BooleanField(default=False, db_default=False,
                                          help_text="Rule T: the child ceased to be looked after on the end day.")

    class Meta:
        ordering = ["child", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="segment_end_after_start"),
            models.UniqueConstraint(fields=["child", "start"], name="one_segment_per_child_start"),
        ]
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["end"]),
            models.Index(fields=["placement"], name="segment_placement_idx"),
            # A year's moves by child (the dashboard's children with 2 or more moves) without a year's segments.
            models.Index(fields=["start", "child"], condition=Q(begins_with_move=True), name="segment_move_idx"),
            # The residential tracker's (``tracker.selectors``), residential only: an index of every segment cost
            # imports more than the tracker gains. The segments that begin a residential placement, by day, with
            # the child's date of birth (``new_residential``: counted by age from the index alone); and the
            # children in residential on a day, oldest first (``residential_placements``: a page walks it from the
            # 17-year-olds, reading the days from the index).
            models.Index(fields=["start"], include=["placement", "child_date_of_birth"],
                         condition=Q(start=F("placement_start"), placement_category=PlacementCategory.RESIDENTIAL),
                         name="segment_begins_residential_idx"),
            models.Index(fields=["child_date_of_birth", "placement"], include=["start", "end"],
                         condition=Q(placement_category=PlacementCategory.RESIDENTIAL),
                         name="segment_residential_born_idx"),
            # The few hundred in unregulated provision, on any day (``tracker.selectors.unregulated_keys``).
            models.Index(fields=["start", "end"], include=["placement"], condition=Q(placement_unregulated=True),
                         name="segment_unregulated_idx"),
        ]

    def __str__(self) -> str:
        return f"Looked after from {self.start:%d/%m/%Y}"


class ReturnYear(models.Model):
    """An SSDA903 return imported: which children that return alone has looked after on its 31 March, kept
    so the data quality page can set them beside the app's count (``placements.imports.reconciliation``)."""

    return_year = models.PositiveSmallIntegerField(unique=True, help_text="Collection year: 2017 for 2017/18.")
    year_end_children = models.JSONField(default=list, help_text="Case references looked after on 31 March.")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["return_year"]

    def __str__(self) -> str:
        return f"SSDA903 return {rules.financial_year_label(self.return_year)}"


class AuthoritySettings(models.Model):
    """The authority's own figures, set by an administrator in the app (one row; the environment gives the
    first values): the 0-17 population for rates per 10,000 (rule D) and the panel's cost threshold (rules P)."""

    child_population = models.PositiveIntegerField(
        "children aged 0 to 17 in the authority", validators=[MinValueValidator(1)],
        help_text="The ONS mid-year estimate of the authority's 0-17 population: rates per 10,000 use it.")
    panel_cost_threshold = models.DecimalField(
        "panel cost threshold (£ a week)", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))],
        help_text="An external placement costing more than this a week goes to the Placement Panel.")
    panel_capacity = models.PositiveSmallIntegerField(
        "children a panel meeting can consider", default=15, validators=[MinValueValidator(1)],
        help_text="The agenda builder puts this many on an agenda; the rest are carried to the next meeting.")
    # Rules other councils' panels use (issue 15): off unless an administrator turns them on.
    panel_rule_two_moves = models.BooleanField(
        "panel rule: two or more moves in the last 12 months", default=False,
        help_text="Bring every child who has moved placement twice or more in the 12 months before the meeting.")
    panel_rule_out_of_area = models.BooleanField(
        "panel rule: placed outside the authority's area", default=False,
        help_text="Bring every child whose provider is in another local authority area (needs the area below).")
    authority_area = models.CharField(
        "the authority's own area", max_length=100, blank=True,
        help_text="As providers record their local authority area, e.g. Worcestershire.")

    class Meta:
        verbose_name = verbose_name_plural = "authority settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="authority_settings_single_row")]

    def __str__(self) -> str:
        return "Authority settings"

    def clean(self) -> None:
        if self.panel_rule_out_of_area and not self.authority_area.strip():
            raise ValidationError({"authority_area": "Say which area is the authority's own, to know who is outside it."})

    def save(self, *args, **kwargs):
        self.pk = 1  # the one row
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "AuthoritySettings":
        """The settings in force: the row an administrator saved, else the environment's (README) values."""
        saved = cls.objects.filter(pk=1).first()
        if saved is not None:
            return saved
        return cls(pk=1, child_population=settings.PLACEMENTS["CHILD_POPULATION"],
                   panel_cost_threshold=Decimal(str(settings.PLACEMENTS["PANEL_COST_THRESHOLD"])),
                   panel_capacity=settings.PLACEMENTS["PANEL_CAPACITY"])


class ImportUpload(models.Model):
    """A file uploaded for import, kept between its preview and the confirmation.

    Kept in the database, not on one server's disk, so any app server can take the confirmation.
    Deleted when the import is confirmed or the same person uploads again; one left unconfirmed is
    deleted the next time anyone opens the upload page after a day.
    """

    token = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        default_permissions = ()
        permissions = [("import_data", "Can import data files")]

    def __str__(self) -> str:
        return self.file_name


class ImportRecord(models.Model):
    """One confirmed import, or the undoing of one: who, when, which files, what it did, and how to undo it.

    ``journal`` is what the import wrote (``placements.imports.journal``); ``placements.imports.history``
    makes these records and undoes the latest import from its journal.
    """

    UNDO = "undo"

    kind = models.CharField(max_length=20, help_text="The kind of import (placements.imports.KINDS), or undo.")
    token = models.CharField(max_length=64, blank=True, db_index=True, help_text="The upload it came from.")
    files = models.JSONField(default=list, help_text="Each file as uploaded: name, size in bytes, position.")
    return_years = models.JSONField(default=list, help_text="SSDA903 collection years the files cover.")
    #: A list of [record type, {"new":, "changed":, "unchanged":, "left_alone":}] (an undo: "removed", "put_back"),
    #: in the importer's order: a list, as PostgreSQL's jsonb does not keep the keys of an object in order.
    counts = models.JSONField(default=list, help_text="Per record type: new, changed, unchanged, left alone.")
    notes = models.JSONField(default=list)
    changes = models.JSONField(default=list, help_text="Each field changed: record, field, old, new.")
    journal = models.JSONField(default=dict, help_text="What was written, to undo it.")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    undoes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="undone_by")

    class Meta:
        ordering = ["-imported_at", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["-imported_at", "-id"], name="import_record_latest_idx")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.imported_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("import_record", args=[self.pk])


class PlacementSearch(models.Model):
    """One Placement Request Form (PRF) and the search it starts (paper 002, paragraphs 27-29).

    ``version`` goes up with every change, so two officers working on one search at once cannot
    overwrite each other (``placements.searches``).
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="searches")
    category_requested = models.CharField("placement type wanted", max_length=30, choices=PlacementCategory.choices)
    received = models.DateField("date the PRF was received", validators=[validate_record_date])
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.PLANNED)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="searches", verbose_name="allocated officer")
    status = models.CharField(max_length=25, choices=SearchStatus.choices, default=SearchStatus.RECEIVED)
    permission_confirmed_by = models.CharField("permission to search confirmed by", max_length=100, blank=True)
    permission_confirmed_on = models.DateField(null=True, blank=True)
    # Needs and risks, in short fields after the regional home-search standard.
    risk_to_child = models.CharField("risk to the child", max_length=4, choices=RiskLevel.choices,
                                     default=RiskLevel.NONE)
    risk_to_others = models.CharField("risk to others", max_length=4, choices=RiskLevel.choices,
                                      default=RiskLevel.NONE)
    location_constraints = models.CharField(max_length=300, blank=True,
                                            help_text="For example, within 20 miles of school; not in Redditch.")
    staffing_ratio = models.CharField("staffing ratio asked for", max_length=10, blank=True,
                                      help_text="For example, 1:1 or 2:1. Leave empty if none.")
    siblings = models.CharField("siblings to place together", max_length=200, blank=True)
    needs = models.TextField("needs in brief", blank=True)
    outcome_placement = models.OneToOneField(Placement, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="search")
    closed_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-received", "-pk"]
        verbose_name = "placement search"
        permissions = [("approve_search", "Can give Director approval to place")]
        indexes = [models.Index(fields=["status", "received"]), models.Index(fields=["officer", "status"])]

    def __str__(self) -> str:
        return f"Search for {self.child.full_name} from {self.received:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("search_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (SearchStatus.PLACED, SearchStatus.WITHDRAWN, SearchStatus.NO_PLACEMENT_FOUND)

    def clean(self) -> None:
        if self.received and self.received > timezone.localdate():
            raise ValidationError({"received": "The PRF cannot have been received in the future."})
        if self.received and self.child_id and self.category_requested:
            refusal = rules.category_refused_for_age(self.category_requested, self.child.date_of_birth, self.received)
            if refusal:
                raise ValidationError({"category_requested": refusal})


class ChronologyEntry(models.Model):
    """The search's placement chronology: append-only; nothing here is edited or deleted through the app."""

    search = models.ForeignKey(PlacementSearch, on_delete=models.CASCADE, related_name="chronology")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=25, choices=ChronologyKind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A chronology entry cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A chronology entry cannot be deleted.")


class Offer(models.Model):
    """A provider's offer for a search, and the price agreed after negotiation."""

    search = models.ForeignKey(PlacementSearch, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    route = models.CharField("framework or spot", max_length=10, choices=CommissioningRoute.choices)
    weekly_offered = models.DecimalField("weekly price offered (£)", **MONEY)
    weekly_agreed = models.DecimalField("weekly price agreed (£)", null=True, blank=True, **MONEY)
    negotiation_note = models.CharField(max_length=300, blank=True,
                                        help_text="Needed when the agreed price is above the price offered.")
    status = models.CharField(max_length=25, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    offered_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["search", "offered_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekly_offered__gte=0), name="offer_price_not_negative"),
            models.CheckConstraint(condition=Q(weekly_agreed__isnull=True) | Q(weekly_agreed__gte=0),
                                   name="offer_agreed_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} at £{self.weekly_offered} a week"

    @property
    def weekly_price(self) -> Decimal:
        """The core price that applies: agreed if negotiated, else offered."""
        return self.weekly_agreed if self.weekly_agreed is not None else self.weekly_offered

    def clean(self) -> None:
        if (self.weekly_agreed is not None and self.weekly_offered is not None
                and self.weekly_agreed > self.weekly_offered and not self.negotiation_note.strip()):
            raise ValidationError({"negotiation_note": "Say why the agreed price is above the price offered."})


class OfferExtra(models.Model):
    """Something offered on top of the core fee, e.g. 2:1 staffing for the first month."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="extras")
    description = models.CharField(max_length=200)
    weekly_amount = models.DecimalField("weekly amount (£)", **MONEY)
    weeks = models.PositiveSmallIntegerField("for how many weeks", null=True, blank=True,
                                             help_text="Leave empty if it runs for the whole placement.")
    agreed = models.BooleanField("kept after negotiation", default=True)

    class Meta:
        ordering = ["offer", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weekly_amount__gte=0), name="extra_not_negative")]

    def __str__(self) -> str:
        return self.description


class CostAvoidance(models.Model):
    """Money the team's work saved (paper 002, paragraphs 29 and 76-78). The amount is rule C3's, never typed."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cost_avoidance")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="cost_avoidance")
    search = models.ForeignKey(PlacementSearch, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="cost_avoidance")
    source = models.CharField(max_length=20, choices=CostAvoidanceSource.choices)
    date_agreed = models.DateField(validators=[validate_record_date])
    weekly_before = models.DecimalField("weekly cost before (£)", null=True, blank=True, **MONEY)
    weekly_after = models.DecimalField("weekly cost after (£)", null=True, blank=True, **MONEY)
    one_off = models.DecimalField("one-off amount (£)", null=True, blank=True, **ONE_OFF)
    before_reason = models.CharField(
        "why the cost before is not the child's cost that day", max_length=300, blank=True,
        help_text="Empty when the weekly cost before is what the child's cost lines charged on the day the saving "
                  "starts: the saving then replaces those lines (rule C3).")
    replaces_lines = models.BooleanField(
        default=False, editable=False, help_text="The saving replaces the child's own cost lines (rule C3).")
    effective_from = models.DateField(validators=[validate_record_date])
    horizon_end = models.DateField(editable=False)
    amount = models.DecimalField(max_digits=14, decimal_places=2, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date_agreed", "-pk"]
        verbose_name_plural = "cost avoidance"
        constraints = [
            models.CheckConstraint(
                condition=(Q(one_off__isnull=False, weekly_before__isnull=True, weekly_after__isnull=True)
                           | Q(one_off__isnull=True, weekly_before__isnull=False, weekly_after__isnull=False)),
                name="cost_avoidance_weekly_or_one_off",
            ),
        ]
        indexes = [models.Index(fields=["date_agreed", "source"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: £{self.amount:,.2f} on {self.date_agreed:%d/%m/%Y}"


class DataVersion(models.Model):
    """One row that the database itself moves on whenever a record the figures read changes.

    Triggers on every table of the placements, tracker and panel apps (``placements.freshness``, installed
    by migration 0006) raise ``version`` in the same transaction as the change, so a figure remembered
    under a version is never read after the data under it has changed, whatever wrote it: a page, an
    import's bulk insert, the demo, the admin or a shell.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.CharField(max_length=40, default="", help_text="When the version last moved, as the database wrote it.")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="data_version_single_row")]

    def __str__(self) -> str:
        return f"data version {self.version} ({self.changed_at})"


class DataChange(models.Model):
    """On PostgreSQL, one row per statement that changed a table the figures read, written by that table's
    trigger (``placements.freshness``). Writers only ever add rows, so no writer waits for another here (the
    one ``DataVersion`` row made every writer queue behind the longest transaction). Kept short: when it
    grows, the rows are cleared and ``DataVersion.version`` (the epoch) moves on."""

    id = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=63)

    class Meta:
        default_permissions = ()


# The register's tables belong to this app (placements.register says what it owns).
from placements.register.models import OfstedInspection, RegisterEntry  # noqa: E402,F401
# The daily figures' tables belong to this app (placements.care.daily says what it owns).
from placements.care.models import ChildDayChanges, DayChange  # noqa: E402,F401
