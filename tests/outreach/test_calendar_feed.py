"""The advisor's calendar feed (outreach.calendar_feed): the token, the iCalendar document (RFC 5545, in
Stockholm time), what it holds and what it never holds, conditional GET, the page, the API and the admin."""

import datetime
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from ical.calendar_stream import IcsCalendarStream
from rest_framework.test import APIClient

from advisors import access, tokens
from advisors.models import ApiToken, User
from audit.models import Action as AuditAction
from audit.models import AuditEntry
from companies.models import Contact
from outreach import calendar_feed as feeds
from outreach.models import Activity, CalendarFeed, FollowUp
from tests.factories import ContactFactory, UserFactory
from tests.outreach.factories import ActivityFactory, FollowUpFactory, make_request

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = datetime.date(2026, 6, 15)  # a Monday in summer time (CEST, UTC+2)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=STOCKHOLM), tick=False)
    return TODAY


@pytest.fixture
def feed(advisor):
    return feeds.renew_feed(owner=advisor, by=advisor)


def feed_url(feed) -> str:
    return reverse("outreach:calendar_feed_ics", kwargs={"token": feeds.feed_token(feed)})


def fetch(client, feed, **headers):
    return client.get(feed_url(feed), **headers)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content[:300]
    return icalendar.Calendar.from_ical(response.content)


def events(calendar) -> dict[str, icalendar.Event]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def follow_up_uid(follow_up) -> str:
    return f"follow-up-{follow_up.public_id}@exportcenter"


def activity_uid(activity) -> str:
    return f"activity-{activity.public_id}@exportcenter"


# --- The token ----------------------------------------------------------------------------------------


def test_only_a_hash_is_stored_and_the_address_can_be_shown_again(advisor, feed):
    token = feeds.feed_token(feed)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    stored = CalendarFeed.objects.get(pk=feed.pk)
    assert token not in {stored.nonce, stored.token_hash}
    assert stored.token_hash == feeds.hash_feed_token(token)
    assert feeds.feed_token(stored) == token  # the page shows the same address again
    links = feeds.feed_links(stored, lambda path: f"https://portal.example{path}")
    assert links.https == f"https://portal.example/calendar/{token}.ics"
    assert links.webcal == f"webcal://portal.example/calendar/{token}.ics"


def test_a_copy_of_the_database_alone_opens_no_feed(feed, settings):
    """Without SECRET_KEY the nonce gives nothing; after a key rotation the fallback still shows the link,
    and without it the old address still works but cannot be shown."""
    token = feeds.feed_token(feed)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another key " * 5, [old_key]
    assert feeds.feed_token(feed) == token
    settings.SECRET_KEY_FALLBACKS = []
    assert feeds.feed_token(feed) is None
    assert feeds.feed_links(feed, str) is None
    assert feeds.feed_for_token(token) == feed


def test_renewing_stops_the_old_address_and_revoking_stops_the_new(client, advisor, feed):
    old = feed_url(feed)
    assert client.get(old).status_code == 200
    renewed = feeds.renew_feed(owner=advisor, by=advisor)
    assert renewed.pk == feed.pk
    new = feed_url(renewed)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    feeds.revoke_feed(feed=renewed, by=advisor)
    assert client.get(new).status_code == 404
    assert feeds.feed_links(CalendarFeed.objects.get(pk=feed.pk), str) is None
    actions = list(
        AuditEntry.objects.filter(object_type="outreach.calendarfeed").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        [AuditAction.CALENDAR_FEED_RENEWED] * 2 + [AuditAction.CALENDAR_FEED_REVOKED]
    )


def test_revoking_twice_changes_nothing(advisor, feed):
    first = feeds.revoke_feed(feed=feed, by=advisor).revoked_at
    assert feeds.revoke_feed(feed=feed, by=advisor).revoked_at == first
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR_FEED_REVOKED).count() == 1


