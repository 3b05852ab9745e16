from django.urls import path

from tracker import views
from tracker.forecast import views as forecast_views

urlpatterns = [
    path("weekly/", views.WeeklyTrackerView.as_view(), name="tracker_weekly"),
    path("unregulated/", views.UnregulatedReportView.as_view(), name="tracker_unregulated"),
    path("residential/", views.ResidentialTrackerView.as_view(), name="tracker_residential"),
    path("dashboard/", views.DashboardView.as_view(), name="tracker_dashboard"),
    path("budgets/", views.BudgetList.as_view(), name="tracker_budgets"),
    path("budgets/new/", views.BudgetCreate.as_view(), name="tracker_budget_create"),
    path("budgets/<int:pk>/edit/", views.BudgetUpdate.as_view(), name="tracker_budget_update"),
    path("forecast/", forecast_views.ForecastView.as_view(), name="tracker_forecast"),
    path("forecast/scenarios/", forecast_views.ScenarioList.as_view(), name="tracker_scenarios"),
    path("forecast/scenarios/new/", forecast_views.ScenarioCreate.as_view(), name="tracker_scenario_create"),
    path("forecast/scenarios/<int:pk>/", forecast_views.ScenarioDetail.as_view(), name="tracker_scenario"),
    path("forecast/capacity/", forecast_views.CapacityList.as_view(), name="tracker_capacity"),
    path("forecast/capacity/new/", forecast_views.CapacityCreate.as_view(), name="tracker_capacity_create"),
    path("forecast/capacity/<int:pk>/edit/", forecast_views.CapacityUpdate.as_view(), name="tracker_capacity_update"),
]
