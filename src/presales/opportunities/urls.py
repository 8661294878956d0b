from django.urls import path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="list"),
    path("board/", views.OpportunityBoardView.as_view(), name="board"),
    path("board/cards/<str:key>/", views.OpportunityBoardCardsView.as_view(), name="board_cards"),
    path("new/", views.OpportunityCreateView.as_view(), name="create"),
    path("<int:pk>/", views.OpportunityDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OpportunityUpdateView.as_view(), name="edit"),
    path("<int:pk>/move/", views.OpportunityMoveView.as_view(), name="move"),
    path("<int:pk>/assign/", views.OpportunityAssignLeadView.as_view(), name="assign"),
    path("<int:pk>/members/add/", views.MemberAddView.as_view(), name="member_add"),
    path("<int:pk>/members/<int:user_pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("<int:pk>/retrospective/", views.RetrospectiveView.as_view(), name="retrospective"),
    path("<int:pk>/retrospective/file/", views.RetrospectiveFileView.as_view(), name="retrospective_file"),
    path("<int:pk>/handover/", views.HandoverView.as_view(), name="handover"),
]
