"""The serializers of the requests and referrals API: what it renders, what it takes, and its conflicts."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from advisors import access
from advisors.models import Organisation, User
from exportcenter.api.problems import (
    Conflict,
    ProblemSerializer,
)

from .. import selectors, services
from ..forms import DUPLICATE_NEEDS_ORIGINAL
from ..models import AdviceRequest, NeedCategory, Referral, RequestEvent
from .attachments import EventAttachmentSerializer

Status = AdviceRequest.Status


# --- Rendering ------------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text=_("The user id, e.g. to assign a request."))
    name = serializers.CharField(source="full_name", read_only=True)


class OrganisationSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class RequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    company = serializers.SerializerMethodField()
    needs = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    target_markets = serializers.SerializerMethodField()
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner_advisor = PersonSerializer(read_only=True, allow_null=True, help_text=_("The advisor who has it."))
    duplicate_of = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, help_text=_("The request this one duplicates.")
    )
    deadline_state = serializers.CharField(read_only=True)

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "reference",
            "status",
            "channel",
            "priority",
            "region",
            "company",
            "needs",
            "target_markets",
            "description",
            "language",
            "owner_organisation",
            "owner_advisor",
            "first_response_due_at",
            "first_response_at",
            "deadline_state",
            "outcome",
            "outcome_comment",
            "duplicate_of",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}},
        }
    )
    def get_company(self, obj):
        return {"id": str(obj.company.public_id), "name": obj.company.name}

    @extend_schema_field({"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}})
    def get_target_markets(self, obj) -> list[str]:
        return [str(code) for code in obj.target_markets]


class EventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(
        read_only=True, allow_null=True, help_text=_("Empty: the company or the system.")
    )
    organisation = OrganisationSummarySerializer(
        read_only=True, allow_null=True, help_text=_("The author's organisation.")
    )
    attachments = EventAttachmentSerializer(
        many=True, read_only=True, help_text=_("The files of this entry, with their downloads.")
    )

    class Meta:
        model = RequestEvent
        fields = [
            "id",
            "kind",
            "actor",
            "organisation",
            "body",
            "visibility",
            "data",
            "attachments",
            "created_at",
        ]
        read_only_fields = fields


# --- Input ----------------------------------------------------------------------------------------

NOTE_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 2000
_REFERENCE = re.compile(r"^EC-\d{4}-\d{6}$", re.IGNORECASE)
SELF_DUPLICATE = _("A request cannot be a duplicate of itself.")


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you read. Required unless you send it in the If-Match header."),
    )


class AssignSerializer(VersionedSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.active(),
        required=False,
        help_text=_("Into this partner organisation's queue (its slug)."),
        error_messages={"does_not_exist": _("There is no active partner organisation “{value}”.")},
    )
    advisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        help_text=_("To this advisor (a user id); the request goes to the advisor's organisation."),
        error_messages={
            "does_not_exist": _("There is no active advisor with id {pk_value} in your regions.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["advisor"].queryset = access.visible(user, User.objects.filter(is_active=True))

    def validate(self, attrs):
        if ("organisation" in attrs) == ("advisor" in attrs):
            raise serializers.ValidationError(_("Send either an organisation or an advisor."), code="invalid")
        return attrs


def original_for(user, advice_request: AdviceRequest, value: str) -> AdviceRequest:
    """The request that `advice_request` duplicates: a reference or an id of a request the user may see."""
    requests = selectors.visible_requests(user).select_related("duplicate_of")
    if _REFERENCE.match(value):
        original = requests.filter(reference__iexact=value).first()
    else:
        try:
            public_id = serializers.UUIDField().to_internal_value(value)
        except serializers.ValidationError:
            raise serializers.ValidationError(
                _("Enter a reference like EC-2026-000012, or a request id."), code="invalid"
            ) from None
        original = requests.filter(public_id=public_id).first()
    if original is None:
        raise serializers.ValidationError(
            _("There is no request “%(of)s” that you may see.") % {"of": value}, code="does_not_exist"
        )
    if original.pk == advice_request.pk:
        raise serializers.ValidationError(SELF_DUPLICATE, code="self")
    if original.duplicate_of_id is not None:
        raise serializers.ValidationError(chained_duplicate(original), code="duplicate")
    return original


def chained_duplicate(original: AdviceRequest) -> str:
    return _("%(reference)s is itself a duplicate of %(original)s: choose that one.") % {
        "reference": original.reference,
        "original": original.duplicate_of.reference,
    }


class TransitionSerializer(VersionedSerializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text=_("The new status."))
    outcome = serializers.ChoiceField(
        choices=AdviceRequest.Outcome.choices,
        required=False,
        allow_blank=True,
        help_text=_("Required when closing, and only then."),
    )
    duplicate_of = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_(
            "Required with the outcome “duplicate”, and only then: the original request, its reference "
            "(EC-2026-000012) or its id."
        ),
    )
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text=_("Shown on the timeline; when closing, kept as the closing comment."),
    )

    def validate(self, attrs):
        closing = attrs["status"] == Status.CLOSED
        if closing and not attrs.get("outcome"):
            raise serializers.ValidationError(
                {"outcome": [_("Choose an outcome to close the request.")]}, code="required"
            )
        if attrs.get("outcome") and not closing:
            raise serializers.ValidationError(
                {"outcome": [_("An outcome is only given when closing the request.")]}, code="invalid"
            )
        reference = attrs.pop("duplicate_of", "").strip()
        if attrs.get("outcome") == AdviceRequest.Outcome.DUPLICATE:
            if not reference:
                raise serializers.ValidationError(
                    {"duplicate_of": [DUPLICATE_NEEDS_ORIGINAL]}, code="required"
                )
            try:
                attrs["duplicate_of"] = original_for(
                    self.context["request"].user, self.context["advice_request"], reference
                )
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"duplicate_of": error.detail}) from None
        elif reference:
            raise serializers.ValidationError(
                {"duplicate_of": [_("An original is only given when closing the request as a duplicate.")]},
                code="invalid",
            )
        return attrs


class PrioritySerializer(VersionedSerializer):
    priority = serializers.ChoiceField(choices=AdviceRequest.Priority.choices)


class DuplicateSerializer(VersionedSerializer):
    of = serializers.CharField(
        max_length=40,
        help_text=_("The original request: its reference (EC-2026-000012) or its id."),
    )

    def validate_of(self, value):
        return original_for(self.context["request"].user, self.context["advice_request"], value)


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    visibility = serializers.ChoiceField(
        choices=RequestEvent.Visibility.choices,
        default=RequestEvent.Visibility.ALL_PARTNERS,
        help_text=_("All partners of the region, or your organisation only. The company never sees notes."),
    )


class MessageSerializer(VersionedSerializer):
    body = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Shown on the company's status page and sent to its contact person by email."),
    )


# --- Errors ---------------------------------------------------------------------------------------


class TransitionConflictSerializer(ProblemSerializer):
    """A 409: the request cannot move to this status from its status now."""

    current = serializers.ChoiceField(choices=Status.choices, help_text=_("The request's status now."))
    # Plain strings: a second enum of the same statuses would only confuse the schema.
    target = serializers.CharField(help_text=_("The status you asked for."))
    allowed = serializers.ListField(
        child=serializers.CharField(), help_text=_("The statuses it may move to from here.")
    )


class ClaimConflictSerializer(ProblemSerializer):
    """A 409 to "take it": someone else has the request (or it can no longer be taken)."""

    taken_by = serializers.CharField(
        required=False, help_text=_("The name of the advisor who has the request now (`already_claimed`).")
    )


def claim_conflict(owner) -> Conflict:
    """A lost claim: who took the request instead."""
    return Conflict(
        _("%(name)s has already taken this request.") % {"name": owner.full_name},
        code="already_claimed",
        taken_by=owner.full_name,
    )


def transition_conflict(refused: services.TransitionNotAllowed) -> Conflict:
    allowed = services.ALLOWED_TRANSITIONS.get(refused.current, set())
    detail = _("The request is “%(current)s” and cannot move to “%(target)s”.") % {
        "current": Status(refused.current).label,
        "target": Status(refused.target).label,
    }
    return Conflict(
        detail,
        code="transition_not_allowed",
        current=refused.current,
        target=refused.target,
        allowed=[value for value in Status.values if value in allowed],
    )


def invalid_assignee(
    request: AdviceRequest, *, organisation=None, advisor=None
) -> exceptions.ValidationError:
    """Why `services.assign` refused, as a field error on the field that was sent."""
    field = "advisor" if advisor is not None else "organisation"
    if advisor is not None:
        organisation = advisor.organisation
        if organisation is None:
            message = _("%(name)s belongs to no partner organisation.") % {"name": advisor.full_name}
            return exceptions.ValidationError({field: [message]})
    if not organisation.is_active or request.region_id is None:
        message = _("%(organisation)s is not active.") % {"organisation": organisation.name}
    else:
        message = _("%(organisation)s does not serve %(region)s.") % {
            "organisation": organisation.name,
            "region": request.region.name,
        }
    return exceptions.ValidationError({field: [message]})


# --- Routing suggestions and referring ------------------------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    organisation = OrganisationSummarySerializer(read_only=True, help_text=_("A partner serving the region."))
    score = serializers.IntegerField(
        read_only=True, help_text=_("Higher is a better fit; 0: nothing points to it.")
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Why, in words, in your language.")
    )
    open_requests = serializers.IntegerField(
        read_only=True, help_text=_("Its current workload: the open requests it owns.")
    )


class ConsentSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(
        help_text=_("The company agreed that its information is shared with the receiving organisation.")
    )
    method = serializers.ChoiceField(
        choices=Referral.ConsentMethod.choices, help_text=_("How the company agreed.")
    )
    details = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_("Who agreed and when, e.g. “Karin Berg, by phone on 3 March”."),
    )

    def validate_confirmed(self, value):
        if not value:
            raise serializers.ValidationError(
                _("A request is referred only when the company has agreed."), code="consent"
            )
        return value


class ReferSerializer(VersionedSerializer):
    to_organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.active(),
        help_text=_("The receiving partner organisation (its slug), in this region or a cooperating one."),
        error_messages={"does_not_exist": _("There is no active partner organisation “{value}”.")},
    )
    scope = serializers.ChoiceField(
        choices=Referral.Scope.choices,
        default=Referral.Scope.WHOLE,
        help_text=_("The whole request (the receiver takes it over) or selected needs (it co-handles them)."),
    )
    needs = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=NeedCategory.objects.all(),
        required=False,
        help_text=_("With the scope “needs”: slugs of the request's needs to refer."),
    )
    note = serializers.CharField(
        max_length=3000, help_text=_("The handover note. Never shown to the company.")
    )
    consent = ConsentSerializer()

    def validate(self, attrs):
        needs = attrs.get("needs") or []
        if attrs["scope"] == Referral.Scope.NEEDS and not needs:
            raise serializers.ValidationError(
                {"needs": [_("Choose at least one need, or refer the whole request.")]}, code="required"
            )
        if attrs["scope"] == Referral.Scope.WHOLE and needs:
            raise serializers.ValidationError(
                {"needs": [_("Needs are only sent with the scope “needs”.")]}, code="invalid"
            )
        return attrs


class ReferralRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    reference = serializers.CharField(read_only=True)
    company = serializers.CharField(source="company.name", read_only=True)


class ReferralSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    request = ReferralRequestSerializer(read_only=True)
    from_organisation = OrganisationSummarySerializer(read_only=True)
    to_organisation = OrganisationSummarySerializer(read_only=True)
    created_by = PersonSerializer(read_only=True, allow_null=True, help_text=_("Who referred it."))
    needs = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text=_("The needs referred (scope “needs”).")
    )
    consent = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=_("pending, accepted, declined or withdrawn."))
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Pending after its answer-by time."))
    answered_by = PersonSerializer(
        read_only=True, allow_null=True, help_text=_("Who accepted, declined or withdrew it.")
    )
    advisor = PersonSerializer(
        read_only=True, allow_null=True, help_text=_("The receiver's advisor who took it on.")
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "request",
            "from_organisation",
            "to_organisation",
            "created_by",
            "scope",
            "needs",
            "note",
            "consent",
            "status",
            "due_at",
            "is_overdue",
            "answered_at",
            "answered_by",
            "advisor",
            "decline_reason",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsentSerializer)
    def get_consent(self, obj):
        return {
            "confirmed": obj.consent_confirmed,
            "method": obj.consent_method,
            "details": obj.consent_details,
        }


class AcceptSerializer(VersionedSerializer):
    advisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("Optional: the user id of your organisation's advisor who takes it on."),
        error_messages={
            "does_not_exist": _("There is no active advisor with id {pk_value} in your organisation.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        referral = self.context.get("referral")  # absent when the schema is generated
        if referral is not None:
            self.fields["advisor"].queryset = selectors.organisation_advisors(referral.to_organisation_id)


class DeclineSerializer(VersionedSerializer):
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why: it goes back to the sender, on the request's timeline.")
    )


REFERRAL_REFUSAL_FIELDS = {
    services.ReferralRefused.SAME_ORGANISATION: "to_organisation",
    services.ReferralRefused.INACTIVE_ORGANISATION: "to_organisation",
    services.ReferralRefused.UNKNOWN_NEEDS: "needs",
    services.ReferralRefused.NO_SENDER: "to_organisation",
}


def referral_refused(refused: services.ReferralRefused) -> exceptions.APIException:
    """A refusal about the input is a field error (400); one about the request's state a conflict (409)."""
    field = REFERRAL_REFUSAL_FIELDS.get(refused.code)
    if field is not None:
        return exceptions.ValidationError({field: [refused.message]})
    return Conflict(refused.message)


class ReferralConflictSerializer(ProblemSerializer):
    """A 409: the referral is no longer pending, or its request is closed."""

    current = serializers.CharField(help_text=_("The referral's status now."))


def not_pending(answered: services.ReferralNotPending) -> Conflict:
    return Conflict(
        _("The referral is no longer waiting for an answer: it is “%(status)s”.")
        % {"status": Referral.Status(answered.status).label},
        code="not_pending",
        current=answered.status,
    )
