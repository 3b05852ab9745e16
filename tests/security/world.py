"""A small world with one record of every kind a URL can name, for the URL walk and the form fuzzing.

``URL_OBJECTS`` says which record fills each URL's arguments; a URL whose arguments it does not know
fails the walk with a message saying to add it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories import make_child, make_cost_line, make_inspection, make_placement, make_provider


@dataclass
class World:
    child: object
    provider: object
    framework_provider: object
    placement: object
    cost_line: object
    search: object
    offer: object
    cost_avoidance: object
    meeting: object
    review: object
    action: object
    consolidation: object
    budget: object
    scenario: object
    capacity: object
    # The same search page at the later steps, whose forms only show then.
    search_offers_shared: object
    search_option_chosen: object
    search_approved: object
    held_meeting: object

    def framework(self) -> int:
        from placements.models import Framework

        framework, _ = Framework.objects.get_or_create(name="Regional Residential", defaults={
            "category": "residential", "lead_authority": "Anyshire"})
        return framework.pk

    def register_entry(self) -> int:
        from placements.models import RegisterEntry

        return RegisterEntry.objects.get(urn=self.provider.urn).pk

    def membership(self) -> int:
        from placements.models import FrameworkMembership

        membership, _ = FrameworkMembership.objects.get_or_create(
            framework_id=self.framework(), provider=self.framework_provider, defaults={"start": date(2022, 4, 1)})
        return membership.pk

    def import_record(self) -> int:
        """The latest import in the history: a providers file, so its page offers to undo it."""
        from placements.imports import KINDS, SourceFile
        from placements.imports.history import latest_import, record_import

        record = latest_import()
        if record is None:
            files = [SourceFile("providers.csv", b"URN,NAME,OWNERSHIP,PROVISION,REGULATED,FRAMEWORK,POSTCODE\n"
                                                 b"SC977001,Imported Home,external,childrens_home,yes,,EX9 9ZZ\n")]
            plan = KINDS["providers"].plan(files)
            KINDS["providers"].apply(plan)
            record = record_import("providers", plan, files)
        return record.pk

    def upload_token(self, user) -> str:
        """An import upload of ``user``'s (the import pages only show a person their own uploads)."""
        from placements.models import ImportUpload

        upload = ImportUpload.objects.filter(uploaded_by=user).first() if user else None
        if upload is None:
            if user is None:
                return "no-such-upload"
            upload = ImportUpload.objects.create(
                token=f"token-{user.pk}", kind="providers", file_name="providers.csv",
                data=b"URN,NAME,OWNERSHIP,PROVISION,REGULATED,FRAMEWORK,POSTCODE\n"
                     b"SC900001,Example Fostering Agency,external,fostering_agency,yes,,EX1 1AA\n",
                uploaded_by=user)
        return upload.token


