from .views import SupportRequestEventViewSet, SupportRequestViewSet


def register(router) -> None:
    router.register("support-requests", SupportRequestViewSet, basename="support-request")
    router.register("support-request-events", SupportRequestEventViewSet, basename="support-request-event")
