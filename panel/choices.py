"""Enumerations of the Placement Panel (SPEC section 2)."""

from django.db import models


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    AGENDA_ISSUED = "agenda_issued", "Agenda issued"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Decision(models.TextChoices):
    CONTINUE = "continue", "Continue"
    REDUCE_PACKAGE = "reduce_package", "Reduce package"
    STEP_DOWN_PLAN = "step_down_plan", "Step-down plan"
    MOVE_PLACEMENT = "move_placement", "Move placement"
    END_PLACEMENT = "end_placement", "End placement"
    DEFERRED = "deferred", "Deferred"


class ConsolidationOutcome(models.TextChoices):
    MAINTAINED = "maintained", "Placement maintained"
    ENDED = "ended", "Placement ended"


class Rule(models.TextChoices):
    """The panel's priority rules (SPEC section 3, rules P; paper 002 paragraph 75)."""

    DESIRED_TYPE_NOT_MET = "DESIRED_TYPE_NOT_MET", "Desired placement type not achieved because of market availability"
    COST_OVER_THRESHOLD = "COST_OVER_THRESHOLD", "External placement costing more than the threshold a week"
    UNDER_13_RESIDENTIAL = "UNDER_13_RESIDENTIAL", "Aged 12 or under in residential care"
    INADEQUATE_PROVIDER = "INADEQUATE_PROVIDER", "In residential care judged inadequate since the placement began"
    UNDER_16_UNREGULATED = "UNDER_16_UNREGULATED", "Under 16 in unregulated provision"
    DOL_UNREGULATED = "DOL_UNREGULATED", "16 or 17, subject to a DoL order, in unregulated provision"
    NEAR_18 = "NEAR_18", "External placement within six months of the 18th birthday"
    ADDITIONAL_COSTS = "ADDITIONAL_COSTS", "Additional costs on top of the placement fee"
    REVIEW_DUE = "REVIEW_DUE", "External placement due for review"
    TWO_MOVES = "TWO_MOVES", "Two or more moves in the last 12 months (a rule the authority turned on)"
    OUT_OF_AREA = "OUT_OF_AREA", "Placed outside the authority's area (a rule the authority turned on)"
    ADDED_BY_CHAIR = "ADDED_BY_CHAIR", "Added by the chair"
    CHANGED_SINCE_REVIEW = "CHANGED_SINCE_REVIEW", "Something changed since the panel's last review"
