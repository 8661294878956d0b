from django.urls import path

from . import views

app_name = "demos"

urlpatterns = [
    path("", views.DemoListView.as_view(), name="list"),
    path("new/", views.DemoCreateView.as_view(), name="create"),
    path("<int:pk>/", views.DemoDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.DemoUpdateView.as_view(), name="edit"),
    path("<int:pk>/preparation/", views.PreparationView.as_view(), name="preparation"),
    path("<int:pk>/environment-check/", views.EnvironmentCheckView.as_view(), name="environment_check"),
    path("<int:pk>/materials/new/", views.MaterialCreateView.as_view(), name="material_create"),
    path("materials/<int:pk>/edit/", views.MaterialUpdateView.as_view(), name="material_edit"),
    path("<int:pk>/deck/", views.DeckUploadView.as_view(), name="deck"),
    path("<int:pk>/move/", views.MoveView.as_view(), name="move"),
    path("<int:pk>/delivery/", views.DeliveryView.as_view(), name="delivery"),
    path("<int:pk>/questions/new/", views.QuestionCreateView.as_view(), name="question_create"),
    path("questions/<int:pk>/edit/", views.QuestionUpdateView.as_view(), name="question_edit"),
    path("<int:pk>/summary/", views.SummaryView.as_view(), name="summary"),
    path("<int:pk>/export/summary.docx", views.ExportView.as_view(), name="export"),
]
