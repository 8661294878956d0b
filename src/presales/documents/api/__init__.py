from .views import AccessRequestViewSet, DocumentCategoryViewSet, DocumentViewSet


def register(router) -> None:
    router.register("documents", DocumentViewSet, basename="document")
    router.register("document-access-requests", AccessRequestViewSet, basename="document-access-request")
    router.register("document-categories", DocumentCategoryViewSet, basename="document-category")
