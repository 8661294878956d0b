from axes.handlers.proxy import AxesProxyHandler
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from presales.core.parsers import ObjectJSONParser

from ..filtersets import PeopleFilterSet
from ..models import Role, Team, User
from .serializers import TeamSerializer, UserSerializer


class ObtainTokenView(ObtainAuthToken):
    """POST username + password → {"token": ...}. Throttled per client (ScopedRateThrottle) and
    counted by django-axes like the login page, so guessing through the API locks out too."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    parser_classes = [FormParser, MultiPartParser, ObjectJSONParser]  # DRF's view names plain JSONParser

    @extend_schema(summary="Obtain an API token", tags=["auth"])
    def post(self, request, *args, **kwargs):
        # django-axes marks the DRF wrapper, not the HttpRequest its middleware sees: ask it directly
        # so that a locked-out user name gets the same clear answer as on the login page.
        credentials = {"username": request.data.get("username", "")}
        if not AxesProxyHandler.is_allowed(request._request, credentials):
            return Response(
                {
                    "code": "locked_out",
                    "detail": _("Too many failed log-in attempts: this user name is locked for a while."),
                },
                status=429,
            )
        return super().post(request, *args, **kwargs)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """The company directory, read-only (users are managed in the administration)."""

    serializer_class = UserSerializer
    filterset_class = PeopleFilterSet
    ordering_fields = ["username", "display_name"]

    def get_queryset(self):
        return (
            User.objects.filter(is_active=True)
            .select_related("team")
            .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")))
            .order_by("username")
        )


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    queryset = Team.objects.order_by("name")
