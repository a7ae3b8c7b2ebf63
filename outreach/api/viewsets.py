"""The outreach API's viewsets, with their OpenAPI documentation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from advisors.models import Region
from companies import selectors as company_selectors
from exportcenter.api.base import APIViewSet, VersionedViewSet

from .. import selectors, services
from ..models import Activity, Campaign, CampaignMember, FollowUp
from .filters import ActivityFilter, CampaignFilter, FollowUpFilter
from .serializers import (
    ActivityCreateSerializer,
    ActivitySerializer,
    AddMemberSerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    FollowUpCreateSerializer,
    FollowUpSerializer,
    FollowUpUpdateSerializer,
    MemberSerializer,
    MemberStatusSerializer,
)


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
