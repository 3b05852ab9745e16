"""The register's tables: Ofsted's providers and their inspections (see ``placements.register``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from placements.choices import OfstedRating, ProviderStatus, ProvisionKind


class RegisterEntry(models.Model):
    """One provider as Ofsted publishes it, whether or not this authority uses it."""

    urn = models.CharField("Ofsted URN", max_length=16, unique=True)
    name = models.CharField(max_length=200, help_text="As Ofsted publishes it, or a placeholder where it is redacted.")
    name_redacted = models.BooleanField(default=False, help_text="Ofsted redacts the name (every children's home).")
    provision_type = models.CharField(max_length=100, blank=True, help_text="Ofsted's provision type, as published.")
    provision = models.CharField("provision kind", max_length=30, choices=ProvisionKind.choices,
                                 default=ProvisionKind.OTHER)
    sector = models.CharField(max_length=50, blank=True)
    registration_status = models.CharField(max_length=30, blank=True, help_text="As published: Active, Suspended, "
                                                                                 "Closed, Resigned or Cancelled.")
    status = models.CharField(max_length=10, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    local_authority = models.CharField("local authority area", max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    #: The postcode in capitals without spaces, for searching ("wr1 2ab", "WR12AB" and "WR1 2AB" alike).
    postcode_key = models.CharField(max_length=10, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name", "urn"]
        verbose_name = "Ofsted register entry"
        verbose_name_plural = "Ofsted register entries"

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    def get_absolute_url(self) -> str:
        return reverse("register_entry", args=[self.pk])

    def save(self, *args, **kwargs):
        self.postcode_key = postcode_key(self.postcode)
        super().save(*args, **kwargs)


def postcode_key(postcode: str) -> str:
    return "".join((postcode or "").split()).upper()[:10]


class OfstedInspection(models.Model):
    """An inspection event with an overall judgement, of a provider in the register."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, to_field="urn", db_column="urn",
                              related_name="inspections", verbose_name="register entry")
    inspection_date = models.DateField()
    overall = models.CharField("overall effectiveness", max_length=25, choices=OfstedRating.choices)

    class Meta:
        ordering = ["entry_id", "-inspection_date"]
        constraints = [
            # With the judgement, so that a provider's rating on a day is read from the index alone.
            models.UniqueConstraint(fields=["entry", "inspection_date"], include=["overall"],
                                    name="one_inspection_per_entry_day")
        ]
        indexes = [
            # The panel's agenda (``ratings.rated_on``, ``ratings.histories_since``): the inspections of a period, and
            # the inadequate ones up to a day, read from an index alone (at a region's size both were a parallel
            # scan of every inspection).
            models.Index(fields=["inspection_date"], include=["entry", "overall"], name="inspection_date_idx"),
            models.Index(fields=["inspection_date"], include=["entry"], condition=Q(overall=OfstedRating.INADEQUATE),
                         name="inspection_inadequate_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_overall_display()} on {self.inspection_date:%d/%m/%Y}"
