"""The advisor's private calendar feed: an iCalendar (RFC 5545) address with their follow-ups and activities,
which Outlook, Google Calendar and Apple Calendar subscribe to.

The address holds a secret token of 256 bits. Only its SHA-256 is stored, and the feed is found by that hash
(a unique index: nothing about the token leaks through the time a wrong one takes). The token itself is an
HMAC of the feed's nonce under SECRET_KEY, so the page can show the address again whenever the advisor needs
to copy it, while a copy of the database alone opens no one's feed. Renewing draws a new nonce (the old
address stops working at once); revoking turns the feed off. Rotating SECRET_KEY keeps old addresses working
(only their hash is compared); the page then shows the address while a fallback key still derives it, and
otherwise asks for a new one.

What a calendar holds leaves the portal (to Microsoft's or Google's servers), so the feed carries only what
the advisor already sees and no personal data: the company's name, the request's reference and a link back.
Not what the advisor wrote, not the contact persons.

State changes (`renew_feed`, `revoke_feed`) audit themselves; callers ask `advisors.access` first.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from advisors import access
from audit.services import Action as AuditAction
from audit.services import record

from .models import Activity, CalendarFeed, FollowUp

FEED_SALT = "outreach.calendar_feed"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes, base64url without padding
DONE_DAYS = 30  # a follow-up done stays in the calendar (marked done) while due in the last DONE_DAYS
ACTIVITY_DAYS = 90  # activities from this many days back, and all planned ones
MAX_EVENTS = 1000  # of each kind, the newest: a calendar of years of history helps no one
FOLLOW_UP_MINUTES = 30  # the length of a follow-up due at a time
TOUCH_SECONDS = 15 * 60  # "last fetched" is written at most this often
FORMAT = "1"  # part of the ETag: bump when the rendering changes
# An email is logged after it is sent: it is no appointment.
CALENDAR_KINDS = [kind for kind in Activity.Kind.values if kind != Activity.Kind.EMAIL]
_NO_FEED_HASH = hashlib.sha256(b"no calendar feed").hexdigest()


# --- The token ----------------------------------------------------------------------------------------


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _derive(feed: CalendarFeed, secret: str) -> str:
    digest = salted_hmac(
        FEED_SALT, f"{feed.public_id}:{feed.nonce}", secret=secret, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token(feed: CalendarFeed) -> str | None:
    """The feed's token, derived again; None when no key of the site makes it any more (SECRET_KEY was
    rotated and its fallback dropped): the address still works, but only a new one can be shown."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        token = _derive(feed, secret)
        if hmac.compare_digest(hash_feed_token(token), feed.token_hash):
            return token
    return None


def _draw(feed: CalendarFeed) -> None:
    feed.nonce = secrets.token_hex(16)
    feed.token_hash = hash_feed_token(_derive(feed, settings.SECRET_KEY))


@dataclass(frozen=True)
class FeedLinks:
    https: str
    webcal: str


def feed_links(feed: CalendarFeed, build_absolute_uri) -> FeedLinks | None:
    """The feed's addresses (https for Google Calendar, webcal for Outlook and Apple), or None when the
    feed is off or its address cannot be shown. Unprefixed by language: the feed speaks its owner's."""
    token = feed_token(feed) if feed is not None and feed.is_active else None
    if token is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        https = build_absolute_uri(reverse("outreach:calendar_feed_ics", kwargs={"token": token}))
    return FeedLinks(https=https, webcal=re.sub(r"^https?://", "webcal://", https))


# --- State changes ------------------------------------------------------------------------------------


def renew_feed(*, owner, by, request=None) -> CalendarFeed:
    """Make the owner's feed address, or a new one: the old address stops working at once. A revoked
    feed is turned on again with a new address."""
    with transaction.atomic():
        now = timezone.now()
        fresh = CalendarFeed(owner=owner, renewed_at=now)
        _draw(fresh)
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            owner=owner,
            defaults={
                "public_id": fresh.public_id,
                "nonce": fresh.nonce,
                "token_hash": fresh.token_hash,
                "renewed_at": now,
            },
        )
        if not created:
            _draw(feed)
            feed.renewed_at, feed.revoked_at, feed.last_fetched_at = now, None, None
            feed.save(update_fields=["nonce", "token_hash", "renewed_at", "revoked_at", "last_fetched_at"])
        record(AuditAction.CALENDAR_FEED_RENEWED, request=request, actor=by, obj=feed, first=created)
    return feed


