"""REST API of the saved inbox views: one's own, and those colleagues share with one's organisation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from advisors import access
from exportcenter.api.base import APIViewSet

from .. import services
from ..models import InboxView, SavedView
from .serializers import PersonSerializer


@extend_schema_field(OpenApiTypes.URI)
class InboxLinkField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, saved):
        url = f"{reverse('referrals:inbox')}?view={saved.view}&{saved.query}&saved={saved.pk}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class SavedViewSerializer(serializers.ModelSerializer):
    owner = PersonSerializer(read_only=True)
    view = serializers.ChoiceField(choices=InboxView.choices, default=InboxView.OPEN)
    query = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text=_(
            "The inbox filters as a query string, e.g. status=new&need=market-entry; the same parameters "
            "as /api/v1/requests/. Anything else is dropped."
        ),
    )
    url = InboxLinkField(help_text=_("The view in the inbox."))

    class Meta:
        model = SavedView
        fields = ["id", "name", "is_shared", "view", "query", "owner", "created_at", "url"]
        read_only_fields = ["id", "created_at"]
        validators = []  # the service checks the name per owner and turns a race into a field error


@extend_schema_view(
    list=extend_schema(
        summary=_("List saved inbox views"),
        description=_("Your saved views and those your organisation's colleagues share."),
    ),
    retrieve=extend_schema(summary=_("Show a saved inbox view")),
    create=extend_schema(summary=_("Save an inbox view")),
    destroy=extend_schema(
        summary=_("Delete a saved inbox view"),
        description=_("Your own; a lead may also remove a view shared with the organisation."),
    ),
)
class SavedViewViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, APIViewSet):
    serializer_class = SavedViewSerializer
    lookup_field = "pk"
    lookup_value_converter = "int"

    def get_queryset(self):
        return access.visible(self.request.user, SavedView.objects.select_related("owner")).order_by(
            "name", "pk"
        )

    def create(self, request, *args, **kwargs):
        access.require(request.user, access.Action.CREATE, SavedView)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.create_saved_view(
            owner=request.user,
            name=data["name"],
            view=data["view"],
            query=data.get("query", ""),
            is_shared=data.get("is_shared", False),
        )
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_saved_view(saved=instance)
