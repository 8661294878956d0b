from .views import (
    CommunicationViewSet,
    ComplaintViewSet,
    ContactViewSet,
    CustomerViewSet,
    FeedbackItemViewSet,
    SurveyViewSet,
    TechnicalIssueViewSet,
)


def register(router) -> None:
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("communications", CommunicationViewSet, basename="communication")
    router.register("technical-issues", TechnicalIssueViewSet, basename="technical-issue")
    router.register("complaints", ComplaintViewSet, basename="complaint")
    router.register("surveys", SurveyViewSet, basename="survey")
    router.register("feedback-items", FeedbackItemViewSet, basename="feedback-item")