def revoke_feed(*, feed: CalendarFeed, by, request=None) -> CalendarFeed:
    """Turn the feed off. Revoking a revoked feed changes nothing."""
    with transaction.atomic():
        locked = CalendarFeed.objects.select_for_update().select_related("owner").get(pk=feed.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record(AuditAction.CALENDAR_FEED_REVOKED, request=request, actor=by, obj=locked)
    feed.revoked_at = locked.revoked_at
    return locked


# --- Reads --------------------------------------------------------------------------------------------


def feed_of(user) -> CalendarFeed | None:
    """The user's own feed (on or off), or None."""
    return access.visible(user, CalendarFeed.objects.filter(owner_id=user.pk)).first()


def feed_for_token(raw: str) -> CalendarFeed | None:
    """The working feed this token opens, or None (unknown, renewed, revoked, or its owner may no longer
    have one: every case answers alike). Notes the fetch at most every TOUCH_SECONDS."""
    if not TOKEN_PATTERN.fullmatch(raw or ""):
        return None
    digest = hash_feed_token(raw)
    feed = (
        CalendarFeed.objects.select_related("owner__organisation")
        .filter(token_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if not hmac.compare_digest(feed.token_hash if feed else _NO_FEED_HASH, digest) or feed is None:
        return None
    if not access.can(feed.owner, access.Action.VIEW, feed):
        return None
    _note_fetch(feed)
    return feed


def _note_fetch(feed: CalendarFeed) -> None:
    now = timezone.now()
    stale_before = now - timedelta(seconds=TOUCH_SECONDS)
    if feed.last_fetched_at is not None and feed.last_fetched_at > stale_before:
        return
    CalendarFeed.objects.filter(pk=feed.pk).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=stale_before)
    ).update(last_fetched_at=now)
    feed.last_fetched_at = now


def feed_follow_ups(owner, *, today: date) -> QuerySet[FollowUp]:
    """The owner's open follow-ups, and those done that were due in the last DONE_DAYS. Cancelled ones
    leave the calendar."""
    return access.visible(owner, FollowUp.objects.filter(owner_id=owner.pk)).filter(
        Q(status=FollowUp.Status.OPEN)
        | Q(status=FollowUp.Status.DONE, due_on__gte=today - timedelta(days=DONE_DAYS))
    )


def feed_activities(owner, *, today: date) -> QuerySet[Activity]:
    """The activities the owner takes part in, planned ones and those of the last ACTIVITY_DAYS."""
    return access.visible(
        owner,
        Activity.objects.filter(
            participants=owner,
            kind__in=CALENDAR_KINDS,
            occurred_on__gte=today - timedelta(days=ACTIVITY_DAYS),
        ),
    )


def feed_etag(feed: CalendarFeed, *, today: date, language: str, base_url: str) -> str:
    """A fingerprint of what the feed would hold, in two aggregate queries: a calendar asking again gets
    304 Not Modified without the feed being rendered. Counts catch removals (which leave no timestamp, so
    there is no Last-Modified); the companies' stamps catch a new name, and `base_url` the links' site."""
    owner = feed.owner
    parts = [FORMAT, language, today.isoformat(), feed.token_hash, base_url]
    for rows in (feed_follow_ups(owner, today=today), feed_activities(owner, today=today)):
        stats = rows.order_by().aggregate(
            count=Count("pk"), changed=Max("updated_at"), company_changed=Max("company__updated_at")
        )
        parts += [str(stats["count"]), str(stats["changed"]), str(stats["company_changed"])]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40] + '"'


# --- The iCalendar document ---------------------------------------------------------------------------


