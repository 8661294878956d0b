from django.urls import path

from . import views

app_name = "forecast"

urlpatterns = [
    path("", views.ModelView.as_view(), name="model"),
    path("traits/", views.TraitsView.as_view(), name="traits"),
]
