from django.urls import path

from panel import views

urlpatterns = [
    path("", views.PanelHome.as_view(), name="panel_home"),
    path("meetings/plan/", views.GenerateMeetings.as_view(), name="panel_generate"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="panel_meeting"),
    path("meetings/<int:pk>/build/", views.BuildAgenda.as_view(), name="panel_build"),
    path("meetings/<int:pk>/issue/", views.IssueAgenda.as_view(), name="panel_issue"),
    path("meetings/<int:pk>/move/", views.MoveMeeting.as_view(), name="panel_move"),
    path("meetings/<int:pk>/cancel/", views.CancelMeeting.as_view(), name="panel_cancel"),
    path("meetings/<int:pk>/members/", views.RecordMembers.as_view(), name="panel_members"),
    path("meetings/<int:pk>/add-child/", views.AddChild.as_view(), name="panel_add_child"),
    path("meetings/<int:pk>/pack/", views.AgendaPack.as_view(), name="panel_pack"),
    path("items/<int:pk>/remove/", views.RemoveItem.as_view(), name="panel_remove_item"),
    path("meetings/<int:pk>/remove/", views.RemoveItems.as_view(), name="panel_remove_items"),
    path("items/<int:pk>/decision/", views.MinuteReview.as_view(), name="panel_minute"),
    path("actions/", views.ActionsDue.as_view(), name="panel_actions"),
    path("actions/<int:pk>/done/", views.CompleteAction.as_view(), name="panel_action_done"),
    path("consolidation/", views.ConsolidationList.as_view(), name="panel_consolidation"),
    path("consolidation/new/", views.ConsolidationCreate.as_view(), name="panel_consolidation_create"),
    path("consolidation/<int:pk>/outcome/", views.ConsolidationOutcomeView.as_view(),
         name="panel_consolidation_outcome"),
]
