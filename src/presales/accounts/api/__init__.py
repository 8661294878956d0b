from .views import ObtainTokenView, TeamViewSet, UserViewSet


def register(router) -> None:
    router.register("users", UserViewSet, basename="user")
    router.register("teams", TeamViewSet, basename="team")


__all__ = ["ObtainTokenView", "register"]
