"""`/api/v1/audit/`: the audit log, read-only, for regional staff (the same search as the page)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from audit.models import AuditEntry
from exportcenter.api.base import APIViewSet

from . import access
from .audit_filters import AuditEntryFilter, visible_entries


class SearchesAuditLog(BasePermission):
    """The log is regional staff's (and superusers'): everyone else is refused, not shown an empty list."""

    def has_permission(self, request, view) -> bool:
        return access.can(request.user, access.Action.VIEW, AuditEntry)


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")
    email = serializers.EmailField()


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = ActorSerializer(
        read_only=True, allow_null=True, help_text=_("The person who acted, if known: id and name.")
    )
    action_label = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object_label",
            "ip_address",
            "channel",
            "path",
            "details",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("Search the audit log"),
        description=_(
            "Who read, exported or changed what, newest first: the entries of the caller's regions "
            "(regional staff only). Filter by person, object type and id, action, channel and period."
        ),
    ),
    retrieve=extend_schema(summary=_("Show an audit log entry")),
)
class AuditEntryViewSet(APIViewSet):
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    permission_classes = [*APIViewSet.permission_classes, SearchesAuditLog]
    lookup_field = "pk"
    lookup_value_converter = "int"

    def get_queryset(self):
        return visible_entries(self.request.user)
