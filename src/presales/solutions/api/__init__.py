def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import RoundViewSet, SectionTemplateViewSet, SectionViewSet, SolutionViewSet, VersionViewSet

    router.register("solutions", SolutionViewSet, basename="solution")
    router.register("solution-sections", SectionViewSet, basename="solution-section")
    router.register("solution-versions", VersionViewSet, basename="solution-version")
    router.register("solution-rounds", RoundViewSet, basename="solution-round")
    router.register("solution-catalogue", SectionTemplateViewSet, basename="solution-catalogue")
