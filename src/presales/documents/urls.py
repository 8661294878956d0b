from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.DocumentListView.as_view(), name="list"),
    path("new/", views.DocumentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.DocumentEditView.as_view(), name="edit"),
    path("<int:pk>/versions/new/", views.VersionCreateView.as_view(), name="version_create"),
    path("<int:pk>/versions/<int:number>/", views.VersionDetailView.as_view(), name="version"),
    path("<int:pk>/versions/<int:number>/download/", views.DownloadView.as_view(), name="download"),
    path("<int:pk>/versions/<int:number>/preview/", views.PreviewView.as_view(), name="preview"),
    path("<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<int:pk>/access/", views.AccessView.as_view(), name="access"),
    path("<int:pk>/request-access/", views.RequestAccessView.as_view(), name="request_access"),
    path("access-requests/", views.AccessRequestListView.as_view(), name="access_requests"),
    path("access-requests/<int:pk>/decide/", views.AccessRequestDecideView.as_view(), name="decide_access"),
]
