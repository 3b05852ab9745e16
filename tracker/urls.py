from django.urls import path

from tracker import views

urlpatterns = [
    path("weekly/", views.WeeklyTrackerView.as_view(), name="tracker_weekly"),
    path("unregulated/", views.UnregulatedReportView.as_view(), name="tracker_unregulated"),
    path("residential/", views.ResidentialTrackerView.as_view(), name="tracker_residential"),
]
