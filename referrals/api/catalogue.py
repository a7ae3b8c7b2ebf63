"""REST API of the service catalogue: what the partner organisations offer, for routing and for people.

Serializers only validate and render; writes go through `referrals.services` (`catalogue`), access decisions
come from `advisors.access`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status

from advisors import access
from advisors.models import Organisation
from exportcenter.api.base import ValidatingSerializer, VersionedViewSet
from reference.models import EmployeeBand, SNISection, TurnoverClass

from .. import selectors, services
from ..models import NeedCategory, Service


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(code.replace("+", "\\+") for code in EmployeeBand.values) + ")$",
        "description": "An SCB employee band",
        "example": "10-19",
    }
)
class EmployeeBandField(serializers.ChoiceField):
    """An employee band. Documented as a pattern: the same enum under a second name confuses the schema."""


def _reference_codes(model, field: str) -> set:
    return set(model.objects.values_list(field, flat=True))


class ServiceSerializer(ValidatingSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text=_("The organisation's slug. Cannot be changed later."),
    )
    needs = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=NeedCategory.objects.all(),
        help_text=_("Slugs of the need categories the service covers (at least one)."),
    )
    employee_bands = serializers.ListField(
        child=EmployeeBandField(choices=EmployeeBand.choices),
        required=False,
        help_text=_("SCB employee bands the service is for. Empty: any size."),
    )
    turnover_classes = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=_("SCB turnover class codes the service is for. Empty: any turnover."),
    )
    sni_sections = serializers.ListField(
        child=serializers.RegexField(r"^[A-Z]$", max_length=1),
        required=False,
        help_text=_("SNI 2025 section letters the service is for. Empty: any industry."),
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Increases with every change. To update, send back the version you read (or use If-Match)."
        ),
    )

    class Meta:
        model = Service
        fields = ["id", "organisation", *services.SERVICE_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        # The services check the name per organisation and turn the constraint into a field error.
        validators = []

    def validate_organisation(self, organisation):
        if isinstance(self.instance, Service) and organisation.pk != self.instance.organisation_id:
            raise serializers.ValidationError(_("A service cannot move to another organisation."))
        return organisation

    def validate_turnover_classes(self, codes):
        unknown = sorted(set(codes) - _reference_codes(TurnoverClass, "code"))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown turnover class: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
            )
        return codes

    def validate_sni_sections(self, codes):
        unknown = sorted(set(codes) - _reference_codes(SNISection, "code"))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown SNI section: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes


class ServiceFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        help_text=_("An organisation's slug."),
    )
    need = django_filters.ModelChoiceFilter(
        label=_("Need"),
        queryset=NeedCategory.objects.all(),
        field_name="needs",
        to_field_name="slug",
        help_text=_("A need category's slug: the services covering it."),
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Service
        fields = ["organisation", "need", "is_active"]


def _service_data(serializer) -> dict:
    data = dict(serializer.validated_data)
    data.pop("organisation", None)
    data.pop("version", None)
    return data


@extend_schema_view(
    list=extend_schema(
        summary=_("List services"),
        description=_(
            "The partners' service catalogue: every active service, and the inactive ones you maintain."
        ),
    ),
    retrieve=extend_schema(summary=_("Show a service")),
    create=extend_schema(
        summary=_("Add a service"),
        description=_("For the organisation's lead and for regional staff of a region it serves."),
    ),
    update=extend_schema(summary=_("Change a service")),
    partial_update=extend_schema(summary=_("Change some fields of a service")),
)
class ServiceViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    """The partners' service catalogue. Services are switched off (`is_active: false`), never deleted.

    A service's ValidationError answers 400 and a stale version 412 (the API's exception handler)."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    lookup_field = "pk"
    lookup_value_converter = "str"

    def get_queryset(self):
        return selectors.visible_services(self.request.user).order_by("organisation__name", "name_sv", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data["organisation"]
        access.require(request.user, access.Action.CREATE, Service(organisation=organisation))
        service = services.create_service(
            organisation=organisation, by=request.user, data=_service_data(serializer)
        )
        return self.respond(service, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        service = self.get_object()  # 404 if invisible, 403 without "change"
        version = self.required_version(service)
        serializer = self.get_serializer(service, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        service = services.update_service(
            service=service, by=request.user, data=_service_data(serializer), expected_version=version
        )
        return self.respond(service)
