"""The calendar feed: the advisor's page to make, copy, renew and revoke its address, and the feed itself.

The feed needs no session: the token in its address is the key. A wrong, renewed or revoked token, and a
feed whose owner left, all answer the same 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from advisors import access
from advisors.access import Action

from . import calendar_feed as feeds
from .models import CalendarFeed


def _no_store(response):
    # The page shows the feed's secret address: no browser or proxy keeps it.
    patch_cache_control(response, no_store=True, private=True)
    return response


@login_required
@require_safe
def calendar_feed(request):
    user = request.user
    access.require(user, Action.CREATE, CalendarFeed)
    feed = feeds.feed_of(user)
    context = {
        "feed": feed,
        "links": feeds.feed_links(feed, request.build_absolute_uri),
        "done_days": feeds.DONE_DAYS,
        "activity_days": feeds.ACTIVITY_DAYS,
    }
    return _no_store(render(request, "outreach/calendar_feed.html", context))


@login_required
@require_POST
def calendar_feed_renew(request):
    user = request.user
    feed = feeds.feed_of(user)
    access.require(user, Action.CHANGE if feed is not None else Action.CREATE, feed or CalendarFeed)
    feeds.renew_feed(owner=user, by=user, request=request)
    if feed is not None and feed.is_active:
        messages.success(
            request,
            _("Your calendar has a new address. The old one no longer works: subscribe again with it."),
        )
    else:
        messages.success(request, _("Your calendar address is ready. Copy it into your calendar."))
    return redirect("outreach:calendar_feed")


@login_required
@require_POST
def calendar_feed_revoke(request):
    user = request.user
    feed = feeds.feed_of(user)
    if feed is not None and feed.is_active:
        access.require(user, Action.DELETE, feed)
        feeds.revoke_feed(feed=feed, by=user, request=request)
        messages.success(request, _("The calendar feed is turned off. Its address no longer works."))
    return redirect("outreach:calendar_feed")


@require_safe
def calendar_feed_ics(request, token):
    """The feed, in its owner's language. Calendars ask again with If-None-Match and get 304 cheaply."""
    feed = feeds.feed_for_token(token)
    if feed is None:
        raise Http404
    language = feed.owner.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        today = timezone.localdate()
        etag = feeds.feed_etag(feed, today=today, language=language, base_url=request.build_absolute_uri("/"))
        response = get_conditional_response(request, etag=etag)
        if response is None:
            body = feeds.render_feed(feed, today=today, build_absolute_uri=request.build_absolute_uri)
            response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
            response["Content-Disposition"] = 'inline; filename="exportcenter.ics"'
    response["ETag"] = etag
    # Calendars may keep it, but must ask again (cheaply) before they use it; shared caches must not.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
