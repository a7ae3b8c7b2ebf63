"""REST API of participations (with their support) and de minimis aid, with each company's ceiling status.

Serializers only validate and render; every change goes through `projects.services.participation` and
`projects.services.aid`, every access decision comes from `advisors.access`. Aid that would pass the de
minimis ceiling answers 409 with the figures (`ceiling`) unless `override_reason` is sent.
"""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from companies.models import Company
from exportcenter.api.base import APIViewSet, VersionedViewSet
from exportcenter.api.problems import VALIDATION_ERROR, Conflict, ProblemSerializer
from outreach.api.serializers import CompanySummarySerializer, VisibleUUIDField

from ..models import Currency, DeMinimisAid, Participation, Project, SizeClass, Support, SupportKind
from ..selectors import aid as selectors
from ..services import aid as aid_services
from ..services import participation as services

# --- Participations --------------------------------------------------------------------------------------


class SupportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Support
        fields = ["id", "kind", "given_on", "hours", "value_sek", "description", "created_at"]
        read_only_fields = fields


class SupportWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    given_on = serializers.DateField(help_text=_("Within the participation and the project's period."))
    hours = serializers.DecimalField(max_digits=7, decimal_places=1, required=False, default=0)
    value_sek = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ParticipationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    project = serializers.UUIDField(source="project.public_id", read_only=True)
    company = CompanySummarySerializer(read_only=True)
    size_class = serializers.ChoiceField(
        choices=SizeClass.choices, read_only=True, help_text=_("From the register at enrolment; kept.")
    )
    supports = SupportSerializer(many=True, read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "project",
            "company",
            "joined_on",
            "left_on",
            "size_class",
            "employee_band",
            "turnover_class",
            "company_registered_on",
            "note",
            "supports",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ParticipationWriteSerializer(serializers.Serializer):
    joined_on = serializers.DateField(help_text=_("Within the project's period."))
    left_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class ParticipationCreateSerializer(ParticipationWriteSerializer):
    project = VisibleUUIDField(queryset=Project.objects.all(), help_text=_("The project's id."))
    company = VisibleUUIDField(queryset=Company.objects.active(), help_text=_("The company's id."))
    company_registered_on = serializers.DateField(required=False, allow_null=True)


class ParticipationFilter(django_filters.FilterSet):
    project = django_filters.UUIDFilter(field_name="project__public_id", label=_("Project"))
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Size at enrolment"))

    class Meta:
        model = Participation
        fields = ["project", "company", "size_class"]


@extend_schema_view(
    list=extend_schema(summary=_("List the companies taking part in projects")),
    retrieve=extend_schema(summary=_("Show a participation, with its support")),
    create=extend_schema(
        summary=_("Enrol a company in a project"),
        description=_(
            "The company's size class, employee band and turnover class are read from the register now and "
            "kept. The date must be within the project's period; a company takes part in a project once."
        ),
        request=ParticipationCreateSerializer,
        responses={201: ParticipationSerializer, 400: VALIDATION_ERROR},
    ),
    partial_update=extend_schema(
        summary=_("Change a participation's dates or note"),
        description=_("Needs the version read. The size at enrolment never changes."),
        request=ParticipationWriteSerializer,
    ),
    support=extend_schema(
        summary=_("Record support given to a participating company"),
        description=_("Hours and value are never negative; the date is within the participation."),
        request=SupportWriteSerializer,
        responses={201: ParticipationSerializer, 400: VALIDATION_ERROR},
    ),
)
class ParticipationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_access = {**VersionedViewSet.write_access, "support": access.Action.CHANGE}
    versioned_actions = ("update", "partial_update")

    def get_queryset(self):
        return selectors.visible_participations(self.request.user).prefetch_related(
            Prefetch("supports", queryset=Support.objects.order_by("given_on", "pk"))
        )

    def create(self, request, *args, **kwargs):
        serializer = ParticipationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access.require(
            request.user,
            access.Action.CREATE,
            Participation(project=data["project"], company=data["company"]),
        )
        participation = services.enrol_company(
            project=data["project"],
            company=data["company"],
            joined_on=data["joined_on"],
            left_on=data.get("left_on"),
            note=data.get("note") or "",
            registered_on=data.get("company_registered_on"),
            by=request.user,
        )
        return self.respond(participation, status=status.HTTP_201_CREATED, refresh=True)

    def update(self, request, *args, **kwargs):
        participation = self.get_object()
        version = self.required_version(participation)
        data = self.write_data(ParticipationWriteSerializer, partial=True)
        participation = services.update_participation(
            participation=participation, data=data, expected_version=version
        )
        return self.respond(participation, refresh=True)

    @action(detail=True, methods=["post"])
    def support(self, request, *args, **kwargs):
        participation = self.get_object()  # 404 if invisible, 403 without "change"
        serializer = SupportWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_support(
            participation=participation, by=request.user, data=dict(serializer.validated_data)
        )
        return self.respond(participation, status=status.HTTP_201_CREATED, refresh=True)


# --- De minimis aid --------------------------------------------------------------------------------------


class AidSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = CompanySummarySerializer(read_only=True)
    project = serializers.UUIDField(source="project.public_id", read_only=True, allow_null=True)
    support = serializers.UUIDField(source="support.public_id", read_only=True, allow_null=True)
    overridden = serializers.SerializerMethodField(help_text=_("Recorded although it passed the ceiling."))

    class Meta:
        model = DeMinimisAid
        fields = [
            "id",
            "company",
            "project",
            "support",
            "granted_on",
            "amount",
            "currency",
            "sek_per_eur",
            "amount_eur",
            "granting_body",
            "granted_outside_portal",
            "reference",
            "overridden",
            "override_reason",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_overridden(self, aid) -> bool:
        return aid.overridden_by_id is not None or bool(aid.override_reason)


class AidCreateSerializer(serializers.Serializer):
    company = VisibleUUIDField(queryset=Company.objects.active(), help_text=_("The company's id."))
    project = VisibleUUIDField(queryset=Project.objects.all(), required=False, allow_null=True)
    support = VisibleUUIDField(
        queryset=Support.objects.select_related("participation"), required=False, allow_null=True
    )
    granted_on = serializers.DateField(help_text=_("Not in the future."))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("More than zero."))
    currency = serializers.ChoiceField(choices=Currency.choices)
    sek_per_eur = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text=_("SEK per euro on the grant date: required for SEK, ignored for EUR."),
    )
    granting_body = serializers.CharField(max_length=200)
    granted_outside_portal = serializers.BooleanField(required=False, default=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Only when the aid passes the de minimis ceiling: why it is recorded anyway. Without it such "
            "aid is refused with 409; with it the aid is recorded and the override logged."
        ),
    )


