"""REST API of a project's indicators: `/api/v1/projects/<id>/indicators/?from=&to=`.

The same figures as the indicators page (projects.selectors.indicators), validated by the same period form:
a date that is not valid is a 400 with the errors per field, and a project the user may not see a 404."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from exportcenter.api.problems import NOT_FOUND, SIGNED_OUT, VALIDATION_ERROR, invalid_form

from ..forms.indicators import IndicatorPeriodForm
from ..models import SizeClass, SupportKind
from ..selectors import indicators as selectors


class IndicatorPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("The first day (included)."))
    end = serializers.DateField(help_text=_("The last day (included)."))


class IndicatorSizeCountSerializer(serializers.Serializer):
    size_class = serializers.ChoiceField(choices=SizeClass.choices)
    label = serializers.CharField()
    value = serializers.IntegerField()


class IndicatorPartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(source="country.code", help_text=_("An ISO country code."))
    region_name = serializers.CharField()
    is_lead = serializers.BooleanField()
    in_portal = serializers.BooleanField()


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code", help_text=_("For example RCO01."))
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    definition = serializers.CharField(source="indicator.definition", help_text=_("The funder's meaning."))
    rule = serializers.CharField(source="indicator.rule", help_text=_("How the portal counts it."))
    source = serializers.CharField(source="indicator.source", help_text=_("The regulation that defines it."))
    value = serializers.IntegerField(
        allow_null=True, help_text=_("Null when the indicator does not apply (RCO87 outside Interreg).")
    )
    sizes = IndicatorSizeCountSerializer(many=True, help_text=_("RCO01 only: by size at enrolment."))
    companies = serializers.SerializerMethodField(help_text=_("The ids of the companies it counts."))
    organisations = IndicatorPartnerSerializer(
        source="partners", many=True, help_text=_("RCO87 only: the organisations it counts.")
    )

    def get_companies(self, figure) -> list[str]:
        return [str(row.company.public_id) for row in figure.companies]


class CountedCompanySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="company.public_id")
    name = serializers.CharField(source="company.name")
    org_number = serializers.CharField(source="company.org_number", allow_null=True)
    size_class = serializers.ChoiceField(choices=SizeClass.choices, help_text=_("The size at enrolment."))
    joined_on = serializers.DateField()
    registered_on = serializers.DateField(allow_null=True)
    new_enterprise = serializers.BooleanField(
        source="is_new", allow_null=True, help_text=_("Null when the registration date is not known.")
    )
    support_kinds = serializers.ListField(child=serializers.ChoiceField(choices=SupportKind.choices))
    first_support_on = serializers.DateField(help_text=_("The first support in the period."))
    merged = serializers.SerializerMethodField(help_text=_("The ids of the companies merged into it."))

    def get_merged(self, row) -> list[str]:
        return [str(company.public_id) for company in row.merged]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["support_kinds"] = sorted(instance.support_kinds)
        return data


class ProjectIndicatorsSerializer(serializers.Serializer):
    project = serializers.UUIDField(source="project.public_id")
    period = IndicatorPeriodSerializer()
    indicators = IndicatorSerializer(source="figures", many=True)
    companies = CountedCompanySerializer(
        many=True, help_text=_("Every company counted in RCO01, once (a merged company as its survivor).")
    )


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="The first day (included). Default: the project's start."
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description=(
            "The last day (included). Default: the project's end. Dates run from 2000 to ten years ahead, "
            "and `to` may not be before `from`: otherwise a 400 with the errors per field."
        ),
    ),
]


@extend_schema(
    operation_id="project_indicators",
    summary=_("A project's indicators for the funder"),
    description=(
        "The ERDF common output indicators RCO01–RCO05 and, for Interreg, RCO87 (Regulation (EU) "
        "2021/1058, Annex I), for the project and period. A company counts when it got support given in "
        "the period, once per project; a merged company counts as the company it merged into; the size is "
        "the one recorded at enrolment."
    ),
    parameters=PERIOD_PARAMETERS,
    responses={200: ProjectIndicatorsSerializer, 400: VALIDATION_ERROR, 401: SIGNED_OUT, 404: NOT_FOUND},
)
@api_view(["GET"])
def project_indicators(request, public_id):
    project = selectors.visible_project(request.user, public_id)
    if project is None:
        raise NotFound
    form = IndicatorPeriodForm(request.query_params or None, project=project)
    if form.is_bound and not form.is_valid():
        raise invalid_form(form)
    result = selectors.project_indicators(project, form.period())
    return Response(ProjectIndicatorsSerializer(result).data)
