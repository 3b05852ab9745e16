from django.urls import path

from audit import views

urlpatterns = [
    path("", views.ChangeTrail.as_view(), name="audit_changes"),
    path("views/", views.AccessTrail.as_view(), name="audit_access"),
]
