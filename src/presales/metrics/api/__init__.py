def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import MetricViewSet

    router.register("metrics", MetricViewSet, basename="metrics")
