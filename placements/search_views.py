"""The officer's working day: the searches worklist, a search from PRF to move-in, and cost avoidance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from placements import rules, searches, selectors
from placements.access import can_approve_placements
from placements.choices import OfferStatus, SearchStatus
from placements.cost_avoidance import cost_avoidance_record, cost_avoidance_totals, placement_on
from placements.filtersets import CostAvoidanceFilter, SearchFilter
from placements.models import Offer
from placements.register import ratings
from placements.forms import NewChildForm
from placements.search_forms import (
    ChronologyForm,
    CostAvoidanceForm,
    ExtraFormSet,
    MoveForm,
    NegotiateForm,
    OfferForm,
    PlaceForm,
    SearchForm,
)
from placements.tables import CostAvoidanceTable, SearchTable
from placements.views import ListPage

CHANGE = "placements.change_placementsearch"


class SearchList(ListPage):
    permission_required = "placements.view_placementsearch"
    table_class = SearchTable
    filterset_class = SearchFilter
    export_name = "searches"
    title = "Placement searches"
    add_url_name = "search_create"
    add_permission = "placements.add_placementsearch"
    template_name = "placements/searches.html"

    def get_queryset(self):
        return selectors.search_list()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs["data"] is None:
            kwargs["data"] = {"state": "open"}  # the worklist opens on the searches still running
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(figures=selectors.search_figures(self.request.user, timezone.localdate()),
                                        **kwargs)


class SearchCreate(PermissionRequiredMixin, FormView):
    """The Placement Request Form; a child not yet recorded is added with it, in the same step (issue 16)."""

    permission_required = "placements.add_placementsearch"
    form_class = SearchForm
    template_name = "placements/search_create.html"
    extra_context = {"title": "Record a Placement Request Form", "back_url": "/placements/searches/"}

    def get_initial(self):
        return {"received": timezone.localdate(), "case_ref": self.request.GET.get("child", "")}

    def child_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return NewChildForm(data, prefix="child")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("child_form", self.child_form())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form, child_form = self.get_form(), self.child_form()
        adding = form.adds_child and request.user.has_perm("placements.add_child")
        if not form.is_valid() or (adding and not child_form.is_valid()):
            if adding:
                child_form.is_valid()  # show the child's errors beside the PRF's
            return self.render_to_response(self.get_context_data(form=form, child_form=child_form), status=400)
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("case_ref", "child_recorded")}
        try:
            if adding:
                search = searches.search_create_for_new_child(child=child_form.save(commit=False),
                                                              user=request.user, **fields)
            else:
                search = searches.search_create(child=form.cleaned_data["case_ref"], user=request.user, **fields)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                target = child_form if adding and field in child_form.fields else form
                target.add_error(field if field in target.fields else None, problems)
            return self.render_to_response(self.get_context_data(form=form, child_form=child_form), status=400)
        added = f"{search.child.full_name} has been added and the" if adding else "The"
        messages.success(request, f"{added} PRF has been recorded. Confirm permission to search next.")
        return redirect(search)


class SearchDetail(PermissionRequiredMixin, TemplateView):
    """The search page; each action posts to its own URL and comes back here, keeping the entry on error."""

    permission_required = "placements.view_placementsearch"
    template_name = "placements/search_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.search = get_object_or_404(selectors.search_detail(kwargs["pk"], timezone.localdate()))
        return super().dispatch(request, *args, **kwargs)

    def moves(self):
        return [(status, SearchStatus(status).label) for status in searches.allowed_moves(self.search, self.request.user)]

    def chosen_offer(self) -> Offer | None:
        return next((o for o in self.search.offers.all() if o.status == OfferStatus.CHOSEN), None)

    def get_context_data(self, **kwargs):
        search, today = self.search, timezone.localdate()
        version = {"version": search.version}
        chosen = self.chosen_offer()
        offers = []
        latest = ratings.latest_by_provider([offer.provider for offer in search.offers.all()], today)
        for offer in search.offers.all():
            rating = latest.get(offer.provider_id)
            frameworks = [m.framework.name for m in offer.provider.memberships.all()
                          if m.start <= today and (m.end is None or m.end >= today)]
            offers.append({"offer": offer, "rating": rating, "frameworks": frameworks,
                           "inadequate": rating is not None and rating.overall == "inadequate"})
        context = {
            "title": str(search), "search": search, "offers": offers, "chosen": chosen,
            "days_open": searches.days_open(search, today),
            "move_form": kwargs.pop("move_form", None) or MoveForm(initial=version, moves=self.moves(), prefix="move"),
            "note_form": kwargs.pop("note_form", None) or ChronologyForm(prefix="note"),
            "offer_form": kwargs.pop("offer_form", None) or OfferForm(prefix="offer", search=search),
            "extras": kwargs.pop("extras", None) or ExtraFormSet(prefix="extras"),
            "negotiate_form": kwargs.pop("negotiate_form", None) or (
                NegotiateForm(initial={**version, "weekly_agreed": chosen.weekly_price,
                                       "kept_extras": [str(e.pk) for e in chosen.extras.all() if e.agreed]},
                              offer=chosen, prefix="negotiate") if chosen else None),
            "place_form": kwargs.pop("place_form", None) or PlaceForm(
                initial={**version, "category": search.category_requested, "start": today,
                         **({"came_from": searches.came_from_default(search.child, today)}
                            if search.status == SearchStatus.APPROVED else {})}, search=search,
                prefix="place"),
            "can_change": self.request.user.has_perm(CHANGE) and search.is_open,
            "can_move": bool(self.moves()) and search.is_open,
            "can_negotiate": chosen is not None and search.status in (SearchStatus.OPTION_CHOSEN,
                                                                      SearchStatus.NEGOTIATING),
            "offer_steps": searches.OFFER_STEPS,
            "approver": can_approve_placements(self.request.user),
            "error": kwargs.pop("error", ""),
        }
        return super().get_context_data(**context, **kwargs)


class SearchAction(SearchDetail):
    """POST one action; on success back to the page with a message, on failure the page with the entry kept."""

    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.search.is_open:
            return self.render_to_response(self.get_context_data(error="This search is closed."), status=400)
        return self.act()

    def fail(self, error: str = "", **forms):
        return self.render_to_response(self.get_context_data(error=error, **forms), status=400)

    def act(self):
        raise NotImplementedError


class SearchMove(SearchAction):
    def has_permission(self):
        user = self.request.user
        return user.has_perm(CHANGE) or user.has_perm(searches.APPROVE_PERMISSION)

    def act(self):
        form = MoveForm(self.request.POST, moves=self.moves(), prefix="move")
        if not form.is_valid():
            return self.fail(move_form=form)
        try:
            searches.search_move(search=self.search, to_status=form.cleaned_data["to_status"], user=self.request.user,
                                 expected_version=form.cleaned_data["version"], note=form.cleaned_data["note"],
                                 permission_confirmed_by=form.cleaned_data["permission_confirmed_by"])
        except searches.SearchError as error:
            return self.fail(str(error), move_form=form)
        messages.success(self.request, f"Moved to '{SearchStatus(form.cleaned_data['to_status']).label}'.")
        return redirect(self.search)


class SearchNote(SearchAction):
    def act(self):
        form = ChronologyForm(self.request.POST, prefix="note")
        if not form.is_valid():
            return self.fail(note_form=form)
        try:
            searches.search_note(search=self.search, user=self.request.user, **form.cleaned_data)
        except searches.SearchError as error:
            return self.fail(str(error), note_form=form)
        messages.success(self.request, "Added to the chronology.")
        return redirect(self.search)


class OfferAdd(SearchAction):
    def act(self):
        form = OfferForm(self.request.POST, prefix="offer", search=self.search)
        extras = ExtraFormSet(self.request.POST, prefix="extras")
        if not (form.is_valid() and extras.is_valid()):
            return self.fail(offer_form=form, extras=extras)
        entered = [searches.ExtraInput(e["description"], e["weekly_amount"], e.get("weeks"))
                   for e in extras.cleaned_data if e.get("description")]
        try:
            searches.offer_add(search=self.search, user=self.request.user, extras=entered, **form.cleaned_data)
        except (searches.SearchError, ValidationError) as error:
            return self.fail(_message(error), offer_form=form, extras=extras)
        messages.success(self.request, f"Offer from {form.cleaned_data['provider'].name} recorded.")
        return redirect(self.search)


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class OfferAction(SearchAction):
    def offer(self) -> Offer:
        return get_object_or_404(Offer.objects.select_related("provider"), pk=self.kwargs["offer"],
                                 search=self.search)


class OfferChoose(OfferAction):
    def act(self):
        try:
            version = int(self.request.POST.get("version", ""))
        except ValueError:
            return self.fail("The page was out of date: reload it and try again.")
        try:
            searches.offer_choose(offer=self.offer(), user=self.request.user, expected_version=version)
        except searches.SearchError as error:
            return self.fail(str(error))
        messages.success(self.request, "Option chosen. Negotiate the price next.")
        return redirect(self.search)


class OfferDecline(OfferAction):
    def act(self):
        try:
            searches.offer_decline(offer=self.offer(), user=self.request.user, note=self.request.POST.get("note", ""))
        except searches.SearchError as error:
            return self.fail(str(error))
        messages.success(self.request, "The offer has been marked as withdrawn by the provider.")
        return redirect(self.search)


class OfferNegotiate(OfferAction):
    def act(self):
        offer = self.offer()
        form = NegotiateForm(self.request.POST, offer=offer, prefix="negotiate")
        if not form.is_valid():
            return self.fail(negotiate_form=form)
        try:
            searches.offer_negotiate(offer=offer, user=self.request.user,
                                     expected_version=form.cleaned_data["version"],
                                     weekly_agreed=form.cleaned_data["weekly_agreed"], note=form.cleaned_data["note"],
                                     kept_extra_ids={int(pk) for pk in form.cleaned_data["kept_extras"]})
        except (searches.SearchError, ValidationError) as error:
            return self.fail(_message(error), negotiate_form=form)
        messages.success(self.request, "The agreed price has been recorded.")
        return redirect(self.search)


class SearchPlace(SearchAction):
    def act(self):
        form = PlaceForm(self.request.POST, search=self.search, prefix="place")
        if not form.is_valid():
            return self.fail(place_form=form)
        data = form.cleaned_data
        market = {"yes": True, "no": False}.get(data["market_reason"])
        try:
            placement = searches.search_place(
                search=self.search, user=self.request.user, expected_version=data["version"], start=data["start"],
                category=data["category"], desired_not_met_market=market, came_from=data["came_from"],
                planned_end=data["planned_end"])
        except (searches.SearchError, ValidationError) as error:
            return self.fail(_message(error), place_form=form)
        messages.success(self.request, "The child has been placed: the placement, its costs and the negotiation's "
                                       "cost avoidance are recorded.")
        return redirect(placement)


# --- Cost avoidance -------------------------------------------------------------------------


class CostAvoidanceLog(ListPage):
    permission_required = "placements.view_costavoidance"
    table_class = CostAvoidanceTable
    filterset_class = CostAvoidanceFilter
    export_name = "cost-avoidance"
    title = "Cost avoidance"
    add_url_name = "cost_avoidance_create"
    add_permission = "placements.add_costavoidance"
    template_name = "placements/cost_avoidance.html"

    def get_queryset(self):
        return selectors.cost_avoidance_list()

    def rows_shown(self) -> bool:
        """The entries name children, who recorded them and their notes: only for those who may see children.
        Panel members see the totals (issue 14)."""
        return self.request.user.has_perm("placements.view_child")

    def get_table_data(self):
        data = super().get_table_data()
        return data if self.rows_shown() else data.none()

    def create_export(self, export_format):
        if not self.rows_shown():
            raise PermissionDenied("The entries name children; your role sees the totals.")
        return super().create_export(export_format)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["show_officer"] = self.request.user.has_perm("placements.add_costavoidance")
        if kwargs["data"] is None:
            kwargs["data"] = {"financial_year": str(rules.financial_year_start(timezone.localdate()).year)}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals, total = cost_avoidance_totals(self.filterset.qs)
        context.update(totals=totals, total=total, rows_shown=self.rows_shown())
        return context


class CostAvoidanceCreate(PermissionRequiredMixin, FormView):
    permission_required = "placements.add_costavoidance"
    form_class = CostAvoidanceForm
    template_name = "form.html"
    extra_context = {"title": "Record cost avoidance", "back_url": "/placements/cost-avoidance/"}

    def get_initial(self):
        return {"date_agreed": timezone.localdate(), "effective_from": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        child = data["case_ref"]
        placement = placement_on(child, data["effective_from"])
        try:
            entry = cost_avoidance_record(
                child=child, placement=placement, source=data["source"], date_agreed=data["date_agreed"],
                effective_from=data["effective_from"], weekly_before=data["weekly_before"],
                weekly_after=data["weekly_after"], one_off=data["one_off"], note=data["note"],
                before_reason=data["before_reason"], recorded_by=self.request.user)
        except ValidationError as error:
            form.add_error(None, _message(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Recorded: £{entry.amount:,.2f} avoided "
                                       f"(to {entry.horizon_end:%-d %B %Y}, rule C3).")
        return redirect("cost_avoidance")

