from .views import (
    AhpViewSet,
    IndicatorReviewViewSet,
    IndicatorViewSet,
    RuleTryViewSet,
    SchemeItemViewSet,
    SchemeViewSet,
)


def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    router.register("kpi-indicators", IndicatorViewSet, basename="kpi-indicator")
    router.register("kpi-indicator-reviews", IndicatorReviewViewSet, basename="kpi-indicator-review")
    router.register("kpi-schemes", SchemeViewSet, basename="kpi-scheme")
    router.register("kpi-scheme-items", SchemeItemViewSet, basename="kpi-scheme-item")
    router.register("kpi-ahp", AhpViewSet, basename="kpi-ahp")
    router.register("kpi-rule-try", RuleTryViewSet, basename="kpi-rule-try")
