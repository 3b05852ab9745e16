from django.urls import path

from placements import import_views, views

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

# Data in (SPEC section 5) and what needs a person afterwards.
urlpatterns += [
    path("imports/", import_views.ImportUploadPage.as_view(), name="import_upload"),
    path("imports/<str:token>/", import_views.ImportPreview.as_view(), name="import_preview"),
    path("imports/<str:token>/confirm/", import_views.ImportConfirm.as_view(), name="import_confirm"),
    path("imports/<str:token>/bad-rows.csv", import_views.ImportErrorsCsv.as_view(), name="import_errors"),
    path("data-quality/", import_views.DataQuality.as_view(), name="data_quality"),
]