class CeilingSerializer(serializers.Serializer):
    ceiling_eur = serializers.DecimalField(max_digits=14, decimal_places=2)
    window_from = serializers.DateField(help_text=_("The window's first day (inclusive)."))
    window_to = serializers.DateField(help_text=_("The window's last day (inclusive)."))
    total_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("Granted in the window.")
    )
    amount_eur = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("The new aid."))
    would_be_eur = serializers.DecimalField(max_digits=14, decimal_places=2)
    over_by_eur = serializers.DecimalField(max_digits=14, decimal_places=2)


class CeilingProblemSerializer(ProblemSerializer):
    """A 409: the aid would pass the de minimis ceiling."""

    ceiling = CeilingSerializer(help_text=_("The figures of the worst three-year window the aid falls in."))


CEILING_EXCEEDED = OpenApiResponse(
    CeilingProblemSerializer,
    description=_("The aid would pass the de minimis ceiling; send `override_reason` to record it anyway."),
)


class CeilingStatusSerializer(serializers.Serializer):
    company = CompanySummarySerializer()
    undertaking = CompanySummarySerializer(
        many=True, help_text=_("The other companies of the single undertaking.")
    )
    ceiling_eur = serializers.DecimalField(max_digits=14, decimal_places=2)
    window_from = serializers.DateField()
    window_to = serializers.DateField()
    total_eur = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("Negative when over the ceiling.")
    )


class CeilingQuerySerializer(serializers.Serializer):
    company = VisibleUUIDField(queryset=Company.objects.all(), help_text=_("The company's id."))
    on = serializers.DateField(required=False, help_text=_("The window's last day; default today."))


class AidFilter(django_filters.FilterSet):
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    project = django_filters.UUIDFilter(field_name="project__public_id", label=_("Project"))
    granted_from = django_filters.DateFilter(
        field_name="granted_on", lookup_expr="gte", label=_("Granted from")
    )
    granted_to = django_filters.DateFilter(
        field_name="granted_on", lookup_expr="lte", label=_("Granted until")
    )

    class Meta:
        model = DeMinimisAid
        fields = ["company", "project", "granted_from", "granted_to"]


@extend_schema_view(
    list=extend_schema(summary=_("List de minimis aid"), description=_("Aid to the companies you see.")),
    retrieve=extend_schema(summary=_("Show de minimis aid")),
    create=extend_schema(
        summary=_("Record de minimis aid"),
        description=_(
            "SEK is converted with `sek_per_eur`. The ceiling (EUR 300,000 per single undertaking over any "
            "three years, counted from the day after the same date three years before the grant up to the "
            "grant date) is checked for every window the aid falls in; 409 with the figures when it would "
            "be passed and no `override_reason` is sent."
        ),
        request=AidCreateSerializer,
        responses={201: AidSerializer, 400: VALIDATION_ERROR, 409: CEILING_EXCEEDED},
    ),
    ceiling=extend_schema(
        summary=_("A company's de minimis ceiling status"),
        description=_("The single undertaking's total in the three years ending `on`, and its headroom."),
        parameters=[
            OpenApiParameter("company", str, required=True, description=_("The company's id.")),
            OpenApiParameter("on", str, required=False, description=_("A date (YYYY-MM-DD); default today.")),
        ],
        responses={200: CeilingStatusSerializer, 400: VALIDATION_ERROR},
    ),
)
class AidViewSet(mixins.CreateModelMixin, APIViewSet):
    serializer_class = AidSerializer
    filterset_class = AidFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.visible_aid(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = AidCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        company = data.pop("company")
        access.require(request.user, access.Action.CREATE, DeMinimisAid(company=company))
        try:
            aid = aid_services.record_aid(company=company, by=request.user, data=data)
        except aid_services.CeilingExceeded as error:
            raise Conflict(
                error.message,
                code="de_minimis_ceiling",
                errors={"override_reason": [error.message]},
                ceiling=error.ceiling.as_dict(),
            ) from error
        aid = self.get_queryset().get(pk=aid.pk)
        return Response(
            AidSerializer(aid, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def ceiling(self, request, *args, **kwargs):
        query = CeilingQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        company = query.validated_data["company"]
        ids = selectors.undertaking_of(company)
        figures = selectors.ceiling_status(ids, query.validated_data.get("on"))
        others = Company.objects.filter(pk__in=ids - {company.pk}).order_by("name", "pk")
        body = {
            "company": company,
            "undertaking": list(others),
            "ceiling_eur": figures.ceiling_eur,
            "window_from": figures.window_from,
            "window_to": figures.window_to,
            "total_eur": figures.total_eur,
            "remaining_eur": figures.remaining_eur,
        }
        return Response(CeilingStatusSerializer(body).data)
