"""The calendar feed's API endpoints (included by exportcenter/api_urls.py)."""

from django.urls import path

from .api import calendar_feed

urlpatterns = [
    path("calendar-feed/", calendar_feed.calendar_feed, name="api-calendar-feed"),
    path("calendar-feed/renew/", calendar_feed.calendar_feed_renew, name="api-calendar-feed-renew"),
    path("calendar-feed/revoke/", calendar_feed.calendar_feed_revoke, name="api-calendar-feed-revoke"),
]
