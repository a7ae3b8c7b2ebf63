"""The request page in English shows dates the European way (7 Dec 2026 17:00)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from referrals import services
from referrals.models import AdviceRequest

pytestmark = pytest.mark.django_db

EVENING = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 17:00 in Stockholm
AMERICAN = ("12/07/2026", "p.m.", "a.m.", "Dec. 7", "December 7")


def test_the_request_page_in_english_shows_european_dates(client, make_submission, operator, advisor):
    request = services.submit_request(submission=make_submission())
    AdviceRequest.objects.filter(pk=request.pk).update(created_at=EVENING, first_response_due_at=EVENING)
    client.force_login(advisor)
    url = reverse("referrals:request_detail", args=[request.public_id])
    with translation.override("en"):
        english_url = reverse("referrals:request_detail", args=[request.public_id])
    english = client.get(english_url).content.decode()
    assert english_url.startswith("/en/")
    assert "7 Dec 2026 17:00" in english
    assert not any(american in english for american in AMERICAN)
    assert "2026-12-07 17:00" in client.get(url).content.decode()
