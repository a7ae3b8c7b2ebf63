"""REST API of the need categories: everyone signed in reads them, regional staff maintain them."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from advisors import access
from advisors.models import Organisation
from exportcenter.api.base import APIViewSet, ValidatingSerializer

from .. import services
from ..models import NeedCategory


class NeedCategorySerializer(ValidatingSerializer):
    primary_partner_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Organisation.Kind.choices),
        required=False,
        help_text=_("The kinds of partner that usually help first with this need."),
    )
    secondary_partner_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Organisation.Kind.choices), required=False
    )

    class Meta:
        model = NeedCategory
        fields = ["slug", *services.NEED_CATEGORY_FIELDS]
        read_only_fields = ["slug"]
        extra_kwargs = {"position": {"max_value": 32767}}


class NeedCategoryFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = NeedCategory
        fields = ["is_active"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List need categories"),
        description=_("What companies need help with, in the order the intake form shows them."),
    ),
    retrieve=extend_schema(summary=_("Show a need category")),
    create=extend_schema(
        summary=_("Add a need category"),
        description=_("Regional staff only. The slug is made from the English name and never changes."),
    ),
    update=extend_schema(summary=_("Change a need category")),
    partial_update=extend_schema(summary=_("Change some fields of a need category")),
)
class NeedCategoryViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, APIViewSet):
    """Need categories are switched off (`is_active: false`), never deleted: requests keep theirs."""

    serializer_class = NeedCategorySerializer
    filterset_class = NeedCategoryFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def get_queryset(self):
        return access.visible(self.request.user, NeedCategory.objects.order_by("position", "slug"))

    def create(self, request, *args, **kwargs):
        access.require(request.user, access.Action.CREATE, NeedCategory)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.save_need_category(data=dict(serializer.validated_data))
        return Response(self.get_serializer(category).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        category = self.get_object()
        serializer = self.get_serializer(category, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        category = services.save_need_category(category=category, data=dict(serializer.validated_data))
        return Response(self.get_serializer(category).data)
