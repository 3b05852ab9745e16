"""The weekly placement tracker, the weekly unregulated report and the monthly residential tracker."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from placements import exports as files
from placements import rules as placement_rules
from tracker import exports, rules, selectors
from tracker.filtersets import WeeklyPlacementFilter
from tracker.forms import MonthForm, WeekForm


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
        if export_format == "workbook":
            return files.download(files.workbook(named_tables), f"{stem}.xlsx", files.XLSX)
        wanted = {named.name: named for named in named_tables}.get(request.GET.get("table", ""))
        if wanted is None or export_format not in ("csv", "xlsx"):
            raise Http404("There is no such download.")
        return files.table_download(wanted, export_format, f"{stem}-{wanted.name}")


class WeeklyTrackerView(TrackerPage):
    template_name = "tracker/weekly.html"
    file_stem = "weekly-tracker"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WeekForm(self.request.GET or None)
        week_ending = form.week_ending_or(rules.last_complete_week_ending(timezone.localdate()))
        tracker = selectors.weekly_tracker(week_ending)
        placement_filter = WeeklyPlacementFilter(self.request.GET, queryset=selectors.open_placements(week_ending))
        named_tables = exports.weekly_tables(tracker, placement_filter.qs)
        RequestConfig(self.request, paginate={"per_page": 100}).configure(named_tables[0].table)
        context.update(
            title=f"Weekly placement tracker, week ending {week_ending:%-d %B %Y}",
            form=form,
            filter=placement_filter,
            tracker=tracker,
            tables=named_tables,
            period_slug=week_ending.isoformat(),
            previous_week=week_ending - timedelta(days=7),
            next_week=week_ending + timedelta(days=7),
            monday=week_ending - timedelta(days=6),
        )
        return context


class UnregulatedReportView(TrackerPage):
    template_name = "tracker/unregulated.html"
    file_stem = "unregulated-report"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WeekForm(self.request.GET or None)
        week_ending = form.week_ending_or(rules.last_complete_week_ending(timezone.localdate()))
        named_tables = exports.unregulated_tables(week_ending)
        placements = list(named_tables[0].table.data)
        flags = [selectors.unregulated_flag(p, week_ending) for p in placements]
        context.update(
            title=f"Weekly unregulated report, week ending {week_ending:%-d %B %Y}",
            form=form,
            tables=named_tables,
            total=len(placements),
            under_16=flags.count(selectors.UNDER_16),
            dol_16_17=flags.count(selectors.DOL_16_17),
            week_ending=week_ending,
            period_slug=week_ending.isoformat(),
            previous_week=week_ending - timedelta(days=7),
            next_week=week_ending + timedelta(days=7),
        )
        return context


class ResidentialTrackerView(TrackerPage):
    template_name = "tracker/residential.html"
    file_stem = "residential-tracker"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = MonthForm(self.request.GET or None)
        year, month = form.month_or((today.year, today.month))
        tracker = selectors.residential_tracker(year, month, today)
        named_tables = exports.residential_tables(tracker)
        previous = placement_rules.add_months(tracker.month_start, -1)
        following = placement_rules.add_months(tracker.month_start, 1)
        context.update(
            title=f"Monthly residential tracker, {tracker.month_start:%B %Y}",
            form=form,
            tracker=tracker,
            tables=named_tables,
            children=len(tracker.placements),
            period_slug=f"{tracker.month_start:%Y-%m}",
            previous_month=f"{previous:%Y-%m}",
            next_month=f"{following:%Y-%m}",
        )
        return context
