from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportListView.as_view(), name="list"),
    path("new/", views.ImportUploadView.as_view(), name="upload"),
    path("template/<str:kind>/", views.ImportTemplateView.as_view(), name="template"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/mapping/", views.ImportMappingView.as_view(), name="mapping"),
    path("<int:pk>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
    path("<int:pk>/cancel/", views.ImportCancelView.as_view(), name="cancel"),
    path("<int:pk>/errors.xlsx", views.ImportErrorReportView.as_view(), name="errors"),
]
