from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Placements administration"
admin.site.site_title = "Placements"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("tracker/", include("tracker.urls")),
    path("panel/", include("panel.urls")),
    path("audit/", include("audit.urls")),
    path("", include("placements.urls")),
]
