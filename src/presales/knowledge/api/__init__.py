from .views import ArticleViewSet, OutlineViewSet


def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    router.register("knowledge-articles", ArticleViewSet, basename="knowledge-article")
    router.register("solution-outlines", OutlineViewSet, basename="solution-outline")
