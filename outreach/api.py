"""REST API of outreach: campaigns (with their target lists), activities and follow-ups.

Serializers only validate and render; every change goes through `outreach.services`, and every access
decision comes from `advisors.access`. Follow-ups carry a version: a change needs the version read
(If-Match or `version`), see `exportcenter.api.concurrency`. A service's ValidationError answers 400 and
a stale version 412 through the API's exception handler.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from advisors.models import Organisation, Region, User
from companies import selectors as company_selectors
from companies.models import Company, Contact
from exportcenter.api.base import APIViewSet, VersionedViewSet
from referrals.api import PersonSerializer
from referrals.models import AdviceRequest

from . import selectors, services
from .models import Activity, Campaign, CampaignMember, FollowUp


class CompanySummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)


class VisibleUUIDField(serializers.SlugRelatedField):
    """A related object by its public id, among those the user may see (others are "does not exist")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "public_id")
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return access.visible(getattr(request, "user", None), super().get_queryset())

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:  # not a UUID
            self.fail("invalid")


# --- Campaigns ----------------------------------------------------------------------------------------


class TargetFilterSerializer(serializers.Serializer):
    """The company filter of a target list (the same filters as `/api/v1/companies/`)."""

    county = serializers.CharField(required=False, help_text=_("A county code, e.g. 03."))
    municipality = serializers.CharField(required=False, help_text=_("A municipality code, e.g. 0381."))
    sni_section = serializers.CharField(required=False, help_text=_("An SNI 2025 section letter, e.g. C."))
    employee_bands = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_('SCB employee bands, e.g. ["10-19", "20-49"] for 10–49 employees.'),
    )
    export_experience = serializers.CharField(required=False, help_text=_("e.g. never"))
    target_market = serializers.CharField(required=False, help_text=_("An ISO country code."))
    responsible_organisation = serializers.IntegerField(required=False)


class CampaignSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    member_count = serializers.IntegerField(read_only=True, help_text=_("Companies on the target list."))
    reached_count = serializers.IntegerField(
        read_only=True, help_text=_("Companies on the list whose status is past “to contact”.")
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "goal",
            "region",
            "organisation",
            "starts_on",
            "ends_on",
            "target_filter",
            "member_count",
            "reached_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    goal = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    region = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Region.objects.filter(is_active=True),
        required=False,
        help_text=_("The region's slug. Default: your (first) region."),
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("The owning organisation's slug. Default: yours."),
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    filter = TargetFilterSerializer(
        required=False, help_text=_("Which companies make up the target list. Empty: every company you see.")
    )


class MemberSerializer(serializers.ModelSerializer):
    company = CompanySummarySerializer(read_only=True)

    class Meta:
        model = CampaignMember
        fields = ["id", "company", "status", "added_at", "status_changed_at"]
        read_only_fields = fields


class AddMemberSerializer(serializers.Serializer):
    company = serializers.UUIDField(help_text=_("The company's id."))


class MemberStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CampaignMember.Status.choices)


class CampaignFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__slug", label=_("Region"), help_text=_("A slug."))
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Owning organisation"), help_text=_("A slug.")
    )
    running_on = django_filters.DateFilter(
        method="filter_running_on",
        label=_("Running on"),
        help_text=_("Campaigns whose period includes this day."),
    )

    class Meta:
        model = Campaign
        fields = ["region", "organisation", "running_on"]

    def filter_running_on(self, queryset, name, value):
        return queryset.running_on(value)


