"""A follow-up's due date reads "Klar senast" (done by), not "Svara senast" (reply by)."""

import pytest

from tests.outreach.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def test_my_follow_ups_say_when_they_are_due(client, advisor, company):
    FollowUpFactory(owner=advisor, company=company)
    client.force_login(advisor)
    swedish = client.get("/advisor/follow-ups/").content.decode()
    assert "Klar senast <time" in swedish
    assert "Svara senast" not in swedish
    assert "Due <time" in client.get("/en/advisor/follow-ups/").content.decode()
