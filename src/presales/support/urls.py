from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.SupportRequestListView.as_view(), name="list"),
    path("new/", views.SupportRequestCreateView.as_view(), name="create"),
    path("new/opportunities/", views.opportunity_options, name="opportunity_options"),
    path("<int:pk>/", views.SupportRequestDetailView.as_view(), name="detail"),
    path("<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/respond/", views.RespondView.as_view(), name="respond"),
    path("<int:pk>/complete/", views.CompleteView.as_view(), name="complete"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
]