def build_world(officer_user) -> World:
    from panel.models import ConsolidationMeeting, PanelAction, PanelMeeting, PanelReview
    from panel.choices import MeetingStatus
    from placements.choices import (
        CommissioningRoute,
        CostAvoidanceSource,
        OfferStatus,
        PlacementCategory,
        SearchStatus,
    )
    from placements.cost_avoidance import cost_avoidance_record
    from placements.models import Offer, PlacementSearch
    from placements.searches import search_create
    from tracker.models import Budget, PlacementCapacity, Scenario

    today = timezone.localdate()
    child = make_child(case_ref="WORLD-1", date_of_birth=today - timedelta(days=14 * 365))
    provider = make_provider()
    framework_provider = make_provider(name="Framework Homes Ltd", urn="SC100002")
    make_inspection(provider, today - timedelta(days=100), "good")  # its entry in Ofsted's register, rated
    placement = make_placement(child, provider, start=today - timedelta(days=200))
    cost_line = make_cost_line(placement, "5000.00", placement.start)
    search = search_create(child=child, user=officer_user, category_requested=PlacementCategory.RESIDENTIAL,
                           received=today - timedelta(days=10))
    PlacementSearch.objects.filter(pk=search.pk).update(status=SearchStatus.EXTERNAL_SEARCH)
    search.refresh_from_db()
    offer = Offer.objects.create(search=search, provider=framework_provider, route=CommissioningRoute.SPOT,
                                 weekly_offered=Decimal("6000.00"))
    cost_avoidance = cost_avoidance_record(
        child=child, placement=placement, source=CostAvoidanceSource.PANEL, date_agreed=today - timedelta(days=5),
        effective_from=today - timedelta(days=5), recorded_by=officer_user,
        weekly_before=Decimal("5000.00"), weekly_after=Decimal("4500.00"))
    meeting = PanelMeeting.objects.create(date=today + timedelta(days=7), chair="Director of Through Care")
    review = PanelReview.objects.create(meeting=meeting, child=child, placement=placement, reasons=["REVIEW_DUE"])
    action = PanelAction.objects.create(review=review, description="Review the 2:1", owner="Team manager",
                                        due=today + timedelta(days=14))
    consolidation = ConsolidationMeeting.objects.create(child=child, placement=placement,
                                                        date=today - timedelta(days=3))
    budget = Budget.objects.create(financial_year=today.year, category=PlacementCategory.RESIDENTIAL,
                                   amount=Decimal("1000000.00"))
    scenario = Scenario.objects.create(name="World scenario", author=officer_user, settings={"entry_multiplier": 1.1})
    capacity, _ = PlacementCapacity.objects.update_or_create(category=PlacementCategory.RESIDENTIAL,
                                                            defaults={"in_house_places": 4})

    def search_at(status, offer_status=None):
        later = make_child(case_ref=f"WORLD-{status}", date_of_birth=today - timedelta(days=15 * 365))
        found = PlacementSearch.objects.create(child=later, category_requested=PlacementCategory.RESIDENTIAL,
                                               received=today - timedelta(days=20), officer=officer_user,
                                               status=status)
        if offer_status:
            Offer.objects.create(search=found, provider=framework_provider, route=CommissioningRoute.FRAMEWORK,
                                 weekly_offered=Decimal("5800.00"), status=offer_status)
        return found

    held_meeting = PanelMeeting.objects.create(date=today - timedelta(days=7), chair="Director of Through Care",
                                               status=MeetingStatus.HELD)
    held_review = PanelReview.objects.create(meeting=held_meeting, child=child, placement=placement,
                                             reasons=["REVIEW_DUE"], decision="continue", summary="Going well.")
    PanelAction.objects.create(review=held_review, description="Send the plan", owner="Social worker",
                               due=today - timedelta(days=1))
    return World(child=child, provider=provider, framework_provider=framework_provider, placement=placement,
                 cost_line=cost_line, search=search, offer=offer, cost_avoidance=cost_avoidance, meeting=meeting,
                 review=review, action=action, consolidation=consolidation, budget=budget,
                 scenario=scenario, capacity=capacity,
                 search_offers_shared=search_at(SearchStatus.OFFERS_SHARED, OfferStatus.OFFERED),
                 search_option_chosen=search_at(SearchStatus.OPTION_CHOSEN, OfferStatus.CHOSEN),
                 search_approved=search_at(SearchStatus.APPROVED, OfferStatus.CHOSEN),
                 held_meeting=held_meeting)


