"""REST API of mailboxes and the messages taken from them (issue 20).

Mailboxes: list, read, connect (create) and change (with the version read), and a connection test. The
password is write-only: it may be sent (an empty one keeps the stored one) and is never returned, only
`has_password`. Inbound messages: list (filters: mailbox, outcome, request) and read; the list leaves the
bodies out, one message has them. Serializers validate and render; writes go through `mailboxes.services`,
access through `advisors.access`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advisors import access
from advisors.models import Organisation, Region
from exportcenter.api.base import APIViewSet, VersionedViewSet
from exportcenter.api.problems import VALIDATION_ERROR

from . import selectors, services
from .models import InboundMessage, Mailbox
from .services import MAX_PASSWORD_LENGTH, MAX_POLL_SECONDS, MIN_POLL_SECONDS


class MailboxSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Empty for the region's shared address.")
    )
    has_password = serializers.BooleanField(
        read_only=True, help_text=_("Whether a password is stored. The password itself is never returned.")
    )

    class Meta:
        model = Mailbox
        fields = [
            "id",
            "name",
            "address",
            "region",
            "organisation",
            "kind",
            "host",
            "port",
            "security",
            "username",
            "has_password",
            "folder",
            "processed_folder",
            "poll_interval_seconds",
            "is_active",
            "last_poll_at",
            "last_success_at",
            "last_error",
            "last_error_at",
            "messages_taken",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MailboxWriteSerializer(serializers.Serializer):
    """What an editor sends. The rules (regions, organisations, a free address, the server) are the
    service's."""

    name = serializers.CharField(max_length=120)
    address = serializers.EmailField(max_length=254)
    region = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Region.objects.filter(is_active=True),
        help_text=_("The region's slug: one of yours."),
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.active(),
        required=False,
        allow_null=True,
        help_text=_("The organisation's slug; null for the region's shared address."),
    )
    kind = serializers.ChoiceField(choices=Mailbox.Kind.choices, required=False)
    host = serializers.CharField(max_length=253, required=False, allow_blank=True)
    port = serializers.IntegerField(min_value=1, max_value=65535, required=False)
    security = serializers.ChoiceField(choices=Mailbox.Security.choices, required=False)
    username = serializers.CharField(max_length=254, required=False, allow_blank=True)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        write_only=True,
        help_text=_("Write-only: never returned. Empty or left out keeps the stored password."),
    )
    folder = serializers.CharField(max_length=200, required=False)
    processed_folder = serializers.CharField(max_length=200, required=False, allow_blank=True)
    poll_interval_seconds = serializers.IntegerField(
        min_value=MIN_POLL_SECONDS, max_value=MAX_POLL_SECONDS, required=False
    )
    is_active = serializers.BooleanField(
        required=False, help_text=_("False: the mailbox is no longer read; its messages stay.")
    )
    version = serializers.IntegerField(required=False, min_value=1)


class CheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    problem = serializers.CharField(
        help_text=_(
            "Empty when it works, else one of: refused, timed_out, unknown_host, unreachable, certificate, "
            "certificate_name, certificate_expired, tls, tls_not_offered, login, no_password, folder, "
            "protocol, not_imap."
        )
    )
    message = serializers.CharField(help_text=_("What is wrong, in words, in the language asked for."))


_DEFAULTS = {**services.NEW_MAILBOX_DEFAULTS, "host": "", "username": "", "organisation": None}


