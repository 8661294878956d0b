def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import DemoViewSet, MaterialViewSet, QuestionViewSet

    router.register("demos", DemoViewSet, basename="demo")
    router.register("demo-materials", MaterialViewSet, basename="demo-material")
    router.register("demo-questions", QuestionViewSet, basename="demo-question")