def test_a_revoked_feed_is_turned_on_again_with_a_new_address(client, advisor, feed):
    old = feed_url(feed)
    feeds.revoke_feed(feed=feed, by=advisor)
    again = feeds.renew_feed(owner=advisor, by=advisor)
    assert again.is_active and feed_url(again) != old
    assert client.get(feed_url(again)).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["A" * 43, "short", "A" * 44, "A" * 42 + "!", "A" * 40 + "%20", "Ä" * 43, "A" * 5000],
)
def test_an_unknown_or_malformed_token_is_the_same_404_as_a_revoked_one(client, advisor, feed, token):
    revoked_url = feed_url(feed)
    feeds.revoke_feed(feed=feed, by=advisor)
    revoked = client.get(revoked_url)
    unknown = client.get(f"/calendar/{token}.ics")
    assert revoked.status_code == unknown.status_code == 404

    def without_path(response, token):  # the 404 page may name the address asked for
        body = response.content.decode()
        for form in {token, quote(token), escape(token)}:
            body = body.replace(form, "TOKEN")
        return re.sub(r'nonce="[^"]*"|[A-Za-z0-9]{64}', "", body)  # and the CSRF tokens

    assert without_path(revoked, revoked_url.split("/")[-1][:-4]) == without_path(unknown, token)
    assert revoked["Content-Type"] == unknown["Content-Type"]


def test_a_nul_byte_in_the_address_is_a_400_not_a_500(client, db):
    assert client.get("/calendar/%00" + "A" * 42 + ".ics").status_code == 400


def test_the_feed_stops_when_its_owner_leaves(client, advisor, feed):
    url = feed_url(feed)
    User.objects.filter(pk=advisor.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_the_last_fetch_is_noted_at_most_every_quarter_hour(client, feed, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=STOCKHOLM), tick=False)
    fetch(client, feed)
    first = CalendarFeed.objects.get(pk=feed.pk).last_fetched_at
    assert first is not None
    time_machine.shift(datetime.timedelta(minutes=5))
    fetch(client, feed)
    assert CalendarFeed.objects.get(pk=feed.pk).last_fetched_at == first
    time_machine.shift(datetime.timedelta(minutes=15))
    fetch(client, feed)
    assert CalendarFeed.objects.get(pk=feed.pk).last_fetched_at > first


# --- What the feed holds ------------------------------------------------------------------------------


@pytest.fixture
def world(today, advisor, colleague, company, uppsala):
    """The advisor's follow-ups in every state, activities they take part in or not, and a colleague's."""
    request = make_request(company=company, region=uppsala)
    rows = {
        "open": FollowUpFactory(owner=advisor, company=company, due_on=today + datetime.timedelta(days=2)),
        "timed": FollowUpFactory(
            owner=advisor, company=company, request=request, due_on=today, due_time=datetime.time(10, 0)
        ),
        "winter": FollowUpFactory(
            owner=advisor, company=company, due_on=datetime.date(2026, 12, 10), due_time=datetime.time(9, 30)
        ),
        "overdue": FollowUpFactory(
            owner=advisor, company=company, due_on=today - datetime.timedelta(days=200)
        ),
        "done": FollowUpFactory(
            owner=advisor,
            company=company,
            due_on=today - datetime.timedelta(days=3),
            status=FollowUp.Status.DONE,
            completed_at=datetime.datetime(2026, 6, 12, 9, 0, tzinfo=STOCKHOLM),
        ),
        "done_long_ago": FollowUpFactory(
            owner=advisor,
            company=company,
            due_on=today - datetime.timedelta(days=feeds.DONE_DAYS + 1),
            status=FollowUp.Status.DONE,
            completed_at=datetime.datetime(2026, 5, 1, 9, 0, tzinfo=STOCKHOLM),
        ),
        "cancelled": FollowUpFactory(
            owner=advisor,
            company=company,
            due_on=today,
            status=FollowUp.Status.CANCELLED,
            completed_at=datetime.datetime(2026, 6, 14, 9, 0, tzinfo=STOCKHOLM),
        ),
        "colleagues": FollowUpFactory(owner=colleague, company=company, due_on=today),
        "meeting": ActivityFactory(
            kind=Activity.Kind.MEETING,
            company=company,
            request=request,
            occurred_on=today + datetime.timedelta(days=7),
            created_by=colleague,
            participants=[colleague, advisor],
        ),
        "visit": ActivityFactory(
            kind=Activity.Kind.VISIT,
            company=company,
            occurred_on=today - datetime.timedelta(days=10),
            created_by=advisor,
        ),
        "old_visit": ActivityFactory(
            kind=Activity.Kind.VISIT,
            company=company,
            occurred_on=today - datetime.timedelta(days=feeds.ACTIVITY_DAYS + 1),
            created_by=advisor,
        ),
        "email": ActivityFactory(
            kind=Activity.Kind.EMAIL, company=company, occurred_on=today, created_by=advisor
        ),
        "without_me": ActivityFactory(
            kind=Activity.Kind.MEETING, company=company, occurred_on=today, created_by=colleague
        ),
    }
    return rows


