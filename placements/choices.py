"""Enumerations of the placements domain (SPEC section 2), as TextChoices.

SSDA903 codes are kept with their meanings so a page can say what a code means.
"""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class LegalStatus(models.TextChoices):
    """SSDA903 legal status (LS) codes."""

    C1 = "C1", "C1: Interim care order"
    C2 = "C2", "C2: Full care order"
    D1 = "D1", "D1: Freeing order granted"
    E1 = "E1", "E1: Placement order granted"
    J1 = "J1", "J1: Remanded to local authority accommodation or youth detention"
    J2 = "J2", "J2: Placed with local authority under PACE"
    J3 = "J3", "J3: Sentenced to Youth Rehabilitation Order"
    L1 = "L1", "L1: Under police protection"
    L2 = "L2", "L2: Emergency protection order"
    L3 = "L3", "L3: Under child assessment order and in local authority accommodation"
    V2 = "V2", "V2: Single period of accommodation under section 20"
    V3 = "V3", "V3: Accommodated under an agreed series of short-term breaks (single placements)"
    V4 = "V4", "V4: Accommodated under an agreed series of short-term breaks (multiple placements)"


#: Short-break legal statuses: kept, but not counted as looked after (SPEC section 3, as DfE does).
SHORT_BREAK_LEGAL_STATUSES = frozenset({LegalStatus.V3, LegalStatus.V4})

#: SSDA903 RNE S: started to be looked after. A child whose first episode in the records has another RNE was in
#: care before the records begin (SPEC section 3, "Data as at").
RNE_STARTED = "S"
#: SSDA903 RNE L: a change of legal status only, inside the same placement.
RNE_LEGAL_STATUS_ONLY = "L"


class Ownership(models.TextChoices):
    INTERNAL = "internal", "Internal (the council's own)"
    EXTERNAL = "external", "External (independent or voluntary)"


class ProvisionKind(models.TextChoices):
    FOSTERING_AGENCY = "fostering_agency", "Fostering agency"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    SECURE_HOME = "secure_home", "Secure children's home"
    OTHER = "other", "Other arrangement"


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed, resigned or cancelled"


class OfstedRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class PlacementCategory(models.TextChoices):
    FOSTERING_INTERNAL = "fostering_internal", "Fostering (in-house)"
    FOSTERING_KINSHIP = "fostering_kinship", "Fostering (kinship)"
    FOSTERING_IFA = "fostering_ifa", "Fostering (independent agency)"
    RESIDENTIAL = "residential", "Residential"
    SECURE = "secure", "Secure"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    UNREGULATED = "unregulated", "Unregulated"
    PLACED_WITH_PARENTS = "placed_with_parents", "Placed with parents"
    OTHER = "other", "Other"


class CameFrom(models.TextChoices):
    HOME = "home", "Home"
    FOSTERING = "fostering", "Fostering"
    RESIDENTIAL = "residential", "Residential"
    SECURE = "secure", "Secure"
    HOSPITAL = "hospital", "Hospital"
    CRISIS = "crisis", "Crisis"
    SUPPORTED_BOARD_AND_LODGINGS = "supported_board_and_lodgings", "Supported board and lodgings"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known (in care before the records begin)"


class CommissioningRoute(models.TextChoices):
    INTERNAL = "internal", "Internal"
    FRAMEWORK = "framework", "Framework"
    SPOT = "spot", "Spot"
    BLOCK = "block", "Block contract"


class CostKind(models.TextChoices):
    CORE = "core", "Core fee"
    ADDITIONAL = "additional", "Additional (staffing, education, therapy, transport, other)"


class RecordSource(models.TextChoices):
    """Where a record came from, so re-loading demo data never touches real records."""

    MANUAL = "manual", "Entered in the app"
    IMPORT = "import", "Imported"
    DEMO = "demo", "Demo data"


class ReasonEnded(models.TextChoices):
    """Why a placement ended (short, in the team's words; SSDA903 REC codes come with imports)."""

    MOVED = "moved", "Moved to another placement"
    BREAKDOWN = "breakdown", "Placement broke down"
    RETURNED_HOME = "returned_home", "Returned home"
    ADOPTED = "adopted", "Adopted"
    SPECIAL_GUARDIANSHIP = "special_guardianship", "Special guardianship order"
    TURNED_18 = "turned_18", "Turned 18 / left care"
    OTHER = "other", "Other"


class SearchStatus(models.TextChoices):
    """A placement search's steps, from the Placement Request Form to the move (paper 002, paragraph 29)."""

    RECEIVED = "received", "PRF received"
    PERMISSION_CONFIRMED = "permission_confirmed", "Permission to search confirmed"
    QUALITY_ASSURED = "quality_assured", "PRF quality assured"
    INTERNAL_SEARCH = "internal_search", "Internal search"
    EXTERNAL_SEARCH = "external_search", "External search (framework first)"
    DIRECT_APPROACH = "direct_approach", "Direct approaches"
    OFFERS_SHARED = "offers_shared", "Offers shared with the social worker"
    OPTION_CHOSEN = "option_chosen", "Option chosen"
    NEGOTIATING = "negotiating", "Negotiating the price"
    PRE_PLACEMENT_CHECKS = "pre_placement_checks", "Pre-placement checks"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting Director approval"
    APPROVED = "approved", "Approved to place"
    PLACED = "placed", "Placed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NO_PLACEMENT_FOUND = "no_placement_found", "No placement found"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "Emergency (today)"
    URGENT = "urgent", "Urgent (within a week)"
    PLANNED = "planned", "Planned"


class RiskLevel(models.TextChoices):
    NONE = "none", "None known"
    LOW = "low", "Low"
    HIGH = "high", "High"


class ChronologyKind(models.TextChoices):
    STATUS_CHANGE = "status_change", "Status change"
    PROVIDER_CONTACT = "provider_contact", "Contact with a provider"
    SOCIAL_WORKER_CONTACT = "social_worker_contact", "Contact with the social worker"
    NOTE = "note", "Note"
    APPROVAL = "approval", "Approval"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    DECLINED_BY_PROVIDER = "declined_by_provider", "Withdrawn by the provider"
    REJECTED = "rejected", "Not chosen"
    CHOSEN = "chosen", "Chosen"


class CostAvoidanceSource(models.TextChoices):
    SEARCH_NEGOTIATION = "search_negotiation", "Search negotiation"
    PLACEMENTS_FORUM = "placements_forum", "Placements forum"
    PANEL = "panel", "Panel"
    CONSOLIDATION = "consolidation", "Consolidation"
