"""The signed-in user's calendar feed over the API: its status and addresses, renew and revoke.

The same rules as the page (`outreach.calendar_views`): the addresses are the owner's alone, and a new
address or revoking stops the old address at once. A read-only token reads the status only."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from advisors import access
from advisors.access import Action

from .. import calendar_feed as feeds
from ..models import CalendarFeed


class CalendarFeedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["none", "active", "revoked"],
        help_text=_("none: never made; active: the address works; revoked: turned off."),
    )
    https_url = serializers.URLField(
        allow_null=True, help_text=_("The feed's address for Google Calendar, while it is active.")
    )
    webcal_url = serializers.CharField(
        allow_null=True, help_text=_("The same address as webcal://, for Outlook and Apple Calendar.")
    )
    created_at = serializers.DateTimeField(allow_null=True)
    renewed_at = serializers.DateTimeField(allow_null=True, help_text=_("When the current address was made."))
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_fetched_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When a calendar last fetched it (noted at most every 15 minutes).")
    )


def _status(request, feed: CalendarFeed | None) -> Response:
    links = feeds.feed_links(feed, request.build_absolute_uri)
    data = {
        "status": "none" if feed is None else ("active" if feed.is_active else "revoked"),
        "https_url": links.https if links else None,
        "webcal_url": links.webcal if links else None,
        "created_at": feed.created_at if feed else None,
        "renewed_at": feed.renewed_at if feed else None,
        "revoked_at": feed.revoked_at if feed else None,
        "last_fetched_at": feed.last_fetched_at if feed else None,
    }
    response = Response(CalendarFeedSerializer(data).data)
    response["Cache-Control"] = "no-store"
    return response


@extend_schema(responses=CalendarFeedSerializer, summary="Your calendar feed")
@api_view(["GET"])
def calendar_feed(request):
    access.require(request.user, Action.CREATE, CalendarFeed)
    return _status(request, feeds.feed_of(request.user))


@extend_schema(
    request=None,
    responses=CalendarFeedSerializer,
    summary="Make a new address for your calendar feed (the old one stops working)",
)
@api_view(["POST"])
def calendar_feed_renew(request):
    user = request.user
    feed = feeds.feed_of(user)
    access.require(user, Action.CHANGE if feed is not None else Action.CREATE, feed or CalendarFeed)
    return _status(request, feeds.renew_feed(owner=user, by=user, request=request))


@extend_schema(
    request=None,
    responses=CalendarFeedSerializer,
    summary="Turn your calendar feed off (its address stops working)",
)
@api_view(["POST"])
def calendar_feed_revoke(request):
    user = request.user
    access.require(user, Action.CREATE, CalendarFeed)
    feed = feeds.feed_of(user)
    if feed is not None and feed.is_active:
        access.require(user, Action.DELETE, feed)
        feed = feeds.revoke_feed(feed=feed, by=user, request=request)
    return _status(request, feed)