def test_the_feed_holds_open_and_recently_done_follow_ups_and_my_activities(client, world, feed):
    response = fetch(client, feed)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(parse(response))
    expected = {follow_up_uid(world[key]) for key in ["open", "timed", "winter", "overdue", "done"]}
    expected |= {activity_uid(world[key]) for key in ["meeting", "visit"]}
    assert set(found) == expected
    # Others' items, cancelled ones, old ones and emails are absent.
    for key in ["done_long_ago", "cancelled", "colleagues"]:
        assert follow_up_uid(world[key]) not in found
    for key in ["old_visit", "email", "without_me"]:
        assert activity_uid(world[key]) not in found


def test_each_event_shows_the_company_and_a_link_back(client, world, feed, company):
    found = events(parse(fetch(client, feed)))
    open_one = found[follow_up_uid(world["open"])]
    assert company.name in str(open_one["summary"])
    link = f"http://testserver/advisor/follow-ups/{world['open'].public_id}/"
    assert str(open_one["url"]) == link
    assert link in str(open_one["description"])
    timed = found[follow_up_uid(world["timed"])]
    assert world["timed"].request.reference in str(timed["description"])
    assert str(timed["sequence"]) == str(world["timed"].version)
    meeting = found[activity_uid(world["meeting"])]
    assert company.name in str(meeting["summary"])
    assert str(meeting["url"]) == f"http://testserver/advisor/requests/{world['meeting'].request.public_id}/"
    visit = found[activity_uid(world["visit"])]
    assert str(visit["url"]) == f"http://testserver/companies/{company.public_id}/"
    for event in found.values():
        assert event["class"] == "PRIVATE" and event["transp"] == "TRANSPARENT"


def test_the_feed_speaks_its_owners_language_and_marks_done_follow_ups(client, world, feed, advisor, company):
    User.objects.filter(pk=advisor.pk).update(preferred_language="en")
    found = events(parse(fetch(client, feed)))
    assert str(found[follow_up_uid(world["open"])]["summary"]) == f"Follow-up: {company.name}"
    assert str(found[follow_up_uid(world["done"])]["summary"]) == f"Done: follow-up, {company.name}"
    assert str(found[activity_uid(world["meeting"])]["summary"]) == f"Meeting: {company.name}"
    calendar = parse(fetch(client, feed))
    assert str(calendar["x-wr-calname"]) == "Exportcenter: my follow-ups and activities"


