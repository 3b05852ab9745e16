"""The forecast page, the saved scenarios (list, make, compare with the baseline) and the places held."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.http import Http404
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView
from django_tables2 import RequestConfig, SingleTableMixin

from placements import exports as files
from placements.coverage import data_coverage
from placements.rules import financial_year_label, financial_year_start
from tracker.forecast import charts, costs
from tracker.forecast.forms import UPLIFTS, CapacityForm, ForecastForm, ScenarioForm
from tracker.forecast.report import DEFAULT_MONTHS, DEFAULT_REFERENCE_MONTHS, forecast_report_remembered
from tracker.forecast.tables import PlacementCapacityTable, ScenarioTable
from tracker.models import PlacementCapacity, Scenario


def _download(request, named_tables, stem: str):
    """``?_export=workbook`` for every table, ``?_export=csv|xlsx&table=name`` for one; None without."""
    export_format = request.GET.get("_export")
    if not export_format:
        return None
    if export_format == "workbook":
        return files.download(files.workbook(named_tables), f"{stem}.xlsx", files.XLSX)
    wanted = {named.name: named for named in named_tables}.get(request.GET.get("table", ""))
    if wanted is None or export_format not in ("csv", "xlsx"):
        raise Http404("There is no such download.")
    return files.table_download(wanted, export_format, f"{stem}-{wanted.name}")


def _all_tables(chart_list) -> list:
    return [named for chart in chart_list for named in (chart.table, *chart.more_tables)]


#: Rows of a long table shown on the page at once (its download keeps every row).
PAGE_ROWS = 60


def _paginate(request, chart_list) -> None:
    """Each table under a chart pages on its own (``monthly-page=2``), as the trackers' tables do."""
    for named in _all_tables(chart_list):
        named.table.prefix = f"{named.name}-"
        RequestConfig(request, paginate={"per_page": PAGE_ROWS}).configure(named.table)


class ForecastView(PermissionRequiredMixin, TemplateView):
    """The sufficiency forecast: children by category with intervals, the backtest, cost against budget,
    and the places held against demand; for the baseline or a saved scenario."""

    permission_required = "placements.view_placement"
    template_name = "tracker/forecast.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        response = _download(request, _all_tables(context["charts"]), context["file_stem"])
        if response:
            return response
        _paginate(request, context["charts"])
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = data_coverage(timezone.localdate())
        form = ForecastForm(self.request.GET or None)
        months, reference_months, scenario = form.choices()
        settings = scenario.scenario_settings if scenario else None
        report = forecast_report_remembered(as_at=coverage.as_at, return_years=coverage.return_years, months=months,
                                            reference_months=reference_months, settings=settings)
        report.scenario_name = scenario.name if scenario else ""
        chart_list = charts.report_charts(report) if report.enough else []
        context.update(
            in_year=costs.in_year_budget_forecast(coverage.as_at), in_year_label=financial_year_label(
                financial_year_start(coverage.as_at).year),
            title="Sufficiency forecast" + (f": scenario “{scenario.name}”" if scenario else ""),
            coverage=coverage, form=form, report=report, charts=chart_list, scenario=scenario,
            file_stem=f"forecast-{coverage.as_at:%Y-%m-%d}" + (f"-scenario-{scenario.pk}" if scenario else ""),
        )
        return context


class ScenarioList(PermissionRequiredMixin, SingleTableMixin, TemplateView):
    permission_required = "tracker.view_scenario"
    template_name = "tracker/scenarios.html"
    table_class = ScenarioTable
    table_pagination = {"per_page": 100}

    def get_table_data(self):
        return Scenario.objects.select_related("author")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Forecast scenarios", **kwargs)


class ScenarioCreate(PermissionRequiredMixin, CreateView):
    permission_required = "tracker.add_scenario"
    model = Scenario
    form_class = ScenarioForm
    template_name = "tracker/scenario_form.html"
    extra_context = {"title": "Make a forecast scenario", "uplift_names": [name for name, _, _ in UPLIFTS]}

    def form_valid(self, form):
        form.instance.author = self.request.user
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, f"Scenario “{self.object.name}” saved.")
        return response


class ScenarioDetail(PermissionRequiredMixin, DetailView):
    """A scenario beside the baseline: the comparison by year, then the scenario's own charts."""

    permission_required = "tracker.view_scenario"
    model = Scenario
    template_name = "tracker/scenario.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object)
        response = _download(request, _all_tables(context["charts"]), f"scenario-{self.object.pk}")
        if response:
            return response
        _paginate(request, context["charts"])
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = data_coverage(timezone.localdate())
        common = dict(as_at=coverage.as_at, return_years=coverage.return_years, months=DEFAULT_MONTHS,
                      reference_months=DEFAULT_REFERENCE_MONTHS)
        baseline = forecast_report_remembered(**common)
        scenario = forecast_report_remembered(**common, settings=self.object.scenario_settings)
        scenario.scenario_name = self.object.name
        chart_list = []
        if baseline.enough:
            scenario_charts = charts.report_charts(scenario)
            chart_list = [charts.comparison_chart(baseline, scenario, self.object.name),
                          *[chart for chart in scenario_charts if chart.id != "backtest"]]
            for chart in chart_list[1:]:
                chart.id = f"scenario-{chart.id}"
        context.update(title=f"Scenario “{self.object.name}”", coverage=coverage, report=baseline,
                       charts=chart_list, changes=self.object.scenario_settings.describe())
        return context


class CapacityList(PermissionRequiredMixin, SingleTableMixin, TemplateView):
    permission_required = "tracker.view_placementcapacity"
    template_name = "tracker/capacity.html"
    table_class = PlacementCapacityTable

    def get_table_data(self):
        return PlacementCapacity.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Places held", **kwargs)


class CapacityCreate(PermissionRequiredMixin, CreateView):
    permission_required = "tracker.change_placementcapacity"
    model = PlacementCapacity
    form_class = CapacityForm
    template_name = "form.html"
    extra_context = {"title": "Record the places held in a category", "back_url": "/tracker/forecast/capacity/"}
    success_url = reverse_lazy("tracker_capacity")


class CapacityUpdate(PermissionRequiredMixin, UpdateView):
    permission_required = "tracker.change_placementcapacity"
    model = PlacementCapacity
    form_class = CapacityForm
    template_name = "form.html"
    extra_context = {"title": "Change the places held", "back_url": "/tracker/forecast/capacity/"}
    success_url = reverse_lazy("tracker_capacity")