@extend_schema_view(
    list=extend_schema(summary=_("List campaigns"), description=_("The outreach campaigns of your regions.")),
    retrieve=extend_schema(summary=_("Show a campaign")),
)
class CampaignViewSet(mixins.CreateModelMixin, APIViewSet):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def get_queryset(self):
        return selectors.visible_campaigns(self.request.user)

    def _campaign(self) -> Campaign:
        """The campaign of a target-list action: what the action needs is checked on the member (or
        the campaign) by the action itself, not by the HTTP method."""
        campaign = self.get_queryset().filter(public_id=self.kwargs["public_id"]).first()
        if campaign is None:
            raise exceptions.NotFound
        return campaign

    @extend_schema(
        summary=_("Create a campaign from a company filter"),
        description=_(
            "The companies matching `filter` now become the target list (at most 5,000). "
            "Advisors and leads create campaigns for their own organisation; regional staff for any "
            "organisation serving the region."
        ),
        request=CampaignCreateSerializer,
        responses={201: CampaignSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = CampaignCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        region = data.get("region") or access.visible(user, Region.objects.filter(is_active=True)).first()
        organisation = data.get("organisation") or user.organisation
        if region is None or organisation is None:
            raise exceptions.PermissionDenied
        access.require(user, access.Action.CREATE, Campaign(region=region, organisation=organisation))
        filter_data = {
            name: [str(item) for item in value] if isinstance(value, list) else str(value)
            for name, value in (data.get("filter") or {}).items()
        }
        filterset = selectors.target_filter(
            user, selectors.filter_query(filter_data) if filter_data else None
        )
        if filterset.is_bound and not filterset.is_valid():
            raise exceptions.ValidationError({"filter": filterset.errors})
        campaign = services.create_campaign(
            by=user,
            region=region,
            organisation=organisation,
            name=data["name"],
            goal=data.get("goal", ""),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            companies=filterset.qs,
            target_filter=filter_data,
        )
        campaign = self.get_queryset().get(pk=campaign.pk)
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary=_("List a campaign's target list"),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=CampaignMember.Status.values,
                description=_("Only this status."),
            )
        ],
        responses={200: MemberSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Add a company to the target list"),
        request=AddMemberSerializer,
        responses={201: MemberSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def members(self, request, public_id=None):
        campaign = self._campaign()
        if request.method == "GET":
            members = selectors.campaign_members(campaign, status=request.query_params.get("status", ""))
            page = self.paginate_queryset(members)
            return self.get_paginated_response(MemberSerializer(page, many=True).data)
        access.require(request.user, access.Action.CHANGE, campaign)
        serializer = AddMemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        companies = company_selectors.visible_companies(request.user).filter(
            public_id=serializer.validated_data["company"]
        )
        if not companies.exists():
            raise exceptions.ValidationError({"company": [_("There is no such company that you may see.")]})
        services.add_members(campaign=campaign, companies=companies, by=request.user)
        member = selectors.campaign_members(campaign).get(company__in=companies)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        summary=_("Change how far the contact with a company has come"),
        request=MemberStatusSerializer,
        responses={200: MemberSerializer},
    )
    @extend_schema(
        methods=["DELETE"],
        summary=_("Take a company off the target list"),
        description=_("Its activities and follow-ups stay."),
        responses={204: None},
    )
    @action(detail=True, methods=["patch", "delete"], url_path="members/<int:member_id>", filter_backends=[])
    def member(self, request, public_id=None, member_id=None):
        campaign = self._campaign()
        member = selectors.member_for(request.user, campaign, member_id)
        if member is None or member.is_removed:
            raise exceptions.NotFound
        if request.method == "DELETE":
            access.require(request.user, access.Action.DELETE, member)
            services.remove_member(member=member, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        access.require(request.user, access.Action.CHANGE_STATUS, member)
        serializer = MemberStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_member_status(member=member, status=serializer.validated_data["status"], by=request.user)
        return Response(MemberSerializer(selectors.campaign_members(campaign).get(pk=member.pk)).data)


# --- Activities ---------------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = CompanySummarySerializer(read_only=True)
    campaign = serializers.UUIDField(
        source="campaign_member.campaign.public_id", read_only=True, allow_null=True, default=None
    )
    request = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    participants = PersonSerializer(many=True, read_only=True)
    contacts = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    created_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "company",
            "occurred_on",
            "campaign",
            "campaign_member",
            "request",
            "participants",
            "contacts",
            "notes",
            "outcome",
            "organisation",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ActivityCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    company = VisibleUUIDField(queryset=Company.objects.active(), help_text=_("The company's id."))
    occurred_on = serializers.DateField()
    participants = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
        help_text=_("User ids of the advisors who took part. Default: you."),
    )
    contacts = VisibleUUIDField(
        queryset=Contact.objects.all(), many=True, required=False, help_text=_("Ids of the contacts met.")
    )
    campaign_member = serializers.PrimaryKeyRelatedField(
        queryset=CampaignMember.objects.all(), required=False, allow_null=True, help_text=_("A member id.")
    )
    request = VisibleUUIDField(
        queryset=AdviceRequest.objects.all(), required=False, allow_null=True, help_text=_("A request's id.")
    )
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["participants"].child_relation.queryset = selectors.participant_choices(user)
        self.fields["campaign_member"].queryset = access.visible(user, CampaignMember.objects.all())


class ActivityFilter(django_filters.FilterSet):
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    campaign = django_filters.UUIDFilter(
        field_name="campaign_member__campaign__public_id", label=_("Campaign")
    )
    request = django_filters.UUIDFilter(field_name="request__public_id", label=_("Request"))
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Activity
        fields = ["company", "campaign", "request", "kind", "date_from", "date_to"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List activities"),
        description=_("Activities with companies of your regions, newest first."),
    ),
    retrieve=extend_schema(summary=_("Show an activity")),
    create=extend_schema(
        summary=_("Log an activity"),
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer},
    ),
)
class ActivityViewSet(mixins.CreateModelMixin, APIViewSet):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get_queryset(self):
        return selectors.visible_activities(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = ActivityCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access.require(request.user, access.Action.CREATE, Activity(company=data["company"]))
        activity = services.log_activity(
            by=request.user,
            company=data["company"],
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            participants=data.get("participants") or [],
            contacts=data.get("contacts") or [],
            notes=data.get("notes", ""),
            outcome=data.get("outcome", ""),
            campaign_member=data.get("campaign_member"),
            request=data.get("request"),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=activity.pk)).data, status=status.HTTP_201_CREATED
        )


