"""The fortnightly Placement Panel and consolidation meetings (SPEC section 2; paper 002, 72-79 and 84)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from panel.choices import ConsolidationOutcome, Decision, MeetingStatus, Rule
from placements.choices import RecordSource
from placements.models import Child, Placement


class PanelMeeting(models.Model):
    date = models.DateField()
    chair = models.CharField(max_length=100)
    members_present = models.TextField(blank=True, help_text="One name on each line.")
    status = models.CharField(max_length=15, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    agenda_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    agenda_issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                         on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True, help_text="For example, why the meeting moved.")
    source = models.CharField(max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL, editable=False)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["date"], condition=~Q(status=MeetingStatus.CANCELLED),
                                    name="one_panel_a_day"),
        ]
        permissions = [("issue_agenda", "Can build and issue panel agendas")]

    def __str__(self) -> str:
        return f"Placement Panel on {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("panel_meeting", args=[self.pk])

    @property
    def agenda_frozen(self) -> bool:
        return self.status in (MeetingStatus.AGENDA_ISSUED, MeetingStatus.HELD)

    @property
    def members(self) -> list[str]:
        return [line.strip() for line in self.members_present.splitlines() if line.strip()]


class PanelReview(models.Model):
    """One child's item on an agenda, and its minute."""

    # Not indexed alone: the unique (meeting, child) and the index (child, meeting) begin with each (fewer indexes
    # to write when an agenda of thousands is built).
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="reviews", db_index=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="panel_reviews", db_index=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="panel_reviews")
    reasons = models.JSONField(default=list, help_text="Rule codes as they were when the agenda was built.")
    reason_texts = models.JSONField(default=list, help_text="Each reason in words, with the figure behind it.")
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    position = models.PositiveIntegerField(default=0)
    added_by_hand = models.BooleanField(default=False)
    added_late = models.BooleanField(
        default=False, help_text="Added by the chair after the agenda was issued (an addendum).")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    removed = models.BooleanField(default=False)
    removed_reason = models.CharField(max_length=300, blank=True)
    carried = models.BooleanField(
        default=False, help_text="Met a rule but did not fit the meeting's capacity: carried to the next meeting.")
    social_worker = models.CharField(max_length=100, blank=True)
    team_manager = models.CharField(max_length=100, blank=True)
    iro = models.CharField("independent reviewing officer", max_length=100, blank=True)
    summary = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    cost_avoidance = models.ForeignKey("placements.CostAvoidance", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", help_text="What the panel's decision saves (rule C3).")
    minuted_at = models.DateTimeField(null=True, blank=True, editable=False)

    #: The related records ``__str__`` reads: the trail's entries of a bulk write read only these (``audit.bulk``),
    #: the child with only the columns its name and the entry's case reference read (the meeting whole).
    TRAIL_NAME_READS = {"child": ("given_name", "family_name", "case_ref"), "meeting": ()}

    class Meta:
        ordering = ["meeting", "removed", "carried", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "child"], name="one_item_per_child_a_meeting")]
        indexes = [models.Index(fields=["child", "meeting"])]

    def __str__(self) -> str:
        return f"{self.child} at {self.meeting}"

    @property
    def is_priority(self) -> bool:
        return any(code not in (Rule.REVIEW_DUE,) for code in self.reasons)

    @property
    def reasons_joined(self) -> str:
        return ";".join(self.reasons)


class LastMinutedReview(models.Model):
    """A child's last minuted review of all (the latest meeting, then the latest item), kept as the reviews change
    (``panel.last_reviews``), with what the agenda's candidates read of it: no anti-join over every review and no
    JSON to decode when an agenda is built."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, primary_key=True, related_name="+")
    review_id = models.BigIntegerField(unique=True, help_text="The review (kept as a plain key: the row is derived).")
    meeting_date = models.DateField(db_index=True)
    next_review_date = models.DateField(null=True, blank=True)
    codes = models.TextField(blank=True, help_text="The review's rule codes, separated by spaces.")
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    placement_id = models.BigIntegerField(null=True, blank=True, help_text="The placement reviewed (a plain key).")

    def __str__(self) -> str:
        return f"Last minuted review of child {self.child_id} on {self.meeting_date}"


class PanelAction(models.Model):
    review = models.ForeignKey(PanelReview, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=100)
    due = models.DateField("due date")
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["done_on", "due"])]

    def __str__(self) -> str:
        return self.description


class ConsolidationMeeting(models.Model):
    """A meeting held to stop a placement breaking down (paragraph 84), and what happened next."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="consolidation_meetings")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="consolidation_meetings")
    date = models.DateField("meeting date")
    note = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=ConsolidationOutcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True) | Q(outcome_date__gte=F("date")),
                name="consolidation_outcome_not_before_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Consolidation meeting for {self.child} on {self.date:%-d %B %Y}"

    def clean(self) -> None:
        errors = {}
        if self.outcome and not self.outcome_date:
            errors["outcome_date"] = "Say when the outcome was known."
        if self.outcome_date and not self.outcome:
            errors["outcome"] = "Say whether the placement was maintained or ended."
        if self.outcome_date and self.date and self.outcome_date < self.date:
            errors["outcome_date"] = "The outcome cannot be known before the meeting."
        if self.placement_id and self.child_id and self.placement.child_id != self.child_id:
            errors["placement"] = "Choose one of this child's placements."
        if errors:
            raise ValidationError(errors)
