from .views import ArticleViewSet


def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    router.register("knowledge-articles", ArticleViewSet, basename="knowledge-article")
