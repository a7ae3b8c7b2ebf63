"""The outreach API's serializers: campaigns, members, activities and follow-ups."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from advisors import access
from advisors.models import Organisation, Region, User
from companies.models import Company, Contact
from referrals.api import PersonSerializer
from referrals.models import AdviceRequest

from .. import selectors
from ..models import Activity, Campaign, CampaignMember, FollowUp


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