#: For each URL with arguments: the arguments, from the world and the user asking.
URL_OBJECTS = {
    "child_detail": lambda w, u: {"pk": w.child.pk},
    "child_update": lambda w, u: {"pk": w.child.pk},
    "placement_create": lambda w, u: {"pk": w.child.pk},
    "dol_create": lambda w, u: {"pk": w.child.pk},
    "provider_detail": lambda w, u: {"pk": w.provider.pk},
    "provider_update": lambda w, u: {"pk": w.provider.pk},
    "register_entry": lambda w, u: {"pk": w.register_entry()},
    "placement_detail": lambda w, u: {"pk": w.placement.pk},
    "placement_update": lambda w, u: {"pk": w.placement.pk},
    "cost_line_create": lambda w, u: {"pk": w.placement.pk},
    "cost_line_end": lambda w, u: {"pk": w.cost_line.pk},
    "import_preview": lambda w, u: {"token": w.upload_token(u)},
    "import_confirm": lambda w, u: {"token": w.upload_token(u)},
    "import_errors": lambda w, u: {"token": w.upload_token(u)},
    "import_record": lambda w, u: {"pk": w.import_record()},
    "framework_detail": lambda w, u: {"pk": w.framework()},
    "framework_update": lambda w, u: {"pk": w.framework()},
    "framework_uplift_create": lambda w, u: {"pk": w.framework()},
    "framework_member_create": lambda w, u: {"pk": w.framework()},
    "framework_member_update": lambda w, u: {"pk": w.membership()},
    "import_example": lambda w, u: {"pk": 1},
    "import_undo": lambda w, u: {"pk": w.import_record()},
    "search_detail": lambda w, u: {"pk": w.search.pk},
    "search_move": lambda w, u: {"pk": w.search.pk},
    "search_approval": lambda w, u: {"pk": w.search.pk},
    "search_note": lambda w, u: {"pk": w.search.pk},
    "offer_add": lambda w, u: {"pk": w.search.pk},
    "offer_choose": lambda w, u: {"pk": w.search.pk, "offer": w.offer.pk},
    "offer_decline": lambda w, u: {"pk": w.search.pk, "offer": w.offer.pk},
    "offer_negotiate": lambda w, u: {"pk": w.search.pk, "offer": w.offer.pk},
    "search_place": lambda w, u: {"pk": w.search.pk},
    "tracker_budget_update": lambda w, u: {"pk": w.budget.pk},
    "tracker_scenario": lambda w, u: {"pk": w.scenario.pk},
    "tracker_capacity_update": lambda w, u: {"pk": w.capacity.pk},
    "panel_meeting": lambda w, u: {"pk": w.meeting.pk},
    "panel_build": lambda w, u: {"pk": w.meeting.pk},
    "panel_issue": lambda w, u: {"pk": w.meeting.pk},
    "panel_move": lambda w, u: {"pk": w.meeting.pk},
    "panel_cancel": lambda w, u: {"pk": w.meeting.pk},
    "panel_members": lambda w, u: {"pk": w.meeting.pk},
    "panel_add_child": lambda w, u: {"pk": w.meeting.pk},
    "panel_remove_items": lambda w, u: {"pk": w.meeting.pk},
    "panel_pack": lambda w, u: {"pk": w.meeting.pk},
    "panel_remove_item": lambda w, u: {"pk": w.review.pk},
    "panel_minute": lambda w, u: {"pk": w.review.pk},
    "panel_action_done": lambda w, u: {"pk": w.action.pk},
    "panel_consolidation_outcome": lambda w, u: {"pk": w.consolidation.pk},
}


def url_patterns():
    """(url name, route, pattern) for every URL the app serves, the admin site left out (staff only, by Django)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((pattern.name, prefix + str(pattern.pattern), pattern))

    walk(get_resolver().url_patterns)
    return found


def url_for(name: str, world: World, user) -> str:
    from django.urls import reverse

    if not _kwarg_names(name):
        return reverse(name)
    if name not in URL_OBJECTS:
        raise LookupError(
            f"URL {name!r} takes {sorted(_kwarg_names(name))}: say which record fills them in "
            f"tests/security/world.py URL_OBJECTS (and classify it in tests/security/test_url_access.py ACCESS)"
        )
    return reverse(name, kwargs=URL_OBJECTS[name](world, user))


def _kwarg_names(name: str) -> set[str]:
    from django.urls import get_resolver

    possibilities = get_resolver().reverse_dict.getlist(name)
    names = set()
    for possibility, _pattern, _defaults, _converters in possibilities:
        for _result, params in possibility:
            names.update(params)
    return names
