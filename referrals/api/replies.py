"""REST API of the canned replies: the texts for writing to companies that an organisation's leads and a
region's staff keep. Everyone signed in reads those they may use; another organisation's are a 404.

Serializers only validate and render; writes go through `referrals.services` (`replies`), access decisions
come from `advisors.access` (`CannedReplyPolicy`).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status

from advisors import access
from advisors.models import Organisation, Region
from exportcenter.api.base import ValidatingSerializer, VersionedViewSet

from .. import selectors, services
from ..models import CannedReply


class CannedReplySerializer(ValidatingSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The slug of the organisation whose reply it is. Give this or `region`, not both."),
    )
    region = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "The slug of the region that shares the reply with its partners. Give this or `organisation`."
        ),
    )
    body = serializers.CharField(
        max_length=CannedReply._meta.get_field("body").max_length,
        help_text=_(
            "Plain text. Placeholders, filled in for each request: {company}, {reference}, {advisor}, "
            "{partner}. A brace itself is written twice: {{ or }}. Any other brace is refused."
        ),
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Increases with every change. To update or delete, send back the version you read (or use "
            "If-Match)."
        ),
    )

    class Meta:
        model = CannedReply
        fields = [
            "id",
            "scope",
            "organisation",
            "region",
            *services.CANNED_REPLY_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["scope", "created_at", "updated_at"]
        # The services check the title per owner and language, and turn the constraint into a field error.
        validators = []

    def validate(self, attrs):
        if isinstance(self.instance, CannedReply):
            for field in ("organisation", "region"):
                if field in attrs and attrs[field] != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: [_("A reply cannot move to another organisation or region.")]}
                    )
        elif (attrs.get("organisation") is None) == (attrs.get("region") is None):
            raise serializers.ValidationError(
                {"organisation": [_("Give either an organisation or a region, not both.")]}
            )
        return attrs


class CannedReplyFilter(django_filters.FilterSet):
    language = django_filters.ChoiceFilter(label=_("Language"), choices=CannedReply.Language.choices)
    scope = django_filters.ChoiceFilter(label=_("Kept by"), choices=CannedReply.Scope.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = CannedReply
        fields = ["language", "scope", "is_active"]


def _reply_data(serializer) -> dict:
    return {
        field: value
        for field, value in serializer.validated_data.items()
        if field in services.CANNED_REPLY_FIELDS
    }


@extend_schema_view(
    list=extend_schema(
        summary=_("List canned replies"),
        description=_(
            "The replies you may use when writing to a company: your organisation's and those your "
            "regions share."
        ),
    ),
    retrieve=extend_schema(summary=_("Show a canned reply")),
    create=extend_schema(
        summary=_("Add a canned reply"),
        description=_(
            "An organisation's lead adds the organisation's replies; regional staff add the replies their "
            "regions share. An unknown placeholder is refused (400, on `body`)."
        ),
    ),
    update=extend_schema(summary=_("Change a canned reply")),
    partial_update=extend_schema(summary=_("Change some fields of a canned reply")),
    destroy=extend_schema(summary=_("Delete a canned reply")),
)
class CannedReplyViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, VersionedViewSet
):
    """Canned replies. A service's ValidationError answers 400 and a stale version 412 (the API's
    exception handler)."""

    serializer_class = CannedReplySerializer
    filterset_class = CannedReplyFilter
    lookup_field = "pk"
    lookup_value_converter = "int"
    versioned_actions = ("update", "partial_update", "destroy")

    def get_queryset(self):
        return selectors.canned_replies(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = {
            field: serializer.validated_data[field]
            for field in ("organisation", "region")
            if serializer.validated_data.get(field) is not None
        }
        access.require(request.user, access.Action.CREATE, CannedReply(**owner))
        reply = services.create_canned_reply(by=request.user, data=_reply_data(serializer), **owner)
        return self.respond(reply, status=status.HTTP_201_CREATED, refresh=True)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        reply = self.get_object()  # 404 if invisible, 403 without "change"
        version = self.required_version(reply)
        serializer = self.get_serializer(reply, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        reply = services.update_canned_reply(
            reply=reply, by=request.user, data=_reply_data(serializer), expected_version=version
        )
        return self.respond(reply, refresh=True)

    def perform_destroy(self, instance):
        services.delete_canned_reply(reply=instance, expected_version=self.required_version(instance))