def test_times_are_stockholm_time_with_a_vtimezone(client, world, feed):
    calendar = parse(fetch(client, feed))
    found = events(calendar)
    timed = found[follow_up_uid(world["timed"])]
    assert timed["dtstart"].params["TZID"] == "Europe/Stockholm"
    start = timed.decoded("dtstart")
    assert start == datetime.datetime(2026, 6, 15, 10, 0, tzinfo=STOCKHOLM)
    assert start.utcoffset() == datetime.timedelta(hours=2)  # summer time
    assert timed.decoded("dtend") - start == datetime.timedelta(minutes=feeds.FOLLOW_UP_MINUTES)
    winter = found[follow_up_uid(world["winter"])].decoded("dtstart")
    assert winter.utcoffset() == datetime.timedelta(hours=1)
    assert winter.astimezone(datetime.UTC).time() == datetime.time(8, 30)
    # All-day: a date, and the next day as its end.
    day = found[follow_up_uid(world["open"])]
    assert day["dtstart"].params.get("VALUE") == "DATE" or isinstance(day.decoded("dtstart"), datetime.date)
    assert type(day.decoded("dtstart")) is datetime.date
    assert day.decoded("dtend") - day.decoded("dtstart") == datetime.timedelta(days=1)
    assert str(calendar["x-wr-timezone"]) == "Europe/Stockholm"


def test_the_vtimezone_gives_the_tz_databases_offsets(client, world, feed):
    """The VTIMEZONE itself, read as a time zone, agrees with zoneinfo on both sides of each change."""
    (vtimezone,) = parse(fetch(client, feed)).walk("VTIMEZONE")
    assert str(vtimezone["tzid"]) == "Europe/Stockholm"
    from_feed = vtimezone.to_tz(lookup_tzid=False)
    for moment in [
        datetime.datetime(2026, 3, 29, 1, 59),
        datetime.datetime(2026, 3, 29, 3, 1),
        datetime.datetime(2026, 10, 25, 1, 59),
        datetime.datetime(2026, 10, 25, 3, 1),
        datetime.datetime(2026, 12, 10, 9, 30),
        datetime.datetime(2025, 12, 24, 18, 0),  # the overdue follow-up's year
    ]:
        assert moment.replace(tzinfo=from_feed).utcoffset() == moment.replace(tzinfo=STOCKHOLM).utcoffset()


# --- RFC 5545 -----------------------------------------------------------------------------------------


def _unfold(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def test_the_feed_is_valid_rfc_5545(client, world, feed, company):
    company.name = "Åströms Svets & Smide i Enköping Aktiebolag med ett mycket långt namn; och, komman"
    company.save(update_fields=["name"])
    body = fetch(client, feed).content
    # 3.1: lines end in CRLF and are folded at 75 octets (the UTF-8 of "Å" is two).
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    calendar = icalendar.Calendar.from_ical(body)
    # 3.6: VERSION and PRODID once each.
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]).startswith("-//Exportcenter//")
    assert sum(line.startswith("VERSION:") for line in lines) == 1
    assert sum(line.startswith("PRODID:") for line in lines) == 1
    timezones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    uids = []
    for event in calendar.walk("VEVENT"):
        # 3.6.1: UID and DTSTAMP once, DTSTART present; DTSTAMP in UTC.
        for required in ["uid", "dtstamp", "dtstart"]:
            assert required in event, f"{required} missing in {event}"
        assert event.decoded("dtstamp").tzinfo is not None
        assert event.decoded("dtstamp").utcoffset() == datetime.timedelta(0)
        assert event.decoded("dtend") > event.decoded("dtstart")
        uids.append(str(event["uid"]))
        for name in ["dtstart", "dtend"]:
            tzid = event[name].params.get("TZID")
            assert tzid is None or tzid in timezones
    assert len(uids) == len(set(uids))
    # Every TZID parameter in the text names a VTIMEZONE of the document.
    assert {match for line in lines for match in re.findall(r";TZID=([^;:]+)", line)} <= timezones
    assert f"{company.name}" in str(calendar.walk("VEVENT")[0]["summary"])


