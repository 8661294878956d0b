def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import (
        AdjustmentViewSet,
        AppraisalViewSet,
        CycleViewSet,
        IndicatorScoreViewSet,
        SourceEntryViewSet,
    )

    router.register("appraisal-cycles", CycleViewSet, basename="appraisal-cycle")
    router.register("appraisals", AppraisalViewSet, basename="appraisal")
    router.register("appraisal-scores", IndicatorScoreViewSet, basename="appraisal-score")
    router.register("appraisal-entries", SourceEntryViewSet, basename="appraisal-entry")
    router.register("appraisal-adjustments", AdjustmentViewSet, basename="appraisal-adjustment")
