"""Pages for children, providers and placements.

List views are configuration (table, filter, queryset from a selector); the
rules and the writes live in ``rules``, ``selectors`` and the models' ``clean``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.generic import CreateView, DetailView, FormView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from placements import exports, rules, selectors, worklists
from placements.coverage import data_coverage
from placements.imports import quality
from placements.edit_guard import EditGuardMixin
from placements.filtersets import ChildFilter, PlacementFilter, ProviderFilter
from placements.forms import (
    ChildForm,
    CostLineEndForm,
    CostLineForm,
    DeprivationOfLibertyForm,
    PlacementForm,
    ProviderForm,
)
from placements.models import Child, CostLine, Placement, Provider, RegisterEntry
from placements.register import ratings
from placements.register import search as register_search
from placements.tables import ChildTable, CostLineTable, PlacementTable, ProviderTable


class ListPage(PermissionRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """A sortable, filterable, paginated table exporting the same rows to CSV and Excel."""

    template_name = "list.html"
    paginate_by = 50
    export_formats = ("csv", "xlsx")
    export_class = exports.SafeTableExport  # text stays text in every download (placements.exports)
    title = ""
    add_url_name = ""
    add_permission = ""

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value as shown) for each filter in use, so a printout says what it holds."""
        form = self.filterset.form
        if not form.is_valid():
            return []
        shown = []
        for name in form.changed_data:
            field, value = form.fields[name], form.cleaned_data[name]
            if value in (None, ""):
                continue
            choices = dict(getattr(field, "choices", ()))
            shown.append((str(field.label), str(choices.get(value, value))))
        return shown

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def create_export(self, export_format):
        """A large list downloads as CSV a row at a time (placements.exports.streamed_csv)."""
        if export_format == "csv":
            table = self.get_table(**self.get_table_kwargs())
            queryset = exports.large_queryset(table)
            if queryset is not None:
                return exports.streamed_csv(table, queryset, self.get_export_filename(export_format),
                                            byte_order_mark=False)
        return super().create_export(export_format)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["title_lower"] = self.title.lower()
        table = context.get("table")
        context["sort_hidden"] = [(table.prefixed_order_by_field, str(table.order_by))] if table and table.order_by else []
        context["active_filters"] = self.active_filters()
        if self.add_url_name and self.request.user.has_perm(self.add_permission):
            context["add_url_name"] = self.add_url_name
        return context


def home(request):
    """Each role's work first (placements.worklists), then the authority's figures."""
    today = timezone.localdate()
    coverage = data_coverage(today)
    roles = worklists.roles_of(request.user)
    sections = {
        worklists.OFFICER: lambda: worklists.officer_worklist(request.user, today, coverage.as_at),
        worklists.DIRECTOR: lambda: worklists.director_worklist(today, coverage.as_at,
                                                                 coverage.last_complete_week_ending()),
        worklists.CHAIR: lambda: worklists.chair_worklist(today),
        worklists.MEMBER: lambda: worklists.member_worklist(today),
        worklists.MANAGER: lambda: worklists.manager_worklist(coverage.as_at),
    }
    return render(request, "home.html", {
        "figures": selectors.headline_figures(coverage.as_at), "coverage": coverage,
        "costs_recorded": coverage.costs_recorded, "today": today,
        "work": {role: sections[role]() for role in roles},
        "emergency_flag_days": worklists.EMERGENCY_FLAG_DAYS, "ending_soon_days": worklists.ENDING_SOON_DAYS})


# --- Children ------------------------------------------------------------------


class ChildList(ListPage):
    permission_required = "placements.view_child"
    table_class = ChildTable
    filterset_class = ChildFilter
    export_name = "children"
    title = "Children"
    add_url_name = "child_create"
    add_permission = "placements.add_child"

    def get_queryset(self):
        return selectors.child_list(timezone.localdate())


