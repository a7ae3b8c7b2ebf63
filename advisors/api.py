"""REST API of the advisors app: the signed-in user and the partner organisations.

Serializers only validate and render; writes go through `advisors.tokens`, access decisions come from
`advisors.access`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from exportcenter.api.base import APIViewSet

from . import access, selectors, tokens
from .models import ApiToken, Organisation, Region, User


class MeSerializer(serializers.ModelSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "organisation", "role", "preferred_language"]


@extend_schema(responses=MeSerializer, summary="The signed-in user")
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)


# --- Partner organisations -----------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text=_("The regions (export centers) it serves.")
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "email",
            "website",
            "description_sv",
            "description_en",
            "regions",
            "is_active",
        ]
        read_only_fields = fields


class OrganisationFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        field_name="regions",
        to_field_name="slug",
        help_text=_("A region's slug: the partners serving it."),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Organisation
        fields = ["region", "kind", "is_active"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List partner organisations"),
        description=_(
            "Every partner organisation, with its kind and the regions it serves: a shared directory."
        ),
    ),
    retrieve=extend_schema(summary=_("Show a partner organisation")),
)
class OrganisationViewSet(APIViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def get_queryset(self):
        return selectors.visible_organisations(self.request.user)


# --- Personal API tokens --------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it in lists: never its secret, which is shown once when created."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    prefix = serializers.CharField(
        source="display_prefix", read_only=True, help_text=_("The start of the token, to recognise it.")
    )
    status = serializers.ChoiceField(choices=ApiToken.Status.choices, read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "scope",
            "prefix",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("List your API tokens"),
        description=_(
            "Your personal API tokens, active, expired and revoked, with their last use (noted at most "
            "once a minute). Tokens are created on your profile page, where the secret is shown once."
        ),
    ),
    retrieve=extend_schema(summary=_("Show one of your API tokens")),
    revoke=extend_schema(
        summary=_("Revoke one of your API tokens"),
        description=_("The token stops working at once. Revoking a revoked token changes nothing."),
        request=None,
        responses=ApiTokenSerializer,
    ),
)
class ApiTokenViewSet(APIViewSet):
    serializer_class = ApiTokenSerializer
    write_access = {"revoke": access.Action.DELETE}

    def get_queryset(self):
        # Only one's own, superusers included: a token is personal.
        return access.visible(self.request.user, ApiToken.objects.filter(user_id=self.request.user.pk))

    @action(detail=True, methods=["post"])
    def revoke(self, request, public_id=None):
        token = tokens.revoke_api_token(token=self.get_object(), by=request.user, request=request)
        return Response(self.get_serializer(token).data)
