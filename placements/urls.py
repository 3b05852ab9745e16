from django.urls import path

from placements.register import views as register_views
from placements import approval_views, framework_views, import_history_views, import_views, search_views, views

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
    path("providers/register/", register_views.RegisterList.as_view(), name="register_list"),
    path("providers/register/<int:pk>/", register_views.RegisterEntryDetail.as_view(), name="register_entry"),
    path("placements/", views.PlacementList.as_view(), name="placement_list"),
    path("placements/<int:pk>/", views.PlacementDetail.as_view(), name="placement_detail"),
    path("placements/<int:pk>/edit/", views.PlacementUpdate.as_view(), name="placement_update"),
    path("placements/<int:pk>/cost-lines/new/", views.CostLineCreate.as_view(), name="cost_line_create"),
    path("cost-lines/<int:pk>/end/", views.CostLineEnd.as_view(), name="cost_line_end"),
]

# Frameworks, set up by the commissioning hub manager.
urlpatterns += [
    path("frameworks/", framework_views.FrameworkList.as_view(), name="framework_list"),
    path("frameworks/new/", framework_views.FrameworkCreate.as_view(), name="framework_create"),
    path("frameworks/<int:pk>/", framework_views.FrameworkDetail.as_view(), name="framework_detail"),
    path("frameworks/<int:pk>/edit/", framework_views.FrameworkUpdate.as_view(), name="framework_update"),
    path("frameworks/<int:pk>/uplifts/new/", framework_views.UpliftCreate.as_view(), name="framework_uplift_create"),
    path("frameworks/<int:pk>/members/new/", framework_views.MembershipCreate.as_view(),
         name="framework_member_create"),
    path("frameworks/members/<int:pk>/edit/", framework_views.MembershipUpdate.as_view(),
         name="framework_member_update"),
]

# Data in (SPEC section 5) and what needs a person afterwards.
urlpatterns += [
    path("imports/", import_views.ImportUploadPage.as_view(), name="import_upload"),
    path("imports/examples/<int:pk>/", import_views.ImportExample.as_view(), name="import_example"),
    path("imports/history/", import_history_views.ImportHistory.as_view(), name="import_history"),
    path("imports/history/<int:pk>/", import_history_views.ImportRecordDetail.as_view(), name="import_record"),
    path("imports/history/<int:pk>/undo/", import_history_views.ImportUndo.as_view(), name="import_undo"),
    path("imports/<str:token>/", import_views.ImportPreview.as_view(), name="import_preview"),
    path("imports/<str:token>/confirm/", import_views.ImportConfirm.as_view(), name="import_confirm"),
    path("imports/<str:token>/bad-rows.csv", import_views.ImportErrorsCsv.as_view(), name="import_errors"),
    path("data-quality/", import_views.DataQuality.as_view(), name="data_quality"),
]

# The officer's working day: searches from PRF to move-in, and cost avoidance.
urlpatterns += [
    path("placements/searches/", search_views.SearchList.as_view(), name="search_list"),
    path("placements/searches/new/", search_views.SearchCreate.as_view(), name="search_create"),
    path("placements/searches/<int:pk>/", search_views.SearchDetail.as_view(), name="search_detail"),
    path("placements/searches/<int:pk>/approval/", approval_views.ApprovalPage.as_view(), name="search_approval"),
    path("placements/searches/<int:pk>/move/", search_views.SearchMove.as_view(), name="search_move"),
    path("placements/searches/<int:pk>/note/", search_views.SearchNote.as_view(), name="search_note"),
    path("placements/searches/<int:pk>/offers/", search_views.OfferAdd.as_view(), name="offer_add"),
    path("placements/searches/<int:pk>/offers/<int:offer>/choose/", search_views.OfferChoose.as_view(),
         name="offer_choose"),
    path("placements/searches/<int:pk>/offers/<int:offer>/withdrawn/", search_views.OfferDecline.as_view(),
         name="offer_decline"),
    path("placements/searches/<int:pk>/offers/<int:offer>/negotiate/", search_views.OfferNegotiate.as_view(),
         name="offer_negotiate"),
    path("placements/searches/<int:pk>/place/", search_views.SearchPlace.as_view(), name="search_place"),
    path("placements/cost-avoidance/", search_views.CostAvoidanceLog.as_view(), name="cost_avoidance"),
    path("placements/cost-avoidance/new/", search_views.CostAvoidanceCreate.as_view(), name="cost_avoidance_create"),
]
