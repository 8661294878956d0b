from django.urls import path

from . import views

app_name = "poc"
urlpatterns = [
    path("", views.PocListView.as_view(), name="list"),
    path("new/", views.PocCreateView.as_view(), name="create"),
    path("coaching/", views.CoachingView.as_view(), name="coaching"),
    path("guide/", views.GuideListView.as_view(), name="guide_list"),
    path("guide/new/", views.GuideCreateView.as_view(), name="guide_create"),
    path("guide/<int:pk>/edit/", views.GuideUpdateView.as_view(), name="guide_edit"),
    path("<int:pk>/", views.PocDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PocUpdateView.as_view(), name="edit"),
    path("<int:pk>/confirmation/", views.ConfirmationView.as_view(), name="confirmation"),
    path("<int:pk>/kickoff/", views.KickoffView.as_view(), name="kickoff"),
    path("<int:pk>/readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("<int:pk>/move/", views.MoveView.as_view(), name="move"),
    path("<int:pk>/criteria/new/", views.CriterionCreateView.as_view(), name="criterion_create"),
    path("criteria/<int:pk>/edit/", views.CriterionUpdateView.as_view(), name="criterion_edit"),
    path("<int:pk>/resources/new/", views.ResourceCreateView.as_view(), name="resource_create"),
    path("resources/<int:pk>/edit/", views.ResourceUpdateView.as_view(), name="resource_edit"),
    path("<int:pk>/risks/new/", views.RiskCreateView.as_view(), name="risk_create"),
    path("risks/<int:pk>/edit/", views.RiskUpdateView.as_view(), name="risk_edit"),
    path("<int:pk>/measurements/new/", views.MeasurementCreateView.as_view(), name="measurement_create"),
    path("<int:pk>/measurements/import/", views.MeasurementImportView.as_view(), name="measurement_import"),
    path("<int:pk>/incidents/new/", views.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/respond/", views.IncidentRespondView.as_view(), name="incident_respond"),
    path("incidents/<int:pk>/resolve/", views.IncidentResolveView.as_view(), name="incident_resolve"),
    path("<int:pk>/scope-changes/new/", views.ScopeChangeCreateView.as_view(), name="scope_change_create"),
    path("scope-changes/<int:pk>/confirm/", views.ScopeChangeConfirmView.as_view(), name="scope_change_confirm"),
    path("scope-changes/<int:pk>/reject/", views.ScopeChangeRejectView.as_view(), name="scope_change_reject"),
    path("<int:pk>/syncs/new/", views.SyncNoteCreateView.as_view(), name="sync_note_create"),
    path("<int:pk>/post-mortem/", views.PostMortemView.as_view(), name="post_mortem"),
    path("<int:pk>/export/<str:document>.<str:fmt>", views.ExportView.as_view(), name="export"),
    path("<int:pk>/archive/", views.ArchiveExportView.as_view(), name="archive_export"),
]
