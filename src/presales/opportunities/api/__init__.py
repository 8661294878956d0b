from .views import HandoverViewSet, OpportunityViewSet, RetrospectiveViewSet, StageEventViewSet


def register(router) -> None:
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
    router.register("stage-events", StageEventViewSet, basename="stage-event")
    router.register("retrospectives", RetrospectiveViewSet, basename="retrospective")
    router.register("handovers", HandoverViewSet, basename="handover")
