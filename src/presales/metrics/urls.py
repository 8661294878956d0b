from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("<slug:code>/<int:user_id>/", views.DrilldownView.as_view(), name="drilldown"),
]
