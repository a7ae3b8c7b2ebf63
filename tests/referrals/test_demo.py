import pytest

from advisors import demo as advisors_demo
from companies import demo as companies_demo
from notifications.models import OutboundEmail
from referrals import demo, status_links
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
    path = first.status_url.removeprefix("http://127.0.0.1:8000")
    request = status_links.request_for_token(path.strip("/").split("/")[-1])
    assert client.get(path).status_code == 200
    assert request.reference in client.get(path).content.decode()
