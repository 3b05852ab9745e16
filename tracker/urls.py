from django.urls import path

from tracker import views

urlpatterns = [
    path("weekly/", views.WeeklyTrackerView.as_view(), name="tracker_weekly"),
    path("unregulated/", views.UnregulatedReportView.as_view(), name="tracker_unregulated"),
    path("residential/", views.ResidentialTrackerView.as_view(), name="tracker_residential"),
    path("dashboard/", views.DashboardView.as_view(), name="tracker_dashboard"),
    path("budgets/", views.BudgetList.as_view(), name="tracker_budgets"),
    path("budgets/new/", views.BudgetCreate.as_view(), name="tracker_budget_create"),
    path("budgets/<int:pk>/edit/", views.BudgetUpdate.as_view(), name="tracker_budget_update"),
]