def test_a_strict_parser_reads_the_feed(client, world, feed):
    """`ical` (pydantic models of RFC 5545) validates every property it reads."""
    calendar = IcsCalendarStream.calendar_from_ics(fetch(client, feed).content.decode())
    assert len(calendar.events) == 7
    assert calendar.prodid.startswith("-//Exportcenter//")
    timed = next(event for event in calendar.events if event.uid == follow_up_uid(world["timed"]))
    assert timed.dtstart == datetime.datetime(2026, 6, 15, 10, 0, tzinfo=STOCKHOLM)
    assert [tz.tz_id for tz in calendar.timezones] == ["Europe/Stockholm"]


def test_an_empty_feed_is_valid_too(client, today, feed):
    calendar = parse(fetch(client, feed))
    assert calendar.walk("VEVENT") == []
    assert len(calendar.walk("VTIMEZONE")) == 1
    IcsCalendarStream.calendar_from_ics(fetch(client, feed).content.decode())


# --- No personal data ---------------------------------------------------------------------------------


def test_the_feed_never_holds_the_contacts_or_what_was_written(client, today, advisor, company, feed):
    contact = ContactFactory(
        company=company, name="Karin Kontaktsson", email="karin@verktyg.example", phone="070-123 45 67"
    )
    follow_up = FollowUpFactory(
        owner=advisor, company=company, description="Ring Karin Kontaktsson 070-123 45 67"
    )
    activity = ActivityFactory(
        kind=Activity.Kind.MEETING,
        company=company,
        occurred_on=today,
        created_by=advisor,
        notes="Karin vill exportera till Norge",
        outcome="Offert till karin@verktyg.example",
    )
    activity.contacts.set([contact])
    body = fetch(client, feed).content.decode()
    found = events(icalendar.Calendar.from_ical(body))
    assert {follow_up_uid(follow_up), activity_uid(activity)} <= set(found)
    unfolded = "".join(_unfold(body.encode()))
    for secret in ["Karin", "Kontaktsson", "karin@verktyg.example", "070-123", "Norge", "Offert"]:
        assert secret not in unfolded
    assert company.name in unfolded
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- HTTP ---------------------------------------------------------------------------------------------


def test_no_session_is_needed_and_none_is_made(client, world, feed):
    response = fetch(client, feed)
    assert response.status_code == 200
    assert response.cookies == {} or not any(cookie.value for cookie in response.cookies.values())
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"