class ChildDetail(PermissionRequiredMixin, DetailView):
    permission_required = "placements.view_child"
    template_name = "placements/child_detail.html"

    def get_queryset(self):
        return selectors.child_detail(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        child = self.object
        today = timezone.localdate()
        placements = list(child.placements.all())
        context.update(
            today=today,
            age=child.age_on(today),
            eighteenth_birthday=rules.eighteenth_birthday(child.date_of_birth),
            # The stored segments: the child's legal-status periods count too (placements.care).
            looked_after=child.care_segments.filter(selectors.covering(today)).exists(),
            placements=[
                {
                    "placement": p,
                    "weekly_cost_today": p.weekly_cost_on(today),
                    "cost_history": selectors.weekly_cost_history(p, today),
                    "cost_lines": p.cost_lines.all(),
                }
                for p in placements
            ],
            entered_care=min((p.start for p in placements), default=None),
            **quality.episode_context(child.pk),
            # The panel app adds these relations; reading them by name keeps placements free of panel imports.
            panel_history=(
                child.panel_reviews.filter(removed=False).exclude(meeting__status="cancelled")
                .select_related("meeting").prefetch_related("actions").order_by("-meeting__date")
                if self.request.user.has_perm("panel.view_panelreview") else None
            ),
            consolidation_meetings=child.consolidation_meetings.order_by("-date")
            if self.request.user.has_perm("panel.view_consolidationmeeting") else None,
            # Issue 16, item 6: the child's searches, cost avoidance and spend, above their placements.
            searches=child.searches.select_related("officer").order_by("-received", "-pk")
            if self.request.user.has_perm("placements.view_placementsearch") else None,
            cost_avoidance=child.cost_avoidance.order_by("-date_agreed", "-pk")
            if self.request.user.has_perm("placements.view_costavoidance") else None,
            spend=selectors.child_spend(child, today),
        )
        return context


class ChildCreate(PermissionRequiredMixin, CreateView):
    permission_required = "placements.add_child"
    model = Child
    form_class = ChildForm
    template_name = "form.html"
    extra_context = {"title": "Add a child"}

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.full_name} has been added.")
        return super().form_valid(form)


class ChildUpdate(PermissionRequiredMixin, EditGuardMixin, UpdateView):
    permission_required = "placements.change_child"
    model = Child
    form_class = ChildForm
    template_name = "form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Change {self.object.full_name}'s details", back_url=self.object.get_absolute_url(), **kwargs)

    def form_valid(self, form):
        messages.success(self.request, "The child's details have been saved.")
        return super().form_valid(form)


class ChildFormPage(PermissionRequiredMixin, FormView):
    """A form that adds a record belonging to one child."""

    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        self.child = get_object_or_404(Child, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "child": self.child}

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.child.get_absolute_url(), caption=self.child.full_name, **kwargs)


class PlacementCreate(ChildFormPage):
    permission_required = "placements.add_placement"
    form_class = PlacementForm
    extra_context = {"title": "Add a placement"}

    def form_valid(self, form):
        placement = form.save()
        messages.success(self.request, "The placement has been added. Now add its cost lines.")
        return redirect(placement)


class DeprivationOfLibertyCreate(ChildFormPage):
    permission_required = "placements.add_deprivationofliberty"
    form_class = DeprivationOfLibertyForm
    extra_context = {"title": "Record a Deprivation of Liberty order"}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "The order has been recorded.")
        return redirect(self.child)


# --- Providers -----------------------------------------------------------------


class ProviderList(ListPage):
    permission_required = "placements.view_provider"
    table_class = ProviderTable
    filterset_class = ProviderFilter
    export_name = "providers"
    title = "Providers"
    template_name = "placements/provider_list.html"
    add_url_name = "provider_create"
    add_permission = "placements.add_provider"

    def get_queryset(self):
        return selectors.provider_list(timezone.localdate())


class ProviderDetail(PermissionRequiredMixin, DetailView):
    permission_required = "placements.view_provider"
    template_name = "placements/provider_detail.html"

    def get_queryset(self):
        return selectors.provider_detail(self.kwargs["pk"], timezone.localdate())

    def get_context_data(self, **kwargs):
        # Ofsted's register entry and ratings, through the provider's URN (placements.register.ratings).
        return super().get_context_data(register_entry=ratings.entry_of(self.object),
                                        inspections=ratings.inspections_of(self.object), **kwargs)


