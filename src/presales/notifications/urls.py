from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/open/", views.OpenView.as_view(), name="open"),
    path("read/", views.MarkReadView.as_view(), name="mark_read"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("robots/", views.RobotListView.as_view(), name="robots"),
    path("robots/new/", views.RobotEditView.as_view(), name="robot_create"),
    path("robots/<int:pk>/", views.RobotEditView.as_view(), name="robot_edit"),
    path("robots/<int:pk>/delete/", views.RobotDeleteView.as_view(), name="robot_delete"),
]