# --- Follow-ups ---------------------------------------------------------------------------------------


class FollowUpSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = PersonSerializer(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    company = CompanySummarySerializer(read_only=True)
    request = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    activity = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "description",
            "due_on",
            "due_time",
            "remind_on",
            "status",
            "owner",
            "organisation",
            "company",
            "request",
            "activity",
            "campaign_member",
            "completed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FollowUpCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=1000)
    due_on = serializers.DateField()
    due_time = serializers.TimeField(required=False, allow_null=True, default=None)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        help_text=_("A user id. Default: you. Leads may choose a colleague."),
    )
    company = VisibleUUIDField(
        queryset=Company.objects.active(), required=False, help_text=_("The company's id.")
    )
    request = VisibleUUIDField(
        queryset=AdviceRequest.objects.all(), required=False, help_text=_("A request's id.")
    )
    activity = VisibleUUIDField(
        queryset=Activity.objects.all(), required=False, help_text=_("An activity's id.")
    )
    campaign_member = serializers.PrimaryKeyRelatedField(
        queryset=CampaignMember.objects.none(), required=False, help_text=_("A campaign member's id.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["owner"].queryset = selectors.assignable_owners(user)
        self.fields["campaign_member"].queryset = access.visible(user, CampaignMember.objects.all())

    def validate(self, attrs):
        if not any(attrs.get(name) for name in ("company", "request", "activity", "campaign_member")):
            raise serializers.ValidationError(
                _("Say what the follow-up is about: a company, request, activity or campaign member.")
            )
        return attrs


class FollowUpUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=1000, required=False)
    due_on = serializers.DateField(required=False)
    due_time = serializers.TimeField(required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Reassign (owners and leads only): a user id of the owner's organisation."),
    )
    status = serializers.ChoiceField(choices=FollowUp.Status.choices, required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class FollowUpFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FollowUp.Status.choices, label=_("Status"))
    owner = django_filters.CharFilter(
        method="filter_owner", label=_("Owner"), help_text=_("A user id, or “me”.")
    )
    company = django_filters.UUIDFilter(field_name="company__public_id", label=_("Company"))
    request = django_filters.UUIDFilter(field_name="request__public_id", label=_("Request"))
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due from"))
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("Due to"))

    class Meta:
        model = FollowUp
        fields = ["status", "owner", "company", "request", "due_from", "due_to"]

    def filter_owner(self, queryset, name, value):
        if value == "me":
            return queryset.filter(owner=self.request.user)
        if not value.isdigit():
            raise exceptions.ValidationError({"owner": [_("Give a user id, or “me”.")]})
        return queryset.filter(owner_id=int(value))


@extend_schema_view(
    list=extend_schema(
        summary=_("List follow-ups"),
        description=_("Your follow-ups and your organisation's, by due date."),
    ),
    retrieve=extend_schema(summary=_("Show a follow-up")),
    create=extend_schema(
        summary=_("Add a follow-up"),
        description=_(
            "About a company, a request, an activity or a campaign member. The owner is reminded on the "
            "morning of the due date, or on the working day before when it is a weekend or a holiday."
        ),
        request=FollowUpCreateSerializer,
        responses={201: FollowUpSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Change, complete or reassign a follow-up"),
        description=_("Needs the version read. Only the owner and the organisation's leads reassign."),
        request=FollowUpUpdateSerializer,
    ),
)
class FollowUpViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_follow_ups(self.request.user).order_by("due_on", "due_time", "pk")

    def create(self, request, *args, **kwargs):
        serializer = FollowUpCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        owner = data.get("owner") or request.user
        company = services.follow_up_company(
            company=data.get("company"),
            request=data.get("request"),
            activity=data.get("activity"),
            campaign_member=data.get("campaign_member"),
        )
        access.require(request.user, access.Action.CREATE, FollowUp(owner=owner, company=company))
        follow_up = services.create_follow_up(
            by=request.user,
            owner=owner,
            description=data["description"],
            due_on=data["due_on"],
            due_time=data.get("due_time"),
            company=company,
            request=data.get("request"),
            activity=data.get("activity"),
            campaign_member=data.get("campaign_member"),
        )
        return self.respond(follow_up, status=status.HTTP_201_CREATED, refresh=True)

    def update(self, request, *args, **kwargs):
        follow_up = self.get_object()  # 404 if invisible, 403 without "change"
        version = self.required_version(follow_up)
        serializer = FollowUpUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        new_status = data.pop("status", None)
        if "owner" in data and data["owner"].pk != follow_up.owner_id:
            access.require(request.user, access.Action.ASSIGN, follow_up)
        if data:
            follow_up = services.update_follow_up(
                follow_up=follow_up, by=request.user, expected_version=version, **data
            )
            version = follow_up.version
        if new_status:
            follow_up = services.set_follow_up_status(
                follow_up=follow_up, by=request.user, status=new_status, expected_version=version
            )
        return self.respond(follow_up, refresh=True)