class ProviderCreate(PermissionRequiredMixin, CreateView):
    """Adding a provider to the list starts from Ofsted's register: a search (a plain GET form) lists entries,
    and "Use this provider" fills the form from one (``?use=<URN>``)."""

    permission_required = "placements.add_provider"
    model = Provider
    form_class = ProviderForm
    template_name = "register/provider_create.html"
    extra_context = {"title": "Add a provider"}

    def chosen_entry(self):
        urn = self.request.GET.get("use", "")
        return RegisterEntry.objects.filter(urn=ratings.normal_urn(urn)).first() if urn.strip() else None

    def get_initial(self):
        entry = self.chosen_entry()
        return {**super().get_initial(), **(register_search.provider_fields(entry) if entry else {})}

    def get_context_data(self, **kwargs):
        text = self.request.GET.get("find", "").strip()
        found = list(register_search.matching(text).annotate(
            listed_id=Subquery(Provider.objects.filter(urn=OuterRef("urn")).values("pk")[:1]))[:register_search.SHOWN + 1]
        ) if text else []
        return super().get_context_data(
            find=text, found=found[:register_search.SHOWN], more_found=len(found) > register_search.SHOWN,
            chosen=self.chosen_entry(), **kwargs)


class ProviderUpdate(PermissionRequiredMixin, EditGuardMixin, UpdateView):
    permission_required = "placements.change_provider"
    model = Provider
    form_class = ProviderForm
    template_name = "form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Change {self.object.name}", back_url=self.object.get_absolute_url(), **kwargs)


# --- Placements ------------------------------------------------------------------


class PlacementList(ListPage):
    permission_required = "placements.view_placement"
    table_class = PlacementTable
    filterset_class = PlacementFilter
    export_name = "placements"
    title = "Placements"

    def get_queryset(self):
        return selectors.placement_list(timezone.localdate())


class PlacementDetail(PermissionRequiredMixin, DetailView):
    permission_required = "placements.view_placement"
    template_name = "placements/placement_detail.html"

    def get_queryset(self):
        return selectors.placement_detail(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        placement = self.object
        today = timezone.localdate()
        context.update(
            today=today,
            weekly_cost_today=placement.weekly_cost_on(today),
            cost_history=selectors.weekly_cost_history(placement, today),
            cost_line_table=CostLineTable(placement.cost_lines.all()),
            cost_lines=placement.cost_lines.all(),
            **quality.episode_context(placement.child_id, placement.pk),
        )
        return context


class PlacementUpdate(PermissionRequiredMixin, EditGuardMixin, UpdateView):
    permission_required = "placements.change_placement"
    model = Placement
    form_class = PlacementForm
    template_name = "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "child": self.object.child}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title="Change a placement", caption=self.object.child.full_name, back_url=self.object.get_absolute_url(), **kwargs
        )

    @transaction.atomic
    def form_valid(self, form):
        placement = form.save()
        if placement.end:
            # Lines still running when the child left stop on the day they left (saved one by one for the audit trail).
            for line in placement.cost_lines.filter(date_to__isnull=True):
                line.date_to = placement.end
                line.save(update_fields=["date_to"])
        messages.success(self.request, "The placement has been saved.")
        return redirect(placement)


class PlacementFormPage(PermissionRequiredMixin, FormView):
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        self.placement = get_object_or_404(Placement.objects.select_related("child"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_url=self.placement.get_absolute_url(), caption=self.placement.child.full_name, **kwargs
        )


class CostLineCreate(PlacementFormPage):
    permission_required = "placements.add_costline"
    form_class = CostLineForm
    extra_context = {"title": "Add a cost line"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "placement": self.placement}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "The cost line has been added.")
        return redirect(self.placement)


class CostLineEnd(PermissionRequiredMixin, FormView):
    permission_required = "placements.change_costline"
    form_class = CostLineEndForm
    template_name = "form.html"
    extra_context = {"title": "End a cost line"}

    def dispatch(self, request, *args, **kwargs):
        self.cost_line = get_object_or_404(CostLine.objects.select_related("placement__child"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cost_line": self.cost_line}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_url=self.cost_line.placement.get_absolute_url(), caption=str(self.cost_line), **kwargs
        )

    def form_valid(self, form):
        self.cost_line.date_to = form.cleaned_data["date_to"]
        self.cost_line.save(update_fields=["date_to"])  # a save, not an update(): the audit trail sees it
        messages.success(self.request, "The cost line has been ended. Add a new line for the new cost.")
        return redirect(self.cost_line.placement)

