"""REST API of the notification centre: the signed-in person's own notifications."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from exportcenter.api.base import APIViewSet

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text=_("Worded in the language of the answer."))
    url = serializers.CharField(
        read_only=True, help_text=_("The page of what it is about, in the language of the answer.")
    )
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "params", "title", "url", "is_read", "read_at", "created_at"]
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread and are now read."))
    unread = serializers.IntegerField(help_text=_("How many are still unread."))


UNREAD = OpenApiParameter("unread", bool, description=_("Only unread notifications."))


@extend_schema_view(
    list=extend_schema(
        summary=_("List my notifications"), description=_("Newest first. Only your own."), parameters=[UNREAD]
    ),
    retrieve=extend_schema(summary=_("Show a notification")),
)
class NotificationViewSet(APIViewSet):
    serializer_class = NotificationSerializer
    lookup_field = "pk"
    lookup_value_converter = "str"
    write_access = {"read": access.Action.CHANGE}
    queryset = Notification.objects.none()  # for the schema; get_queryset() answers requests

    def get_queryset(self):
        unread = self.action == "list" and self.request.query_params.get("unread") in ("true", "1")
        return selectors.notifications_for(self.request.user, unread_only=unread)

    def _marked(self, count: int) -> Response:
        return Response({"marked": count, "unread": selectors.unread_count(self.request.user, cap=10_000)})

    @extend_schema(
        summary=_("Mark a notification as read"),
        request=None,
        responses={200: MarkedSerializer},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        return self._marked(services.mark_read(user=request.user, notification_ids=[notification.pk]))

    @extend_schema(
        summary=_("Mark all my notifications as read"), request=None, responses={200: MarkedSerializer}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return self._marked(services.mark_read(user=request.user))
