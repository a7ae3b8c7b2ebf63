"""REST API of projects and programmes: list, read, create, and change (with the version read).

Serializers only validate and render; every change goes through `projects.services.projects`, and every
access decision comes from `advisors.access`. Partners are written one at a time on the project's page;
here a project is created with its partners (`partners`) and they are read with it.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status

from advisors import access
from advisors.models import Organisation, Region
from exportcenter.api.base import VersionedViewSet

from ..models import Programme, Project, ProjectPartner
from ..selectors import projects as selectors
from ..services import projects as services
from ..services.projects import MAX_EUR


class ProgrammeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the language asked for."))

    class Meta:
        model = Programme
        fields = ["code", "name", "name_sv", "name_en", "fund", "period", "website", "is_active", "version"]
        read_only_fields = ["name", "version"]


class ProgrammeWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=60)
    name_sv = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    fund = serializers.ChoiceField(choices=Programme.Fund.choices)
    period = serializers.CharField(max_length=20, required=False, allow_blank=True)
    website = serializers.URLField(max_length=300, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class PartnerSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text=_("The organisation's slug, for a partner in the portal."),
    )
    name = serializers.CharField(source="display_name", read_only=True)
    country = serializers.CharField(
        source="country.code", read_only=True, help_text=_("An ISO country code.")
    )

    class Meta:
        model = ProjectPartner
        fields = ["organisation", "name", "country", "region_name", "is_lead", "role"]
        read_only_fields = fields


class PartnerWriteSerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.active(),
        required=False,
        allow_null=True,
        help_text=_("The slug of an organisation in the portal; leave out for one outside it."),
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2,
        required=False,
        help_text=_("An ISO country code, e.g. ES, for a partner outside the portal."),
    )
    region_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_lead = serializers.BooleanField(required=False, default=False)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate_country(self, value):
        code = value.upper()
        if code not in dict(countries):
            raise serializers.ValidationError(_("Give an ISO country code, e.g. ES."))
        return code


class ProjectSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    regions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "acronym",
            "programme",
            "region",
            "regions",
            "starts_on",
            "ends_on",
            "status",
            "budget_total_eur",
            "eu_cofinancing_eur",
            "national_cofinancing_eur",
            "description",
            "website",
            "partners",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _eur(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, max_value=MAX_EUR, **kwargs)


class ProjectWriteSerializer(serializers.Serializer):
    """What an editor changes. The rules (period, budget, regions) are the service's."""

    name = serializers.CharField(max_length=200)
    acronym = serializers.CharField(max_length=40, required=False, allow_blank=True)
    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), help_text=_("The programme's code.")
    )
    region = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Region.objects.filter(is_active=True),
        help_text=_("The recording region's slug: one of yours."),
    )
    regions = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Region.objects.filter(is_active=True),
        many=True,
        required=False,
        help_text=_("Slugs of the participating Swedish regions."),
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(choices=Project.Status.choices, required=False)
    budget_total_eur = _eur()
    eu_cofinancing_eur = _eur()
    national_cofinancing_eur = _eur()
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    website = serializers.URLField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class ProjectCreateSerializer(ProjectWriteSerializer):
    partners = PartnerWriteSerializer(many=True, required=False, help_text=_("The project's partners."))


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Project.Status.choices, label=_("Status"))
    programme = django_filters.CharFilter(
        field_name="programme__code", label=_("Programme"), help_text=_("A code.")
    )
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region"), help_text=_("A region's slug: recording or participating.")
    )
    q = django_filters.CharFilter(method="filter_search", label=_("Search"), help_text=_("Name or acronym."))

    class Meta:
        model = Project
        fields = ["status", "programme", "region", "q"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(region__slug=value) | Q(regions__slug=value)).distinct()

    def filter_search(self, queryset, name, value):
        text = value.strip()[: selectors.MAX_SEARCH_LENGTH]
        return queryset.filter(Q(name__icontains=text) | Q(acronym__icontains=text)) if text else queryset


@extend_schema_view(
    list=extend_schema(
        summary=_("List projects"),
        description=_(
            "The EU-funded projects you see: your regions' own, those your regions take part in, and your "
            "organisation's partnerships."
        ),
    ),
    retrieve=extend_schema(summary=_("Show a project, with its partners")),
    create=extend_schema(
        summary=_("Create a project"),
        description=_(
            "Regional staff and organisation leads create projects in their own regions. At most one partner "
            "leads; an organisation lead's own organisation becomes a partner."
        ),
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Change a project"),
        description=_("Needs the version read. Partners are changed on the project's page."),
        request=ProjectWriteSerializer,
    ),
)
class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.project_for_api(self.request.user)

    def create(self, request, *args, **kwargs):
        data = self.write_data(ProjectCreateSerializer)
        partners = data.pop("partners", [])
        access.require(request.user, access.Action.CREATE, Project(region=data["region"]))
        if sum(1 for partner in partners if partner.get("is_lead")) > 1:
            raise serializers.ValidationError({"partners": [_("A project has one lead partner.")]})
        project = services.create_project(by=request.user, data=data, partners=partners)
        return self.respond(project, status=status.HTTP_201_CREATED, refresh=True)

    def update(self, request, *args, **kwargs):
        project = self.get_object()  # 404 if invisible, 403 without "change"
        version = self.required_version(project)
        data = self.write_data(ProjectWriteSerializer, partial=True)
        project = services.update_project(
            project=project, by=request.user, data=data, expected_version=version
        )
        return self.respond(project, refresh=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("List programmes"), description=_("The funding programmes projects belong to.")
    ),
    retrieve=extend_schema(summary=_("Show a programme")),
    create=extend_schema(
        summary=_("Add a programme"),
        description=_("Regional staff keep the programmes."),
        request=ProgrammeWriteSerializer,
        responses={201: ProgrammeSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Change a programme"),
        description=_("Needs the version read."),
        request=ProgrammeWriteSerializer,
    ),
)
class ProgrammeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    serializer_class = ProgrammeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_field = "code"
    lookup_value_converter = "slug"

    def get_queryset(self):
        return access.visible(self.request.user, Programme.objects.all()).order_by("name_sv")

    def create(self, request, *args, **kwargs):
        access.require(request.user, access.Action.CREATE, Programme)
        data = self.write_data(ProgrammeWriteSerializer)
        programme = services.save_programme(by=request.user, data=data)
        return self.respond(programme, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        programme = self.get_object()
        version = self.required_version(programme)
        data = self.write_data(ProgrammeWriteSerializer, partial=True)
        programme = services.save_programme(
            by=request.user, data=data, programme=programme, expected_version=version
        )
        return self.respond(programme)
