from django.urls import path

from . import views

app_name = "solutions"

urlpatterns = [
    path("", views.SolutionListView.as_view(), name="list"),
    path("new/", views.SolutionCreateView.as_view(), name="create"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/new/", views.CatalogueCreateView.as_view(), name="catalogue_create"),
    path("catalogue/<int:pk>/edit/", views.CatalogueEditView.as_view(), name="catalogue_edit"),
    path("<int:pk>/", views.SolutionDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SolutionUpdateView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/decide/", views.DecisionView.as_view(), name="decide"),
    path("<int:pk>/departments/", views.DepartmentView.as_view(), name="department"),
    path("<int:pk>/revise/", views.ReviseView.as_view(), name="revise"),
    path("<int:pk>/make-current/", views.MakeCurrentView.as_view(), name="make_current"),
    path("<int:pk>/diff/", views.DiffView.as_view(), name="diff"),
    path("<int:pk>/export.docx", views.ExportView.as_view(), name="export"),
    path("sections/<int:pk>/edit/", views.SectionEditView.as_view(), name="section_edit"),
    path("versions/<int:pk>/", views.VersionDetailView.as_view(), name="version"),
]