def _stamp(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC")).replace(microsecond=0)


def _event(*, uid: str, summary: str, start, end, link: str, description: str, changed, created, category):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(changed))
    event.add("created", _stamp(created))
    event.add("last-modified", _stamp(changed))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", link)
    event.add("categories", [category])
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")  # a reminder, not a booking: no one sees the advisor as busy
    return event


def _when(day: date, at: time | None, zone: ZoneInfo):
    if at is None:
        return day, day + timedelta(days=1)
    start = datetime.combine(day, at, tzinfo=zone)
    return start, start + timedelta(minutes=FOLLOW_UP_MINUTES)


def _follow_up_event(follow_up: FollowUp, link, zone: ZoneInfo):
    company = follow_up.company.name
    if follow_up.status == FollowUp.Status.DONE:
        summary = _("Done: follow-up, %(company)s") % {"company": company}
    else:
        summary = _("Follow-up: %(company)s") % {"company": company}
    lines = []
    if follow_up.request_id:
        lines.append(_("Request %(reference)s") % {"reference": follow_up.request.reference})
    url = link("outreach:follow_up_edit", follow_up.public_id)
    lines.append(url)
    start, end = _when(follow_up.due_on, follow_up.due_time, zone)
    event = _event(
        uid=f"follow-up-{follow_up.public_id}@exportcenter",
        summary=summary,
        start=start,
        end=end,
        link=url,
        description="\n".join(lines),
        changed=follow_up.updated_at,
        created=follow_up.created_at,
        category=_("Follow-up"),
    )
    event.add("sequence", follow_up.version)
    event.add("status", "CONFIRMED")
    return event


def _activity_event(activity: Activity, link):
    company = activity.company.name
    summary = _("%(kind)s: %(company)s") % {"kind": activity.get_kind_display(), "company": company}
    lines = []
    if activity.request_id:
        lines.append(_("Request %(reference)s") % {"reference": activity.request.reference})
        url = link("referrals:request_detail", activity.request.public_id)
    else:
        url = link("companies:detail", activity.company.public_id)
    lines.append(url)
    start, end = _when(activity.occurred_on, None, None)
    return _event(
        uid=f"activity-{activity.public_id}@exportcenter",
        summary=summary,
        start=start,
        end=end,
        link=url,
        description="\n".join(lines),
        changed=activity.updated_at,
        created=activity.created_at,
        category=activity.get_kind_display(),
    )


def render_feed(feed: CalendarFeed, *, today: date, build_absolute_uri) -> bytes:
    """The feed as an iCalendar document, in the active language: two queries for the events however many
    there are. icalendar writes CRLF line ends and folds lines at 75 octets."""
    owner = feed.owner
    zone = ZoneInfo(settings.TIME_ZONE)

    def link(name, public_id):
        return build_absolute_uri(reverse(name, kwargs={"public_id": public_id}))

    follow_ups = list(
        feed_follow_ups(owner, today=today)
        .select_related("company", "request")
        .only(
            "public_id",
            "status",
            "due_on",
            "due_time",
            "version",
            "created_at",
            "updated_at",
            "request_id",
            "company__name",
            "request__reference",
        )
        .order_by("-due_on", "-pk")[:MAX_EVENTS]
    )
    activities = list(
        feed_activities(owner, today=today)
        .select_related("company", "request")
        .only(
            "public_id",
            "kind",
            "occurred_on",
            "created_at",
            "updated_at",
            "request_id",
            "company__name",
            "company__public_id",
            "request__reference",
            "request__public_id",
        )
        .order_by("-occurred_on", "-pk")[:MAX_EVENTS]
    )
    name = _("Exportcenter: my follow-ups and activities")
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//Exportcenter//Calendar feed {FORMAT}//{translation.get_language().upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Outlook and Google Calendar read
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    days = [today, *(row.due_on for row in follow_ups), *(row.occurred_on for row in activities)]
    calendar.add_component(
        icalendar.Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=date(min(days).year - 1, 1, 1),
            last_date=date(max(days).year + 2, 1, 1),
        )
    )
    for follow_up in reversed(follow_ups):
        calendar.add_component(_follow_up_event(follow_up, link, zone))
    for activity in reversed(activities):
        calendar.add_component(_activity_event(activity, link))
    return calendar.to_ical()
