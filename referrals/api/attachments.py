"""REST API of the files on a request (issue 20): their metadata, and the access-checked download.

Read only. Who sees a file is `advisors.access`'s answer (AttachmentPolicy: whoever sees its timeline entry).
The download is always `application/octet-stream` as an attachment, never cached; a file refused by the
virus scanner or erased has no download (404).
"""

import logging

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.reverse import reverse

from advisors import access
from audit.services import record_read
from exportcenter.api.base import APIViewSet
from exportcenter.uploads import download_response

from ..models import Attachment

logger = logging.getLogger(__name__)


class AttachmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    request = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, help_text=_("The request's public id.")
    )
    available = serializers.BooleanField(
        source="is_available",
        read_only=True,
        help_text=_("Can be downloaded: kept, not refused by the virus scan, not erased."),
    )
    download_url = serializers.SerializerMethodField(help_text=_("Empty when not available."))
    # Plain strings in the schema: an enum named after "source" would collide with the companies' own.
    source = serializers.CharField(
        read_only=True, help_text=_("Where it came from: form, status_page, advisor or email.")
    )
    scan = serializers.CharField(
        read_only=True, help_text=_("The virus scan: clean, not_scanned, or infected (refused, not kept).")
    )

    class Meta:
        model = Attachment
        fields = [
            "id",
            "request",
            "name",
            "content_type",
            "size",
            "sha256",
            "source",
            "scan",
            "scan_detail",
            "available",
            "download_url",
            "created_at",
            "erased_at",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        if not obj.is_available:
            return ""
        return reverse(
            "api-attachment-download",
            kwargs={"public_id": obj.public_id},
            request=self.context.get("request"),
        )


class EventAttachmentSerializer(AttachmentSerializer):
    """A file as the request's timeline lists it (without the request)."""

    class Meta(AttachmentSerializer.Meta):
        fields = [field for field in AttachmentSerializer.Meta.fields if field != "request"]
        read_only_fields = fields


class AttachmentFilter(django_filters.FilterSet):
    request = django_filters.UUIDFilter(field_name="request__public_id", label=_("Request (public id)"))

    class Meta:
        model = Attachment
        fields = ["request", "source", "scan"]


@extend_schema_view(
    list=extend_schema(
        summary=_("List files"),
        description=_("The files on the requests you may see, oldest first; filter by `request`."),
    ),
    retrieve=extend_schema(
        summary=_("Show a file's details"),
        description=_("Name, size, type (read from the content), where it came from and the virus scan."),
    ),
)
class AttachmentViewSet(APIViewSet):
    """The files of the requests you see; each request's timeline lists its own too."""

    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return access.visible(self.request.user, Attachment.objects.select_related("request")).order_by(
            "created_at", "pk"
        )

    @extend_schema(
        summary=_("Download a file"),
        description=_(
            "The file itself, as `application/octet-stream` with its name in Content-Disposition. 404 when "
            "it was refused by the virus scan or erased."
        ),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The file.")
            )
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def download(self, request, public_id=None):
        attachment = self.get_object()
        if not attachment.is_available:
            raise Http404
        try:
            response = download_response(attachment.file, attachment.name)
        except FileNotFoundError as error:
            logger.error("Attachment %s is missing from storage: %s", attachment.public_id, error)
            raise Http404 from error
        record_read(request, attachment.request, attachment=str(attachment.public_id))
        return response
