"""REST API of advice requests: read-only for now (the inbox actions follow)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from advisors import access

from . import selectors
from .filters import RequestFilter
from .models import AdviceRequest


class RequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = serializers.SerializerMethodField()
    needs = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    target_markets = serializers.SerializerMethodField()
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_advisor = serializers.StringRelatedField()
    deadline_state = serializers.CharField(read_only=True)

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "reference",
            "status",
            "channel",
            "priority",
            "region",
            "company",
            "needs",
            "target_markets",
            "description",
            "language",
            "owner_organisation",
            "owner_advisor",
            "first_response_due_at",
            "first_response_at",
            "deadline_state",
            "outcome",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}},
        }
    )
    def get_company(self, obj):
        return {"id": str(obj.company.public_id), "name": obj.company.name}

    @extend_schema_field({"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}})
    def get_target_markets(self, obj) -> list[str]:
        return [str(code) for code in obj.target_markets]


class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    """The region's requests ("no wrong door": every advisor of the region sees them)."""

    serializer_class = RequestSerializer
    permission_classes = [IsAuthenticated, access.AccessPermission]
    filterset_class = RequestFilter
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self):
        return selectors.with_list_relations(selectors.visible_requests(self.request.user)).order_by(
            "-created_at", "-pk"
        )
