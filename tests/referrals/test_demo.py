import pytest

from demo import companies as companies_demo
from demo import partners as advisors_demo
from demo import requests as demo
from notifications.models import Notification, OutboundEmail
from referrals import status_links
from referrals.models import AdviceRequest


@pytest.mark.django_db
def test_demo_requests_are_idempotent_send_no_email_and_have_a_working_status_link(reference_data, client):
    advisors_demo.seed()
    companies_demo.seed()
    first = demo.seed()
    again = demo.seed()
    assert first.requests == again.requests == AdviceRequest.objects.count() == 24
    assert not OutboundEmail.objects.exists()
    assert AdviceRequest.objects.filter(region__slug="uppsala").count() == 24
    # The queue on triage duty has seen them: signing in to the demo shows no pile of 24 unread requests.
    new_requests = Notification.objects.filter(kind="new_request")
    assert new_requests.filter(recipient__email="anna.advisor@almi.example").count() == 24
    assert not new_requests.filter(read_at__isnull=True).exists()
    path = first.status_url.removeprefix("http://127.0.0.1:8000")
    request = status_links.request_for_token(path.strip("/").split("/")[-1])
    assert client.get(path).status_code == 200
    assert request.reference in client.get(path).content.decode()


@pytest.mark.django_db
def test_demo_referrals_show_the_three_answers_and_are_idempotent(reference_data):
    from referrals.models import Referral

    advisors_demo.seed()
    companies_demo.seed()
    first = demo.seed()
    again = demo.seed()
    assert first.referrals == again.referrals == Referral.objects.count() == 4
    assert not OutboundEmail.objects.exists()
    rows = {
        (r.from_organisation.slug, r.to_organisation.slug, r.status, r.scope)
        for r in Referral.objects.select_related("from_organisation", "to_organisation")
    }
    assert rows == {
        ("almi", "ekn", "pending", "needs"),  # about buyer credit risk
        ("almi", "business-sweden", "accepted", "whole"),
        ("almi", "sek", "declined", "whole"),
        ("almi", "ekn", "pending", "whole"),  # the declined one, referred again
    }
    about_risk = Referral.objects.get(scope="needs")
    assert list(about_risk.needs.values_list("slug", flat=True)) == ["buyer-credit-risk"]
    declined = Referral.objects.get(status="declined")
    assert declined.decline_reason
    assert Referral.objects.filter(request=declined.request).count() == 2  # the chain
    accepted = Referral.objects.get(status="accepted")
    assert accepted.request.owner_organisation.slug == "business-sweden"
    assert accepted.request.owner_since == accepted.answered_at


@pytest.mark.django_db
def test_demo_requests_without_the_demo_people_get_no_referrals(reference_data):
    companies_demo.seed()
    assert demo.seed().referrals == 0
