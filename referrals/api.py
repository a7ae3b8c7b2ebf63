"""REST API of advice requests (the shared inbox's list, detail, timeline and actions, the routing
suggestions and referring) and of the referrals between partners (list, detail, accept, decline, withdraw).

Serializers only validate and render; every change goes through `referrals.services`, and every access
decision comes from `advisors.access` (`RequestViewSet.write_access` declares what each action needs).
Changes that bump the request's version need the version the client read (see
`exportcenter.api.concurrency`); a stale version answers 412 through the API's exception handler.
"""

import re

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from advisors.models import Organisation, User
from exportcenter.api.base import VersionedViewSet
from exportcenter.api.concurrency import etag_header
from exportcenter.api.problems import (
    Conflict,
    ProblemSerializer,
)

from . import routing, selectors, services
from .filters import RequestFilter
from .forms import DUPLICATE_NEEDS_ORIGINAL
from .models import AdviceRequest, NeedCategory, Referral, RequestEvent

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

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "actor", "organisation", "body", "visibility", "data", "created_at"]
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


# --- Documentation --------------------------------------------------------------------------------

# The base documents the rest: If-Match and the ETag, and the answers 400, 403, 404, 412 and 428.
VERSIONED = {200: RequestSerializer}
TRANSITION_REFUSED = OpenApiResponse(
    TransitionConflictSerializer, description=_("The request cannot move to this status from its status now.")
)


