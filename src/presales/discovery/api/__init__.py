def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import ActivityViewSet, ConfirmationViewSet, ItemViewSet, PlanViewSet, ReportViewSet

    router.register("discovery-plans", PlanViewSet, basename="discovery-plan")
    router.register("discovery-activities", ActivityViewSet, basename="discovery-activity")
    router.register("discovery-requirements", ItemViewSet, basename="discovery-requirement")
    router.register("discovery-reports", ReportViewSet, basename="discovery-report")
    router.register("discovery-confirmations", ConfirmationViewSet, basename="discovery-confirmation")
