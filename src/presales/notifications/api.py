from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .choices import Event
from .models import Notification
from .services import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    """Title and body in the language of the request (Accept-Language / the user's session)."""

    title = serializers.CharField(source="title_text", read_only=True)
    body = serializers.CharField(source="body_text", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "event", "actionable", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Leave out to mark all read."
    )


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My notifications, newest first. `?unread=true` for the unread ones, `?event=approval` for one
    kind of event."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        qs = Notification.objects.visible_to(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "yes"):
            qs = qs.unread()
        event = self.request.query_params.get("event")
        if event:
            if event not in Event.values:
                raise serializers.ValidationError(
                    {
                        "event": [
                            _("Unknown kind of event: choose one of %(kinds)s.")
                            % {"kinds": ", ".join(Event.values)}
                        ]
                    }
                )
            qs = qs.filter(event=event)
        return qs

    @extend_schema(request=MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = notification_mark_read(user=request.user, notification_ids=data.validated_data.get("ids"))
        return Response({"marked": count})


def register(router) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
