from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("my-work/", views.MyWorkView.as_view(), name="my_work"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
