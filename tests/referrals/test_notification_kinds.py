"""Every kind of notification is worded from its parameters in the reader's language and links to its object;
rows written before notifications were stored as parameters were migrated to the same shape."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import translation

from notifications import kinds
from outreach.reminder_kinds import Kind as FollowUpKind
from referrals import notices, services
from referrals.models import AdviceRequest
from referrals.reminder_kinds import Kind as RequestKind
from tests.outreach.factories import FollowUpFactory

SAMPLE = {
    "request": "7b1d0a8e-5a7c-4a43-9a58-3f6f7e1f0a11",
    "reference": "EC-2026-000026",
    "company": "Enköpings Mekaniska Verkstad AB",
    "organisation": "SEK – Svensk Exportkredit",
    "status": "closed",
    "referral": 1,
    "date": "2026-12-07",
    "description": "Ring Karin",
    "count": 3,
    "days": 3,
    "follow_ups": 2,
    "requests": 1,
    "referrals": 0,
}

KINDS = [*notices.Kind.choices, *FollowUpKind.choices, *RequestKind.choices]

migration = importlib.import_module("notifications.migrations.0005_notification_params")


def test_every_kind_is_registered():
    assert {kind.value for kind in kinds.registered()} == {value for value, _label in KINDS}


@pytest.mark.parametrize("kind", [value for value, _label in KINDS])
def test_every_kind_reads_in_english_and_swedish_and_links_somewhere(kind):
    with translation.override("en"):
        english = kinds.render(kind, SAMPLE)
    with translation.override("sv"):
        swedish = kinds.render(kind, SAMPLE)
    assert english.title and swedish.title and english.title != swedish.title
    assert english.url.startswith("/en/advisor/") and swedish.url.startswith("/advisor/")
    if "request" in english.url:
        assert SAMPLE["request"] in english.url


def test_parameters_that_cannot_be_worded_fall_back_to_the_label():
    with translation.override("en"):
        assert kinds.render("company_replied", {}).title == "The company replied"
        assert kinds.render("company_replied", {"title": "Old words", "url": "/x/"}) == kinds.Rendered(
            "Old words", "/x/"
        )


@pytest.mark.django_db
def test_existing_rows_are_traced_back_to_their_object(owned_request, ekn, ekn_advisor, advisor, refer):
    event = services.reply_from_company(request=owned_request, body="Hej")
    referral = refer(owned_request, ekn, advisor)
    follow_up = FollowUpFactory(owner=advisor, description="Ring Karin")
    request = AdviceRequest.objects.get(pk=owned_request.pk)
    expected_request = {
        "request": str(request.public_id),
        "reference": request.reference,
        "company": request.company.name,
    }

    def traced(kind, key, title="Nytt ärende"):
        return migration.params_for(apps, SimpleNamespace(kind=kind, key=key, title=title))

    assert traced("new_request", f"new-request:{request.pk}") == expected_request
    assert traced("company_replied", f"company-replied:{event.pk}") == expected_request
    assert traced("referral_received", f"referral-received:{referral.pk}") == {
        **expected_request,
        "organisation": "Almi Uppsala",
        "referral": referral.pk,
    }
    services.decline_referral(referral=referral, by=ekn_advisor, reason="Inte för oss.")
    assert traced("referral_declined", f"referral-declined:{referral.pk}")["organisation"] == "EKN"
    assert traced(
        "follow_up_due", f"reminder:follow_up_due:outreach.followup:{follow_up.pk}:{follow_up.due_on}"
    ) == {
        "date": follow_up.due_on.isoformat(),
        "description": "Ring Karin",
        "company": follow_up.company.name,
    }
    assert traced(
        "weekly_digest",
        f"reminder:weekly_digest:advisors.user:{advisor.pk}:2026-11-23",
        title="Din vecka från 23 november 2026: 2 öppna uppföljningar, 1 ärende, 0 hänvisningar",
    ) == {"date": "2026-11-23", "follow_ups": 2, "requests": 1, "referrals": 0}
    assert traced("new_request", "something-else:1") is None
