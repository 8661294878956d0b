def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import (
        BidViewSet,
        DeviationViewSet,
        MeetingViewSet,
        MilestoneViewSet,
        ReviewItemViewSet,
        SectionViewSet,
    )

    router.register("bids", BidViewSet, basename="bid")
    router.register("bid-sections", SectionViewSet, basename="bid-section")
    router.register("bid-milestones", MilestoneViewSet, basename="bid-milestone")
    router.register("bid-meetings", MeetingViewSet, basename="bid-meeting")
    router.register("bid-deviations", DeviationViewSet, basename="bid-deviation")
    router.register("bid-review-items", ReviewItemViewSet, basename="bid-review-item")
