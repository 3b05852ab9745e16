"""The weekly placement tracker, the weekly unregulated report and the monthly residential tracker."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import CreateView, TemplateView, UpdateView
from django_tables2 import RequestConfig, SingleTableMixin

from placements import exports as files
from placements import freshness
from placements import rules as placement_rules
from placements.keyset import CountedPaginator, KeysetPaginator
from placements.coverage import data_coverage
from tracker import dashboard, exports, report_pages, selectors, weekly_page
from tracker.filtersets import WeeklyPlacementFilter
from tracker.forms import BudgetForm, DashboardForm, MonthForm, WeekForm
from tracker.models import Budget
from tracker.tables import BudgetTable


def paginate(request, named_tables, counts: dict[str, int | None] | None = None,
             keys: dict[str, tuple[str, ...]] | None = None) -> None:
    """A page of 100 rows of each table on the page (downloads keep every row); each table has its own
    page number in the address (``starts-page=2``), so paging one leaves the others where they are.
    ``counts``: the number of rows of a table, where it is known already; ``keys``: the key whose order an
    index serves, for a table whose pages in that order are found by key (``placements.keyset``)."""
    for index, named in enumerate(named_tables):
        if index:
            named.table.prefix = f"{named.name}-"
        options = {"per_page": 100, "paginator_class": CountedPaginator,
                   "known_count": (counts or {}).get(named.name)}
        if named.name in (keys or {}):
            options.update(paginator_class=KeysetPaginator, key=keys[named.name])
        RequestConfig(request, paginate=options).configure(named.table)


class TrackerPage(PermissionRequiredMixin, TemplateView):
    """A tracker page: its tables, each downloadable as CSV or Excel, and all of them as one workbook."""

    permission_required = "placements.view_placement"
    file_stem = ""

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        named_tables = context["tables"]
        export_format = request.GET.get("_export")
        if not export_format:
            return self.render_to_response(context)
        stem = f"{self.file_stem}-{context['period_slug']}"
        # A filter on the page filters some of its tables: the files say so, in their names and inside.
        filters = context.get("filters_used", [])
        filtered = context.get("filtered_tables", set()) if filters else set()
        if export_format == "workbook":
            if filtered:
                stem = f"{stem}-{exports.filtered_slug(filters)}"[:150]
            about = exports.workbook_about(context["title"], named_tables, filters, filtered) if filtered else None
            return files.download(files.workbook(named_tables, about=about), f"{stem}.xlsx", files.XLSX)
        wanted = {named.name: named for named in named_tables}.get(request.GET.get("table", ""))
        if wanted is None or export_format not in ("csv", "xlsx"):
            raise Http404("There is no such download.")
        stem = f"{stem}-{wanted.name}"
        if wanted.name in filtered:
            stem = f"{stem}-{exports.filtered_slug(filters)}"[:150]
        return files.table_download(wanted, export_format, stem)


class WeeklyTrackerView(TrackerPage):
    template_name = "tracker/weekly.html"
    file_stem = "weekly-tracker"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WeekForm(self.request.GET or None)
        coverage = data_coverage(timezone.localdate())
        week_ending = form.week_ending_or(coverage.last_complete_week_ending())
        if self.request.GET.get("_export"):  # a download: the tables themselves, every row
            named_tables, placement_filter = weekly_page.weekly_tables(self.request, week_ending)
            tracker = None
        else:  # the page: its tables written, remembered until the data changes
            tracker = weekly_page.weekly_page(self.request, week_ending)
            placement_filter = WeeklyPlacementFilter(self.request.GET,
                                                     queryset=selectors.open_placements(week_ending))
            named_tables = []
        context.update(
            title=f"Weekly placement tracker, week ending {week_ending:%-d %B %Y}",
            coverage=coverage, costs_recorded=coverage.costs_recorded,
            form=form,
            filter=placement_filter,
            tracker=tracker,
            tables=named_tables,
            period_slug=week_ending.isoformat(),
            previous_week=week_ending - timedelta(days=7),
            next_week=week_ending + timedelta(days=7),
            monday=week_ending - timedelta(days=6),
            week_hidden=[("week_ending", week_ending.isoformat())],
            filters_used=exports.active_filters(placement_filter), filtered_tables={"placements"},
            clear_url=f"{self.request.path}?week_ending={week_ending.isoformat()}",
        )
        return context


class UnregulatedReportView(TrackerPage):
    template_name = "tracker/unregulated.html"
    file_stem = "unregulated-report"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WeekForm(self.request.GET or None)
        coverage = data_coverage(timezone.localdate())
        week_ending = form.week_ending_or(coverage.last_complete_week_ending())
        if self.request.GET.get("_export"):  # a download: the table itself, every row
            named_tables, report = report_pages.unregulated_tables(self.request, week_ending), None
        else:  # the page: its table written, remembered until the data changes
            named_tables, report = [], report_pages.unregulated_page(self.request, week_ending)
        context.update(
            title=f"Weekly unregulated report, week ending {week_ending:%-d %B %Y}",
            coverage=coverage,
            form=form,
            tables=named_tables,
            report=report,
            week_ending=week_ending,
            period_slug=week_ending.isoformat(),
            previous_week=week_ending - timedelta(days=7),
            next_week=week_ending + timedelta(days=7),
        )
        if report is not None:
            context.update(total=report.total, under_16=report.under_16, dol_16_17=report.dol_16_17,
                           changes=report.changes)
        return context


class ResidentialTrackerView(TrackerPage):
    template_name = "tracker/residential.html"
    file_stem = "residential-tracker"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = data_coverage(timezone.localdate())
        as_at = coverage.as_at
        form = MonthForm(self.request.GET or None)
        year, month = form.month_or(coverage.last_complete_month())  # never a month with one day in it
        if self.request.GET.get("_export"):  # a download: the tables themselves, every row
            tracker = selectors.residential_tracker(year, month, as_at)
            named_tables = report_pages.residential_tables(self.request, tracker)
            children = tracker.costs.placements
        else:  # the page: its tables written, remembered until the data changes
            tracker = report_pages.residential_page(self.request, year, month, as_at)
            named_tables, children = [], tracker.children
        previous = placement_rules.add_months(tracker.month_start, -1)
        following = placement_rules.add_months(tracker.month_start, 1)
        context.update(
            title=f"Monthly residential tracker, {tracker.month_start:%B %Y}",
            coverage=coverage,
            form=form,
            tracker=tracker,
            tables=named_tables,
            children=children,
            period_slug=f"{tracker.month_start:%Y-%m}",
            previous_month=f"{previous:%Y-%m}",
            next_month=f"{following:%Y-%m}",
        )
        return context


class DashboardView(TrackerPage):
    """The demand and cost dashboard: every chart with its numbers beneath, for one period and category."""

    template_name = "tracker/dashboard.html"
    file_stem = "dashboard"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = data_coverage(timezone.localdate())
        form = DashboardForm(self.request.GET or None)
        first, last, category = form.period(coverage.as_at)  # no month after the data ends
        figures = freshness.remembered("dashboard", dashboard.dashboard_figures, first, last, category)
        context.update(
            title="Demand and cost dashboard", coverage=coverage, form=form, charts=figures.charts,
            tables=[c.table for c in figures.charts], first=first, last=last, on=last, category=category,
            category_label=dashboard.category_label(category), measures=figures.measures,
            unsettled=figures.unsettled, unsettled_count=figures.unsettled_count,
            period_slug=f"{first:%Y-%m}-to-{last:%Y-%m}",
        )
        if category:
            # Every chart's numbers are of the category, but new residential placements (residential whatever
            # is chosen): the workbook says which sheets the category narrows.
            context.update(filters_used=[(str(form.fields["category"].label), context["category_label"])],
                           filtered_tables={c.table.name for c in figures.charts} - {"new-residential"})
        return context


class BudgetList(PermissionRequiredMixin, SingleTableMixin, TemplateView):
    permission_required = "tracker.view_budget"
    template_name = "tracker/budgets.html"
    table_class = BudgetTable

    def get_table_data(self):
        return Budget.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Placement budgets", **kwargs)


class BudgetCreate(PermissionRequiredMixin, CreateView):
    permission_required = "tracker.add_budget"
    model = Budget
    form_class = BudgetForm
    template_name = "form.html"
    extra_context = {"title": "Enter a budget", "back_url": "/tracker/budgets/"}
    success_url = reverse_lazy("tracker_budgets")


class BudgetUpdate(PermissionRequiredMixin, UpdateView):
    permission_required = "tracker.change_budget"
    model = Budget
    form_class = BudgetForm
    template_name = "form.html"
    extra_context = {"title": "Change a budget", "back_url": "/tracker/budgets/"}
    success_url = reverse_lazy("tracker_budgets")
