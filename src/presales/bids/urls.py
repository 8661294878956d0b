from django.urls import path

from . import views

app_name = "bids"

urlpatterns = [
    path("", views.BidListView.as_view(), name="list"),
    path("new/", views.BidCreateView.as_view(), name="create"),
    path("<int:pk>/", views.BidDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.BidUpdateView.as_view(), name="edit"),
    path("<int:pk>/sections/new/", views.SectionCreateView.as_view(), name="section_create"),
    path("sections/<int:pk>/edit/", views.SectionUpdateView.as_view(), name="section_edit"),
    path("sections/<int:pk>/toggle/", views.SectionToggleView.as_view(), name="section_toggle"),
    path("<int:pk>/milestones/new/", views.MilestoneCreateView.as_view(), name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.MilestoneUpdateView.as_view(), name="milestone_edit"),
    path("<int:pk>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting_edit"),
    path("<int:pk>/deviations/new/", views.DeviationCreateView.as_view(), name="deviation_create"),
    path("deviations/<int:pk>/edit/", views.DeviationUpdateView.as_view(), name="deviation_edit"),
    path("<int:pk>/deviations/import/", views.DeviationImportView.as_view(), name="deviation_import"),
    path("<int:pk>/review/new/", views.ReviewItemCreateView.as_view(), name="review_create"),
    path("review/<int:pk>/edit/", views.ReviewItemUpdateView.as_view(), name="review_edit"),
    path("review/<int:pk>/toggle/", views.ReviewToggleView.as_view(), name="review_toggle"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("<int:pk>/result/", views.ResultView.as_view(), name="result"),
    path("<int:pk>/export/<str:document>/", views.ExportView.as_view(), name="export"),
]