# --- Views ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("List requests"),
        description=_("The requests of your regions, filtered like the inbox."),
    ),
    retrieve=extend_schema(summary=_("Show a request")),
)
class RequestViewSet(VersionedViewSet):
    """The region's requests ("no wrong door": every advisor of the region sees them), and the actions
    of the shared inbox."""

    serializer_class = RequestSerializer
    filterset_class = RequestFilter

    # What each write needs of advisors.access; every read needs "view".
    versioned_actions = ("assign", "transition", "priority", "duplicate", "messages", "refer")
    write_access = {
        "claim": access.Action.CLAIM,
        "assign": access.Action.ASSIGN,
        "transition": access.Action.CHANGE_STATUS,
        "priority": access.Action.CHANGE_STATUS,
        "duplicate": access.Action.CHANGE_STATUS,
        "notes": access.Action.ADD_NOTE,
        "messages": access.Action.WRITE_TO_COMPANY,
        "refer": access.Action.REFER,
    }

    def get_queryset(self):
        return (
            selectors.with_list_relations(selectors.visible_requests(self.request.user))
            .select_related("duplicate_of")
            .order_by("-created_at", "-pk")
        )

    def _context(self, **extra) -> dict:
        return {**self.get_serializer_context(), **extra}

    def _validated(self, serializer_class, **context) -> dict:
        serializer = serializer_class(data=self.request.data, context=self._context(**context))
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _respond(self, advice_request: AdviceRequest) -> Response:
        """The request as it is now, with its version as the ETag."""
        return self.respond(advice_request, refresh=True)

    @extend_schema(
        summary=_("Take a request"),
        description=_(
            "You become its advisor and your organisation its owner; a new request becomes triaged. "
            "Needs no version: of two advisors who take it at once, one gets it and the other a 409."
        ),
        request=None,
        responses={
            200: RequestSerializer,
            409: OpenApiResponse(ProblemSerializer, description=_("Someone else has it.")),
        },
        parameters=[etag_header(200)],
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, public_id=None):
        advice_request = self.get_object()
        try:
            advice_request = services.claim(request=advice_request, advisor=request.user)
        except services.AlreadyClaimed:
            current = self.get_queryset().get(pk=advice_request.pk)
            if current.owner_advisor_id != request.user.pk:  # taking what one has is no conflict
                if current.owner_advisor_id is None:
                    raise Conflict(_("This request can no longer be taken.")) from None
                raise Conflict(
                    _("%(name)s has already taken this request.") % {"name": current.owner_advisor.full_name}
                ) from None
            advice_request = current
        return self._respond(advice_request)

    @extend_schema(
        summary=_("Assign a request"),
        description=_(
            "To a partner organisation's queue (`organisation`) or to an advisor (`advisor`): send exactly "
            "one. The organisation must serve the request's region."
        ),
        request=AssignSerializer,
        responses=VERSIONED,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, public_id=None):
        advice_request = self.get_object()
        version = self.required_version(advice_request)
        data = self._validated(AssignSerializer)
        organisation, advisor = data.get("organisation"), data.get("advisor")
        try:
            advice_request = services.assign(
                request=advice_request,
                by=request.user,
                expected_version=version,
                organisation=organisation,
                advisor=advisor,
            )
        except services.InvalidAssignee:
            raise invalid_assignee(advice_request, organisation=organisation, advisor=advisor) from None
        return self._respond(advice_request)

    @extend_schema(
        summary=_("Change a request's status"),
        description=_(
            "new → triaged → in progress ⇄ waiting for the company → closed; a closed request can be "
            "reopened (in progress). Closing needs an outcome."
        ),
        request=TransitionSerializer,
        responses={**VERSIONED, 409: TRANSITION_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, public_id=None):
        advice_request = self.get_object()
        version = self.required_version(advice_request)
        data = self._validated(TransitionSerializer, advice_request=advice_request)
        try:
            advice_request = services.transition(
                request=advice_request,
                to_status=data["status"],
                by=request.user,
                expected_version=version,
                outcome=data.get("outcome", ""),
                comment=data.get("comment", ""),
                duplicate_of=data.get("duplicate_of"),
            )
        except services.TransitionNotAllowed as refused:
            raise transition_conflict(refused) from None
        except services.OriginalIsDuplicate as chained:  # closed as a duplicate a moment ago
            raise exceptions.ValidationError(
                {"duplicate_of": [chained_duplicate(chained.original)]}, code="duplicate"
            ) from None
        except services.DuplicateNeedsOriginal:  # the serializer asks for it first
            raise exceptions.ValidationError({"duplicate_of": [DUPLICATE_NEEDS_ORIGINAL]}) from None
        except services.SelfDuplicate:  # the serializer refuses it first
            raise exceptions.ValidationError({"duplicate_of": [SELF_DUPLICATE]}) from None
        return self._respond(advice_request)

    @extend_schema(
        summary=_("Change a request's priority"),
        request=PrioritySerializer,
        responses=VERSIONED,
    )
    @action(detail=True, methods=["post"])
    def priority(self, request, public_id=None):
        advice_request = self.get_object()
        version = self.required_version(advice_request)
        data = self._validated(PrioritySerializer)
        advice_request = services.set_priority(
            request=advice_request, by=request.user, priority=data["priority"], expected_version=version
        )
        return self._respond(advice_request)

    @extend_schema(
        summary=_("Close a request as a duplicate"),
        description=_(
            "Closes this request as a duplicate of `of`, a request you may see. Its timeline and needs "
            "move to `of`."
        ),
        request=DuplicateSerializer,
        responses={
            **VERSIONED,
            409: OpenApiResponse(ProblemSerializer, description=_("The request is closed already.")),
        },
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, public_id=None):
        advice_request = self.get_object()
        version = self.required_version(advice_request)
        data = self._validated(DuplicateSerializer, advice_request=advice_request)
        try:
            advice_request = services.mark_duplicate(
                request=advice_request, of=data["of"], by=request.user, expected_version=version
            )
        except services.TransitionNotAllowed:
            raise Conflict(_("The request is closed: reopen it before closing it as a duplicate.")) from None
        except services.OriginalIsDuplicate as chained:  # closed as a duplicate a moment ago
            raise exceptions.ValidationError({"of": [chained_duplicate(chained.original)]}) from None
        except services.SelfDuplicate:
            raise exceptions.ValidationError({"of": [SELF_DUPLICATE]}) from None
        return self._respond(advice_request)

    @extend_schema(
        methods=["GET"],
        summary=_("List a request's notes"),
        description=_("The internal notes you may see (another organisation's own notes are left out)."),
        responses={200: EventSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Add a note to a request"),
        description=_("An internal note, for all partners or for your organisation only. Needs no version."),
        request=NoteSerializer,
        responses={201: EventSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def notes(self, request, public_id=None):
        advice_request = self.get_object()
        if request.method == "GET":
            notes = selectors.timeline(request.user, advice_request).filter(kind=RequestEvent.Kind.NOTE)
            return Response(EventSerializer(notes, many=True, context=self._context()).data)
        data = self._validated(NoteSerializer)
        note = services.add_note(
            request=advice_request, by=request.user, body=data["body"], visibility=data["visibility"]
        )
        return Response(EventSerializer(note, context=self._context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Write to the company"),
        description=_(
            "The message appears on the company's status page and is emailed to its contact person. "
            "The first message is the request's first response."
        ),
        request=MessageSerializer,
        responses=VERSIONED,
    )
    @action(detail=True, methods=["post"])
    def messages(self, request, public_id=None):
        advice_request = self.get_object()
        version = self.required_version(advice_request)
        data = self._validated(MessageSerializer)
        services.message_company(
            request=advice_request, by=request.user, body=data["body"], expected_version=version
        )
        return self._respond(advice_request)

    @extend_schema(
        summary=_("Show a request's timeline"),
        description=_(
            "Everything that happened to the request that you may see, oldest first (another "
            "organisation's own notes are left out)."
        ),
        responses={200: EventSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, public_id=None):
        advice_request = self.get_object()
        events = selectors.timeline(request.user, advice_request)
        return Response(EventSerializer(events, many=True, context=self._context()).data)

    @extend_schema(
        summary=_("Refer a request to a partner"),
        description=_(
            "To a partner organisation of this region or a cooperating one: the whole request (the receiver "
            "takes it over if it accepts) or some of its needs (it co-handles them). Needs the company's "
            "consent and the request's version. The receiver has one Swedish working day to answer "
            "(`due_at`)."
        ),
        request=ReferSerializer,
        responses={
            201: ReferralSerializer,
            409: OpenApiResponse(
                ProblemSerializer,
                description=_("The request is closed, or already referred to them or as a whole."),
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def refer(self, request, public_id=None):
        advice_request = self.get_object()
        version = self.required_version(advice_request)
        data = self._validated(ReferSerializer)
        try:
            referral = services.refer_request(
                request=advice_request,
                to_organisation=data["to_organisation"],
                by=request.user,
                needs=data.get("needs") or [],
                note=data["note"],
                consent=services.Consent(
                    method=data["consent"]["method"], details=data["consent"].get("details", "")
                ),
                expected_version=version,
            )
        except services.ReferralRefused as refused:
            raise referral_refused(refused) from None
        referral = selectors.with_referral_relations(Referral.objects.filter(pk=referral.pk)).get()
        return self.respond(referral, status=status.HTTP_201_CREATED, serializer_class=ReferralSerializer)

    @extend_schema(
        summary=_("Routing suggestions for a request"),
        description=_(
            "Every active partner serving the request's region, best first, with the reasons in words and "
            "its open workload. Empty for a request without a region."
        ),
        responses={200: SuggestionSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request, public_id=None):
        advice_request = self.get_object()
        return Response(SuggestionSerializer(routing.suggestions_for(advice_request), many=True).data)


# --- Referrals ------------------------------------------------------------------------------------


class ReferralFilter(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(
        label=_("Direction"),
        choices=selectors.ReferralDirection.choices,
        method="filter_direction",
        help_text=_(
            "to_us: sent to your organisation; from_us: sent by it; region: all in your regions (regional "
            "staff). Without it: every referral you may see."
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Referral.Status.choices)

    class Meta:
        model = Referral
        fields = ["direction", "status"]

    def filter_direction(self, queryset, name, value):
        user = self.request.user
        if value == selectors.ReferralDirection.REGION and not (user.is_regional_staff or user.is_superuser):
            return queryset.none()
        return queryset.filter(selectors.direction_filter(user, value))


REFERRAL_ANSWERED = {
    200: ReferralSerializer,
    409: OpenApiResponse(
        ReferralConflictSerializer,
        description=_("It is no longer pending (answered or withdrawn), or its request is closed."),
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary=_("List referrals"),
        description=_(
            "The referrals you may see, newest first: those to and from your organisation, and those of the "
            "requests you see."
        ),
    ),
    retrieve=extend_schema(summary=_("Show a referral")),
)
class ReferralViewSet(VersionedViewSet):
    """Referrals between partners. The receiving organisation accepts or declines; the sending
    organisation or the request's owner withdraws. Each answer needs the version read (If-Match)."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter

    versioned_actions = ("accept", "decline", "withdraw")
    write_access = {
        "accept": access.Action.ACCEPT,
        "decline": access.Action.DECLINE,
        "withdraw": access.Action.WITHDRAW,
    }

    def get_queryset(self):
        return selectors.with_referral_relations(selectors.visible_referrals(self.request.user)).order_by(
            "-created_at", "-pk"
        )

    def _answer(self, request, serializer_class, answer):
        referral = self.get_object()
        version = self.required_version(referral)
        serializer = serializer_class(
            data=request.data, context={**self.get_serializer_context(), "referral": referral}
        )
        serializer.is_valid(raise_exception=True)
        try:
            referral = answer(referral, serializer.validated_data, version)
        except services.ReferralNotPending as answered:
            raise not_pending(answered) from None
        except services.ReferralRefused as refused:
            raise referral_refused(refused) from None
        except services.InvalidAssignee:
            raise exceptions.ValidationError(
                {"advisor": [_("Choose an active advisor of your organisation.")]}
            ) from None
        return self.respond(referral, refresh=True)

    @extend_schema(
        summary=_("Accept a referral"),
        description=_(
            "For the receiving organisation. The whole request: your organisation becomes its owner (its "
            "queue, or the advisor you name). Selected needs: your organisation co-handles them."
        ),
        request=AcceptSerializer,
        responses=REFERRAL_ANSWERED,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, public_id=None):
        return self._answer(
            request,
            AcceptSerializer,
            lambda referral, data, version: services.accept_referral(
                referral=referral, by=request.user, advisor=data.get("advisor"), expected_version=version
            ),
        )

    @extend_schema(
        summary=_("Decline a referral"),
        description=_("For the receiving organisation, with a reason; the request goes back to the sender."),
        request=DeclineSerializer,
        responses=REFERRAL_ANSWERED,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, public_id=None):
        return self._answer(
            request,
            DeclineSerializer,
            lambda referral, data, version: services.decline_referral(
                referral=referral, by=request.user, reason=data["reason"], expected_version=version
            ),
        )

    @extend_schema(
        summary=_("Withdraw a referral"),
        description=_("For the sending organisation or the request's owner, while it is pending."),
        request=VersionedSerializer,
        responses=REFERRAL_ANSWERED,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, public_id=None):
        return self._answer(
            request,
            VersionedSerializer,
            lambda referral, data, version: services.withdraw_referral(
                referral=referral, by=request.user, expected_version=version
            ),
        )
