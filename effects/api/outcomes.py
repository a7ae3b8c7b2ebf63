"""REST API of export outcomes: list, read, record, and change (with the version read).

Serializers only validate and render; every change goes through `effects.services.outcomes`, and every
access decision comes from `advisors.access`. The company's answers (status, what the support meant, the
ratings, ...) are read-only: only the company confirms, through its link.
"""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status

from advisors import access
from advisors.models import Organisation
from companies.models import Company, Contact
from exportcenter.api.base import VersionedViewSet
from outreach.api.serializers import CompanySummarySerializer, VisibleUUIDField
from outreach.models import Activity
from referrals.models import AdviceRequest, Referral

from ..models import ExportOutcome, OutcomePartner
from ..selectors import outcomes as selectors
from ..services import outcomes as services


class OutcomePartnerSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    rating = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The company's rating of the partner, 1–5.")
    )

    class Meta:
        model = OutcomePartner
        fields = ["organisation", "name", "rating"]
        read_only_fields = fields


class OutcomeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = CompanySummarySerializer(read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contact = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    market = serializers.CharField(source="market.code", read_only=True, help_text=_("An ISO country code."))
    partners = OutcomePartnerSerializer(source="partner_links", many=True, read_only=True)
    requests = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    activities = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    referrals = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    corrected_fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The facts the company changed when it confirmed."),
    )

    class Meta:
        model = ExportOutcome
        fields = [
            "id",
            "company",
            "region",
            "organisation",
            "contact",
            "market",
            "kind",
            "sells",
            "value_band",
            "achieved_on",
            "description",
            "partners",
            "requests",
            "activities",
            "referrals",
            *services.COMPANY_SIDE_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OutcomeWriteSerializer(serializers.Serializer):
    """What an advisor records or changes. The company's answers are not here: only the company confirms."""

    market = serializers.ChoiceField(choices=list(countries), help_text=_("An ISO country code, not SE."))
    kind = serializers.ChoiceField(choices=ExportOutcome.Kind.choices)
    sells = serializers.ChoiceField(choices=ExportOutcome.Sells.choices)
    value_band = serializers.ChoiceField(choices=ExportOutcome.ValueBand.choices)
    achieved_on = serializers.DateField()
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    contact = VisibleUUIDField(
        queryset=Contact.objects.filter(anonymised_at__isnull=True),
        required=False,
        allow_null=True,
        help_text=_("The contact person asked to confirm (a contact's id). Default: the primary contact."),
    )
    partners = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.active(),
        many=True,
        required=False,
        help_text=_("Slugs of the partner organisations that helped; each must serve the company's region."),
    )
    requests = VisibleUUIDField(
        queryset=AdviceRequest.objects.all(),
        many=True,
        required=False,
        help_text=_("The company's requests."),
    )
    activities = VisibleUUIDField(
        queryset=Activity.objects.all(), many=True, required=False, help_text=_("The company's activities.")
    )
    referrals = VisibleUUIDField(
        queryset=Referral.objects.all(), many=True, required=False, help_text=_("The company's referrals.")
    )
    version = serializers.IntegerField(required=False, min_value=1)


class OutcomeCreateSerializer(OutcomeWriteSerializer):
    company = VisibleUUIDField(queryset=Company.objects.active(), help_text=_("The company's id."))


class OutcomeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExportOutcome.Status.choices, label=_("Status"))
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    region = django_filters.CharFilter(field_name="region__slug", label=_("Region"), help_text=_("A slug."))

    class Meta:
        model = ExportOutcome
        fields = ["status", "company", "region"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List export outcomes"),
        description=_(
            "The export outcomes of your regions, newest first. Only those with status `confirmed` were "
            "confirmed by the company and count in figures."
        ),
    ),
    retrieve=extend_schema(summary=_("Show an export outcome, with the company's answers")),
    create=extend_schema(
        summary=_("Record an export outcome"),
        description=_(
            "The company's contact person is emailed a link to confirm it. Partners must serve the "
            "company's region; requests, activities and referrals must be the company's own."
        ),
        request=OutcomeCreateSerializer,
        responses={201: OutcomeSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Change an export outcome"),
        description=_(
            "Needs the version read. Changing an outcome the company has answered makes it unconfirmed: "
            "the company is asked again, and its earlier link stops working. The company's answers "
            "cannot be changed here."
        ),
        request=OutcomeWriteSerializer,
    ),
)
class OutcomeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_outcomes(self.request.user).prefetch_related(
            Prefetch("requests", queryset=AdviceRequest.objects.only("pk", "public_id")),
            Prefetch("activities", queryset=Activity.objects.only("pk", "public_id")),
            Prefetch("referrals", queryset=Referral.objects.only("pk", "public_id")),
        )

    def create(self, request, *args, **kwargs):
        serializer = OutcomeCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        company = data.pop("company")
        access.require(request.user, access.Action.CREATE, ExportOutcome(company=company))
        outcome, _asked = services.record_outcome(company=company, by=request.user, data=data)
        return self.respond(outcome, status=status.HTTP_201_CREATED, refresh=True)

    def update(self, request, *args, **kwargs):
        outcome = self.get_object()  # 404 if invisible, 403 without "change"
        version = self.required_version(outcome)
        serializer = OutcomeWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        outcome, _asked = services.update_outcome(
            outcome=outcome, by=request.user, data=data, expected_version=version
        )
        return self.respond(outcome, refresh=True)
