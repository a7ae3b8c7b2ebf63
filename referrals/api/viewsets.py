"""The viewsets of the requests and referrals API, with their OpenAPI documentation."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from exportcenter.api.base import VersionedViewSet
from exportcenter.api.concurrency import etag_header
from exportcenter.api.problems import (
    Conflict,
    ProblemSerializer,
)

from .. import routing, selectors, services
from ..filters import RequestFilter
from ..forms import DUPLICATE_NEEDS_ORIGINAL
from ..models import AdviceRequest, Referral, RequestEvent
from ..services import attachments
from .serializers import (
    SELF_DUPLICATE,
    AcceptSerializer,
    AssignSerializer,
    ClaimConflictSerializer,
    DeclineSerializer,
    DuplicateSerializer,
    EventSerializer,
    MessageSerializer,
    NoteSerializer,
    PrioritySerializer,
    ReferralConflictSerializer,
    ReferralSerializer,
    ReferSerializer,
    RequestSerializer,
    SuggestionSerializer,
    TransitionConflictSerializer,
    TransitionSerializer,
    VersionedSerializer,
    chained_duplicate,
    claim_conflict,
    invalid_assignee,
    not_pending,
    referral_refused,
    transition_conflict,
)

Status = AdviceRequest.Status


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
    audit_reads = True

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
        requests = selectors.visible_requests(self.request.user)
        if self.action == "list":  # what the list shows of each request's relations, and no more
            return selectors.with_api_list_relations(requests).order_by("-created_at", "-pk")
        return (
            selectors.with_list_relations(requests)
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
            409: OpenApiResponse(
                ClaimConflictSerializer,
                description=_(
                    "Someone else has it (`already_claimed`, with `taken_by`: who), also when they took it "
                    "just before you asked; or it can no longer be taken (`not_claimable`)."
                ),
            ),
        },
        parameters=[etag_header(200)],
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, public_id=None):
        try:
            advice_request = self.get_object()
        except exceptions.PermissionDenied:
            # Refused because someone else took it first (and committed before this check): a lost race,
            # answered like the one lost inside the service, not as "you do not have permission".
            found = self.get_queryset().filter(public_id=public_id).first()
            owner = found and selectors.lost_claim_owner(request.user, found)
            if owner is None:
                raise
            raise claim_conflict(owner) from None
        try:
            advice_request = services.claim(request=advice_request, advisor=request.user)
        except services.AlreadyClaimed:
            current = self.get_queryset().get(pk=advice_request.pk)
            if current.owner_advisor_id != request.user.pk:  # taking what one has is no conflict
                if current.owner_advisor_id is None:
                    raise Conflict(_("This request can no longer be taken."), code="not_claimable") from None
                raise claim_conflict(current.owner_advisor) from None
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
            notes = attachments.on_timeline(
                list(selectors.timeline(request.user, advice_request).filter(kind=RequestEvent.Kind.NOTE))
            )
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
        events = attachments.on_timeline(list(selectors.timeline(request.user, advice_request)))
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