def test_asking_again_is_a_cheap_304_until_something_changes(
    client, world, feed, advisor, company, time_machine, settings
):
    first = fetch(client, feed)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as full:
        fetch(client, feed)
    with CaptureQueriesContext(connection) as conditional:
        again = fetch(client, feed, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert len(conditional) == len(full) - 2 == 4  # the feed, the owner's regions, the two fingerprints
    assert client.head(feed_url(feed), HTTP_IF_NONE_MATCH=etag).status_code == 304

    FollowUpFactory(owner=advisor, company=company, due_on=TODAY)
    changed = fetch(client, feed, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    etag = changed["ETag"]
    time_machine.shift(datetime.timedelta(seconds=1))  # the clock stands still otherwise
    company.name = "Nytt Namn AB"
    company.save()
    renamed = fetch(client, feed, HTTP_IF_NONE_MATCH=etag)
    assert renamed.status_code == 200 and b"Nytt Namn AB" in renamed.content
    etag = renamed["ETag"]
    world["without_me"].participants.add(advisor)  # no timestamp changes: the count does
    assert fetch(client, feed, HTTP_IF_NONE_MATCH=etag).status_code == 200
    etag = fetch(client, feed)["ETag"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", "portal.example"]
    other_site = client.get(feed_url(feed), HTTP_IF_NONE_MATCH=etag, HTTP_HOST="portal.example")
    assert other_site.status_code == 200 and b"http://portal.example/" in other_site.content  # its links


def test_only_get_and_head(client, feed):
    assert client.post(feed_url(feed)).status_code == 405


def test_the_feed_costs_the_same_queries_for_3_and_30_items(client, today, advisor, company, feed):
    def grow(n):
        for i in range(n):
            request = make_request(company=company, region=advisor.organisation.regions.first())
            FollowUpFactory(
                owner=advisor, company=company, request=request, due_on=today, due_time=datetime.time(9)
            )
            ActivityFactory(
                kind=Activity.Kind.MEETING,
                company=company,
                request=request if i % 2 else None,
                occurred_on=today,
                created_by=advisor,
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = fetch(client, feed)
        assert response.status_code == 200
        return len(queries), len(parse(response).walk("VEVENT"))

    grow(3)
    fetch(client, feed)  # the first fetch notes itself
    few, few_events = count()
    grow(27)
    many, many_events = count()
    assert (few_events, many_events) == (6, 60)
    assert few == many == 6, f"{few} queries for 3 items, {many} for 30"


# --- Access -------------------------------------------------------------------------------------------


def test_a_feed_is_its_owners_alone(advisor, colleague, feed, lead):
    assert access.can(advisor, "view", feed) and access.can(advisor, "change", feed)
    assert access.can(advisor, "delete", feed)
    for other in [colleague, lead]:
        assert not access.can(other, "view", feed)
        assert not access.can(other, "change", feed)
        assert not access.can(other, "delete", feed)
        assert list(access.visible(other, CalendarFeed.objects.all())) == []
    assert not access.can(AnonymousUser(), "view", feed)
    assert access.can(advisor, "create", CalendarFeed)
    assert not access.can(User(email="x@example.org", is_active=True), "create", CalendarFeed)


# --- The page -----------------------------------------------------------------------------------------


def page_url():
    return reverse("outreach:calendar_feed")


def test_the_page_needs_a_sign_in(client, db):
    response = client.get(page_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_follow_ups_page_links_to_the_calendar_page(client, advisor):
    client.force_login(advisor)
    response = client.get(reverse("outreach:follow_ups"))
    assert f'href="{page_url()}"'.encode() in response.content


def test_make_show_renew_and_revoke_on_the_page(client, advisor):
    client.force_login(advisor)
    page = client.get(page_url())
    assert page.status_code == 200
    assert b'data-calendar-feed="none"' in page.content
    assert "no-store" in page["Cache-Control"]

    made = client.post(reverse("outreach:calendar_feed_renew"), follow=True)
    token = feeds.feed_token(CalendarFeed.objects.get(owner=advisor))
    assert f"webcal://testserver/calendar/{token}.ics".encode() in made.content
    assert f"http://testserver/calendar/{token}.ics".encode() in made.content
    assert client.get(page_url()).content.count(token.encode()) == 3  # two fields and the link: shown again

    renewed = client.post(reverse("outreach:calendar_feed_renew"), follow=True)
    new_token = feeds.feed_token(CalendarFeed.objects.get(owner=advisor))
    assert new_token != token
    assert new_token.encode() in renewed.content and token.encode() not in renewed.content
    client.logout()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200

    client.force_login(advisor)
    revoked = client.post(reverse("outreach:calendar_feed_revoke"), follow=True)
    assert b'data-calendar-feed="revoked"' in revoked.content
    assert new_token.encode() not in revoked.content
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404
    assert client.post(reverse("outreach:calendar_feed_revoke")).status_code == 302  # again: no change
    entries = AuditEntry.objects.filter(object_type="outreach.calendarfeed", actor=advisor)
    assert entries.filter(action=AuditAction.CALENDAR_FEED_RENEWED, channel="page").count() == 2
    assert entries.filter(action=AuditAction.CALENDAR_FEED_REVOKED).count() == 1


def test_the_forms_want_post(client, advisor):
    client.force_login(advisor)
    assert client.get(reverse("outreach:calendar_feed_renew")).status_code == 405
    assert client.get(reverse("outreach:calendar_feed_revoke")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_page_in_english(client, advisor, feed):
    client.force_login(advisor)
    response = client.get("/en" + page_url())
    assert b"Calendar feed" in response.content and b"Google Calendar" in response.content
    token = feeds.feed_token(feed)
    assert f"http://testserver/calendar/{token}.ics".encode() in response.content  # unprefixed


# --- API ----------------------------------------------------------------------------------------------


@pytest.fixture
def api(advisor):
    client = APIClient()
    client.force_authenticate(advisor)
    return client


def test_the_api_shows_renews_and_revokes_the_feed(api, advisor):
    url = "/api/v1/calendar-feed/"
    assert api.get(url).json()["status"] == "none"
    assert api.get("/api/v1/").json()["endpoints"]["calendar-feed"].endswith(url)  # in the API's index
    made = api.post(url + "renew/")
    assert made.status_code == 200
    data = made.json()
    token = feeds.feed_token(CalendarFeed.objects.get(owner=advisor))
    assert data["status"] == "active"
    assert data["https_url"] == f"http://testserver/calendar/{token}.ics"
    assert data["webcal_url"] == f"webcal://testserver/calendar/{token}.ics"
    assert api.get(url).json()["https_url"] == data["https_url"]
    renewed = api.post(url + "renew/").json()
    assert renewed["https_url"] != data["https_url"]
    revoked = api.post(url + "revoke/").json()
    assert revoked["status"] == "revoked" and revoked["https_url"] is None and revoked["revoked_at"]
    assert api.get(url).json()["status"] == "revoked"
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR_FEED_REVOKED, channel="api").count() == 1


def test_the_api_needs_a_sign_in_and_a_writing_token_to_change(db, advisor, organisation):
    assert APIClient().get("/api/v1/calendar-feed/").status_code in {401, 403}
    lead = UserFactory(email="l@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)
    issued = tokens.create_api_token(
        user=lead,
        name="Read",
        scope=ApiToken.Scope.READ,
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3),
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert client.get("/api/v1/calendar-feed/").json()["status"] == "none"
    assert client.post("/api/v1/calendar-feed/renew/").status_code == 403
    assert not CalendarFeed.objects.filter(owner=lead).exists()


def test_the_api_schema_describes_the_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ["/api/v1/calendar-feed/", "/api/v1/calendar-feed/renew/", "/api/v1/calendar-feed/revoke/"]:
        assert path in schema["paths"]


# --- Admin --------------------------------------------------------------------------------------------


def test_the_admin_lists_feeds_without_secrets_and_revokes_them(client, advisor, feed):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:outreach_calendarfeed_changelist")
    listing = client.get(url)
    assert listing.status_code == 200
    assert feed.token_hash.encode() not in listing.content
    assert feeds.feed_token(feed).encode() not in listing.content
    response = client.post(url, {"action": "revoke", "_selected_action": [feed.pk]})
    assert response.status_code == 302
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.CALENDAR_FEED_REVOKED, actor=admin).count() == 1


# --- Demo ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("midday_today")
def test_the_demo_advisor_has_a_feed_made_once(client, reference_data):
    from demo import companies as companies_demo
    from demo import outreach as outreach_demo
    from demo import partners as partners_demo

    partners_demo.seed()
    companies_demo.seed()
    outreach_demo.seed()
    feed = CalendarFeed.objects.get()
    token = feeds.feed_token(feed)
    outreach_demo.seed()
    assert CalendarFeed.objects.get() == feed and feeds.feed_token(CalendarFeed.objects.get()) == token
    assert feed.owner.email == outreach_demo.ADVISOR
    found = events(parse(fetch(client, feed)))
    mine = FollowUp.objects.filter(owner=feed.owner, status=FollowUp.Status.OPEN)
    assert {follow_up_uid(follow_up) for follow_up in mine} <= set(found)
    assert mine.count() >= 3
