"""REST API of the advisors app: the signed-in user and the partner organisations.

Serializers only validate and render; access decisions come from `advisors.access`. The partners' service
catalogue is `referrals.api.catalogue`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from exportcenter.api.base import APIViewSet

from . import selectors
from .models import Organisation, Region, User


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
