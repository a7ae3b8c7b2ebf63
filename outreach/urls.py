from django.urls import path

from . import calendar_views, views

app_name = "outreach"

urlpatterns = [
    path("advisor/campaigns/", views.campaign_list, name="campaigns"),
    path("advisor/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("advisor/campaigns/<uuid:public_id>/", views.campaign_detail, name="campaign_detail"),
    path("advisor/campaigns/<uuid:public_id>/add/", views.member_add, name="member_add"),
    path(
        "advisor/campaigns/<uuid:public_id>/members/<int:member_id>/status/",
        views.member_status,
        name="member_status",
    ),
    path(
        "advisor/campaigns/<uuid:public_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("advisor/activities/new/", views.activity_create, name="activity_create"),
    path("advisor/follow-ups/", views.follow_ups, name="follow_ups"),
    path("advisor/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("advisor/follow-ups/<uuid:public_id>/", views.follow_up_edit, name="follow_up_edit"),
    path("advisor/follow-ups/<uuid:public_id>/status/", views.follow_up_status, name="follow_up_status"),
    path("advisor/calendar/", calendar_views.calendar_feed, name="calendar_feed"),
    path("advisor/calendar/renew/", calendar_views.calendar_feed_renew, name="calendar_feed_renew"),
    path("advisor/calendar/revoke/", calendar_views.calendar_feed_revoke, name="calendar_feed_revoke"),
    # The feed itself: no session, the token is the key (outreach.calendar_feed).
    path("calendar/<str:token>.ics", calendar_views.calendar_feed_ics, name="calendar_feed_ics"),
]
