from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("new/", views.CustomerCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="edit"),
    path("<int:pk>/reassign/", views.CustomerReassignView.as_view(), name="reassign"),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/edit/", views.ContactUpdateView.as_view(), name="contact_edit"),
    # The customer's records: added from the customer page, listed across customers.
    path("<int:pk>/communications/new/", views.CommunicationCreateView.as_view(), name="communication_create"),
    path("<int:pk>/communications/", views.CustomerCommunicationPageView.as_view(), name="communication_page"),
    path("communications/", views.CommunicationListView.as_view(), name="communication_list"),
    path("communications/<int:pk>/edit/", views.CommunicationUpdateView.as_view(), name="communication_edit"),
    path("<int:pk>/issues/new/", views.TechnicalIssueCreateView.as_view(), name="issue_create"),
    path("issues/", views.TechnicalIssueListView.as_view(), name="issue_list"),
    path("issues/<int:pk>/edit/", views.TechnicalIssueUpdateView.as_view(), name="issue_edit"),
    path("issues/<int:pk>/resolve/", views.TechnicalIssueResolveView.as_view(), name="issue_resolve"),
    path("issues/<int:pk>/reopen/", views.TechnicalIssueReopenView.as_view(), name="issue_reopen"),
    path("<int:pk>/complaints/new/", views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/<int:pk>/edit/", views.ComplaintUpdateView.as_view(), name="complaint_edit"),
    path("complaints/<int:pk>/handle/", views.ComplaintHandleView.as_view(), name="complaint_handle"),
    path("<int:pk>/surveys/new/", views.SurveyCreateView.as_view(), name="survey_create"),
    path("surveys/", views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/<int:pk>/edit/", views.SurveyUpdateView.as_view(), name="survey_edit"),
    path("<int:pk>/feedback/new/", views.FeedbackCreateView.as_view(), name="feedback_create"),
    path("feedback/", views.FeedbackListView.as_view(), name="feedback_list"),
    path("feedback/<int:pk>/edit/", views.FeedbackUpdateView.as_view(), name="feedback_edit"),
    path("feedback/<int:pk>/status/", views.FeedbackStatusView.as_view(), name="feedback_status"),
]
