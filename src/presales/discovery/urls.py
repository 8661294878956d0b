from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("", views.ResearchListView.as_view(), name="list"),
    path("opportunity/<int:pk>/", views.WorkspaceView.as_view(), name="workspace"),
    path("opportunity/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("opportunity/<int:pk>/activities/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("opportunity/<int:pk>/requirements/new/", views.ItemCreateView.as_view(), name="item_create"),
    path("opportunity/<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("opportunity/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity_edit"),
    path("activities/<int:pk>/done/", views.ActivityCompleteView.as_view(), name="activity_complete"),
    path("activities/<int:pk>/cancel/", views.ActivityCancelView.as_view(), name="activity_cancel"),
    path("activities/<int:pk>/attach/", views.ActivityAttachView.as_view(), name="activity_attach"),
    path("requirements/<int:pk>/edit/", views.ItemUpdateView.as_view(), name="item_edit"),
    path("reports/<int:pk>/export.docx", views.ReportExportView.as_view(), name="report_export"),
    path("reports/<int:pk>/archive/", views.ReportArchiveView.as_view(), name="report_archive"),
    path("confirmations/<int:pk>/", views.ConfirmationDetailView.as_view(), name="confirmation_detail"),
    path("confirmations/<int:pk>/export.docx", views.ConfirmationExportView.as_view(), name="confirmation_export"),
    path("confirmations/<int:pk>/archive/", views.ConfirmationArchiveView.as_view(), name="confirmation_archive"),
]