@extend_schema_view(
    list=extend_schema(
        summary=_("List mailboxes"),
        description=_(
            "The mailboxes you see, with their state (last poll, last error, messages taken). The password "
            "is never returned."
        ),
    ),
    retrieve=extend_schema(summary=_("Show a mailbox")),
    create=extend_schema(
        summary=_("Connect a mailbox"),
        description=_(
            "Regional staff connect their regions' mailboxes; an organisation lead their own organisation's. "
            "The password is stored encrypted and never returned."
        ),
        request=MailboxWriteSerializer,
        responses={201: MailboxSerializer, 400: VALIDATION_ERROR},
    ),
    partial_update=extend_schema(
        summary=_("Change a mailbox"),
        description=_("Needs the version read. An empty or missing password keeps the stored one."),
        request=MailboxWriteSerializer,
        responses={200: MailboxSerializer, 400: VALIDATION_ERROR},
    ),
    test=extend_schema(
        summary=_("Test a mailbox's connection"),
        description=_("Connects, logs in and opens the folder; says in words what is wrong."),
        request=None,
        responses={200: CheckSerializer},
    ),
)
class MailboxViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, VersionedViewSet):
    serializer_class = MailboxSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_access = {**VersionedViewSet.write_access, "test": access.Action.CHANGE}

    def get_queryset(self):
        return selectors.mailbox_list(self.request.user)

    def create(self, request, *args, **kwargs):
        access.require(request.user, access.Action.CREATE, Mailbox)
        data = {**_DEFAULTS, **self.write_data(MailboxWriteSerializer)}
        password = data.pop("password", "")
        active = data.pop("is_active", True)
        mailbox = services.create_mailbox(by=request.user, data=data, password=password)
        if not active:
            mailbox = services.set_active(mailbox=mailbox, by=request.user, active=False)
        return self.respond(mailbox, status=status.HTTP_201_CREATED, refresh=True)

    def update(self, request, *args, **kwargs):
        mailbox = self.get_object()  # 404 if invisible, 403 without "change"
        version = self.required_version(mailbox)
        data = self.write_data(MailboxWriteSerializer, partial=True)
        password = data.pop("password", None)
        active = data.pop("is_active", None)
        mailbox = services.update_mailbox(
            mailbox=mailbox, by=request.user, data=data, password=password, expected_version=version
        )
        if active is not None:
            mailbox = services.set_active(mailbox=mailbox, by=request.user, active=active)
        return self.respond(mailbox, refresh=True)

    @action(detail=True, methods=["post"])
    def test(self, request, *args, **kwargs):
        from .views import check_connection

        check = check_connection(self.get_object())
        return Response(
            CheckSerializer({"ok": check.ok, "problem": check.problem, "message": check.message}).data
        )


class InboundMessageSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    mailbox = serializers.UUIDField(source="mailbox.public_id", read_only=True)
    to = serializers.ListField(source="to_addresses", child=serializers.CharField(), read_only=True)
    request = serializers.SerializerMethodField(
        help_text=_("The request's reference, if the message is on one.")
    )

    class Meta:
        model = InboundMessage
        fields = [
            "id",
            "mailbox",
            "message_id",
            "outcome",
            "matched_by",
            "from_address",
            "from_name",
            "to",
            "subject",
            "sent_at",
            "taken_at",
            "in_reply_to",
            "size",
            "request",
            "error",
        ]
        read_only_fields = fields

    def get_request(self, message) -> str | None:
        return message.request.reference if message.request_id else None


class InboundMessageDetailSerializer(InboundMessageSerializer):
    headers = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta(InboundMessageSerializer.Meta):
        fields = [*InboundMessageSerializer.Meta.fields, "references", "headers", "body_text", "body_html"]
        read_only_fields = fields


class InboundMessageFilter(django_filters.FilterSet):
    mailbox = django_filters.UUIDFilter(field_name="mailbox__public_id", label=_("Mailbox"))
    outcome = django_filters.ChoiceFilter(choices=InboundMessage.Outcome.choices, label=_("Outcome"))
    request = django_filters.CharFilter(
        field_name="request__reference", label=_("Request"), help_text=_("A request's reference.")
    )

    class Meta:
        model = InboundMessage
        fields = ["mailbox", "outcome", "request"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List messages taken from mailboxes"),
        description=_(
            "The messages you see: all of the mailboxes you configure, and those on the requests you see. "
            "Without their bodies."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Show a message taken from a mailbox"),
        description=_("With its text, its cleaned HTML and its selected headers."),
    ),
)
class InboundMessageViewSet(APIViewSet):
    serializer_class = InboundMessageSerializer
    filterset_class = InboundMessageFilter

    def get_serializer_class(self):
        return InboundMessageDetailSerializer if self.action == "retrieve" else InboundMessageSerializer

    def get_queryset(self):
        messages = selectors.visible_messages(self.request.user).order_by("-taken_at", "-pk")
        if self.action == "list":
            messages = messages.defer(*selectors.LIST_DEFERRED)
        return messages
