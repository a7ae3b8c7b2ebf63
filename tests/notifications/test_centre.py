"""The notification centre: the bell, the list, marking read (htmx and plain posts), email preferences and
/api/v1/notifications/."""

import pytest
from django.urls import reverse

from notifications import selectors, services
from notifications.kinds import registered
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory

LIST = "/en/advisor/notifications/"
PREFERENCES = "/en/advisor/notifications/preferences/"


@pytest.fixture
def other(organisation):
    return UserFactory(email="other@almi.example", organisation=organisation)


def notify(person, n=1, kind="follow_up_due", **fields):
    return [
        Notification.objects.create(
            recipient=person,
            kind=kind,
            params={"title": f"Påminnelse {i}", "url": "/advisor/follow-ups/"},
            key=f"k{i}",
            **fields,
        )
        for i in range(n)
    ]


def bell_text(response) -> str:
    html = response.content.decode()
    start = html.index('id="notification-bell"')
    return html[start : html.index("</a>", start)]


def test_the_bell_shows_the_unread_count_on_every_page(client, advisor, other):
    notify(advisor, 3)
    notify(other, 5)
    Notification.objects.filter(recipient=advisor, key="k0").update(read_at="2026-11-20T10:00Z")
    client.force_login(advisor)
    bell = bell_text(client.get("/en/companies/"))
    assert "Notifications" in bell and ">2<" in bell.replace(" ", "") and "unread" in bell


def test_the_bell_stops_counting_at_99(client, advisor):
    notify(advisor, 101)
    client.force_login(advisor)
    assert "99+" in bell_text(client.get(LIST))
    assert selectors.bell_for(advisor).label == "99+"


def test_no_bell_for_visitors(client, db):
    assert 'id="notification-bell"' not in client.get("/en/").content.decode()


def test_the_list_shows_only_my_notifications_newest_first(client, advisor, other):
    notify(advisor, 2)
    Notification.objects.create(
        recipient=other, kind="follow_up_due", params={"title": "Någon annans"}, key="theirs"
    )
    client.force_login(advisor)
    html = client.get(LIST).content.decode()
    assert html.index("Påminnelse 1") < html.index("Påminnelse 0")
    assert "Någon annans" not in html


def test_mark_as_read_without_javascript(client, advisor):
    [notification] = notify(advisor)
    client.force_login(advisor)
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_as_read_with_htmx_swaps_the_item_and_the_bell(in_english, client, advisor):
    first, _second = notify(advisor, 2)
    client.force_login(advisor)
    response = client.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html and "Marked as read." in html
    assert 'hx-swap-oob="true"' in html and ">1<" in bell_text(response).replace(" ", "")
    assert "Mark as read" not in html.split('id="notification-bell"')[0]


def test_nobody_marks_another_persons_notification(client, advisor, other):
    [theirs] = notify(other)
    client.force_login(advisor)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read(client, advisor, other):
    notify(advisor, 3)
    notify(other, 1)
    client.force_login(advisor)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=advisor, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
    assert "Nothing unread." in client.get(LIST + "?show=unread").content.decode()


def test_preferences_switch_each_kind_in_the_portal_and_by_email(client, advisor):
    client.force_login(advisor)
    page = client.get(PREFERENCES).content.decode()
    assert "Follow-up due" in page and "Weekly digest" in page and "New referral" in page
    assert "checked" in page
    kinds = [kind.value for kind in registered()]
    # Everything on except the weekly digest by email and new requests in the portal (an unticked
    # checkbox is not sent).
    data = {f"{kind}__in_app": "on" for kind in kinds if kind != "new_request"}
    data |= {f"{kind}__email": "on" for kind in kinds if kind != "weekly_digest"}
    response = client.post(PREFERENCES, data)
    assert response.status_code == 302
    saved = {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(user=advisor).values_list(
            "kind", "in_app", "email"
        )
    }
    assert saved["weekly_digest"] == (True, False) and saved["new_request"] == (False, True)
    assert saved["follow_up_due"] == (True, True)
    assert services.email_wanted({advisor.pk}, "weekly_digest") == set()
    assert services.email_wanted({advisor.pk}, "follow_up_due") == {advisor.pk}
    assert services.muted({advisor.pk}, "new_request") == {advisor.pk}
    assert selectors.preferences_for(advisor)["weekly_digest"] == (True, False)


def test_a_kind_turned_off_in_the_portal_is_not_notified(advisor, other):
    NotificationPreference.objects.create(user=advisor, kind="company_replied", in_app=False, email=False)
    told = services.tell(
        recipients=[advisor, other],
        kind="company_replied",
        params={"request": "x", "reference": "EC-2026-000001", "company": "Acme AB"},
        key="k",
    )
    assert told == [other]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [other.pk]


def test_who_is_muted_and_who_wants_email_is_one_query(advisor, other, django_assert_num_queries):
    """`tell` (every notice) and the reminder sender ask both at once; the users are not joined."""
    NotificationPreference.objects.create(user=advisor, kind="company_replied", in_app=False, email=True)
    NotificationPreference.objects.create(user=other, kind="company_replied", in_app=True, email=False)
    with django_assert_num_queries(1) as queries:
        silent, by_email = services.wishes({advisor.pk, other.pk}, "company_replied")
    assert (silent, by_email) == ({advisor.pk}, {advisor.pk})
    assert "advisors_user" not in queries.captured_queries[0]["sql"]
    # No saved preference: on in the portal, and the kind's default by email (off for new requests).
    assert services.wishes({advisor.pk}, "new_request") == (set(), set())
    assert services.wishes({advisor.pk}, "follow_up_due") == (set(), {advisor.pk})


def test_nobody_has_preferences_until_they_choose(advisor, other):
    assert services.email_wanted({advisor.pk, other.pk}, "weekly_digest") == {advisor.pk, other.pk}


# --- API ------------------------------------------------------------------------------------------------


def test_api_lists_my_notifications_and_marks_them_read(client, advisor, other):
    mine = notify(advisor, 2)
    notify(other, 1)
    client.force_login(advisor)
    data = client.get("/api/v1/notifications/").json()
    assert data["count"] == 2
    assert [row["title"] for row in data["results"]] == ["Påminnelse 1", "Påminnelse 0"]
    assert data["results"][0]["is_read"] is False and data["results"][0]["kind"] == "follow_up_due"
    response = client.post(f"/api/v1/notifications/{mine[0].pk}/read/")
    assert response.json() == {"marked": 1, "unread": 1}
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1, "unread": 0}


def test_api_hides_other_peoples_notifications(client, advisor, other):
    [theirs] = notify(other)
    client.force_login(advisor)
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_api_needs_sign_in(client, db):
    assert client.get("/api/v1/notifications/").status_code == 403
