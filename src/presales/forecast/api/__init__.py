def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import PipelineViewSet, PredictionViewSet, TraitsViewSet, WinModelViewSet

    router.register("forecast/models", WinModelViewSet, basename="forecast-model")
    router.register("forecast/predictions", PredictionViewSet, basename="forecast-prediction")
    router.register("forecast/pipeline", PipelineViewSet, basename="forecast-pipeline")
    router.register("forecast/traits", TraitsViewSet, basename="forecast-traits")
