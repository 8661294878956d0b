from django.urls import path

from .history import HistoryView

app_name = "core"
urlpatterns = [
    path("history/<str:model>/<int:pk>/", HistoryView.as_view(), name="history"),
]
