from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("", views.CycleListView.as_view(), name="list"),
    path("cycles/new/", views.CycleCreateView.as_view(), name="cycle_create"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/edit/", views.CycleUpdateView.as_view(), name="cycle_edit"),
    path("cycles/<int:pk>/participants/new/", views.ParticipantAddView.as_view(), name="participant_add"),
    path("cycles/<int:pk>/<str:action>/", views.CycleActionView.as_view(), name="cycle_action"),
    path("cycles/<int:pk>/ranking", views.RankingView.as_view(), name="ranking"),
    path("cycles/<int:pk>/ranking.xlsx", views.RankingExportView.as_view(), name="ranking_export"),
    path("peer-feedback/", views.PeerRequestsView.as_view(), name="peer_requests"),
    path("people/<int:user_id>/trend/", views.TrendView.as_view(), name="trend"),
    path("<int:pk>/", views.AppraisalDetailView.as_view(), name="detail"),
    path("<int:pk>/entries/<str:source>/", views.EntriesView.as_view(), name="entries"),
    path("<int:pk>/move/", views.MoveView.as_view(), name="move"),
    path("<int:pk>/adjust/", views.AdjustView.as_view(), name="adjust"),
    path("<int:pk>/appeal-answer/", views.AnswerView.as_view(), name="answer"),
    path("<int:pk>/print/", views.PrintView.as_view(), name="print"),
    path("<int:pk>/score-sheet.xlsx", views.ExportView.as_view(), name="export"),
]
