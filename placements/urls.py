from django.urls import path

from placements import views

urlpatterns = [
    path("", views.home, name="home"),
    path("children/", views.ChildList.as_view(), name="child_list"),
    path("children/new/", views.ChildCreate.as_view(), name="child_create"),
    path("children/<int:pk>/", views.ChildDetail.as_view(), name="child_detail"),
    path("children/<int:pk>/edit/", views.ChildUpdate.as_view(), name="child_update"),
    path("children/<int:pk>/placements/new/", views.PlacementCreate.as_view(), name="placement_create"),
    path("children/<int:pk>/dol-orders/new/", views.DeprivationOfLibertyCreate.as_view(), name="dol_create"),
    path("providers/", views.ProviderList.as_view(), name="provider_list"),
    path("providers/new/", views.ProviderCreate.as_view(), name="provider_create"),
    path("providers/<int:pk>/", views.ProviderDetail.as_view(), name="provider_detail"),
    path("providers/<int:pk>/edit/", views.ProviderUpdate.as_view(), name="provider_update"),
    path("placements/", views.PlacementList.as_view(), name="placement_list"),
    path("placements/<int:pk>/", views.PlacementDetail.as_view(), name="placement_detail"),
    path("placements/<int:pk>/edit/", views.PlacementUpdate.as_view(), name="placement_update"),
    path("placements/<int:pk>/cost-lines/new/", views.CostLineCreate.as_view(), name="cost_line_create"),
    path("cost-lines/<int:pk>/end/", views.CostLineEnd.as_view(), name="cost_line_end"),
]
