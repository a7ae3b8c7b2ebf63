"""REST API of surveys (read only): satisfaction surveys and follow-up surveys.

Rows follow `advisors.access` (the people of the survey's region; the national role sees none). The free
text is the `comment` field, given only where access allows it ("view_personal_data": the owning
organisation and regional staff) and null elsewhere. Aggregates are in `/api/v1/stats/satisfaction/`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from advisors import access
from exportcenter.api.base import APIViewSet

from ..models import FollowUpSurvey, SatisfactionSurvey, SurveyStatus


class SurveyFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug", label=_("Region"), help_text=_("A slug."))
    status = django_filters.ChoiceFilter(choices=SurveyStatus.choices, label=_("Status"))
    answered_from = django_filters.DateFilter(
        field_name="answered_at__date", lookup_expr="gte", label=_("Answered from")
    )
    answered_to = django_filters.DateFilter(
        field_name="answered_at__date", lookup_expr="lte", label=_("Answered to")
    )


class SatisfactionSurveyFilter(SurveyFilter):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Partner"), help_text=_("A slug.")
    )

    class Meta:
        model = SatisfactionSurvey
        fields = ["region", "organisation", "status", "answered_from", "answered_to"]


class FollowUpSurveyFilter(SurveyFilter):
    wave = django_filters.TypedChoiceFilter(
        choices=FollowUpSurvey.Wave.choices, coerce=int, label=_("Wave (months)")
    )

    class Meta:
        model = FollowUpSurvey
        fields = ["region", "wave", "status", "answered_from", "answered_to"]


class _CommentMixin(serializers.Serializer):
    comment = serializers.SerializerMethodField(
        help_text=_("The company's free text; null when you may not read it (or it was not answered).")
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_comment(self, survey) -> str | None:
        user = self.context["request"].user
        if survey.status != SurveyStatus.ANSWERED:
            return None
        return survey.comment if access.can(user, access.Action.VIEW_PERSONAL_DATA, survey) else None


class SatisfactionSurveySerializer(_CommentMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    request = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "request",
            "organisation",
            "region",
            "status",
            "skip_reason",
            "sent_at",
            "answered_at",
            "satisfaction",
            "right_partner_in_one_day",
            "handover_clear",
            "comment",
        ]
        read_only_fields = fields


class FollowUpSurveySerializer(_CommentMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = serializers.UUIDField(source="company.public_id", read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = FollowUpSurvey
        fields = [
            "id",
            "company",
            "region",
            "wave",
            "helped_on",
            "status",
            "skip_reason",
            "sent_at",
            "answered_at",
            "exports_goods",
            "exports_services",
            "imports",
            "international_cooperation",
            "foreign_group_member",
            "operations_abroad",
            "comment",
        ]
        read_only_fields = fields


def _survey_schema(*, list_summary, list_description, retrieve_summary):
    return extend_schema_view(
        list=extend_schema(summary=list_summary, description=list_description),
        retrieve=extend_schema(summary=retrieve_summary),
    )


class _SurveyViewSet(APIViewSet):
    # The surveys of the user's regions (`advisors.access`), newest first. (No docstring: the API schema
    # would show it as the description of "retrieve".)
    model: type
    related: tuple[str, ...] = ()

    def get_queryset(self):
        return access.visible(
            self.request.user,
            self.model.objects.select_related(*self.related).order_by("-created_at", "-pk"),
        )


@_survey_schema(
    list_summary=_("List satisfaction surveys"),
    list_description=_(
        "The satisfaction surveys of your regions, newest first: sent, answered or not sent (with why). "
        "The free text only where you may read it."
    ),
    retrieve_summary=_("Show a satisfaction survey"),
)
class SatisfactionSurveyViewSet(_SurveyViewSet):
    serializer_class = SatisfactionSurveySerializer
    filterset_class = SatisfactionSurveyFilter
    model = SatisfactionSurvey
    related = ("request", "organisation", "region")


@_survey_schema(
    list_summary=_("List follow-up surveys"),
    list_description=_(
        "The follow-up surveys (6 and 12 months after help) of your regions, newest first. The free "
        "text for regional staff only."
    ),
    retrieve_summary=_("Show a follow-up survey"),
)
class FollowUpSurveyViewSet(_SurveyViewSet):
    serializer_class = FollowUpSurveySerializer
    filterset_class = FollowUpSurveyFilter
    model = FollowUpSurvey
    related = ("company", "region")
