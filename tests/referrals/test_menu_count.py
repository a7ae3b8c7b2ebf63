"""The main menu shows how many referrals wait for an answer from the user's organisation."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals import selectors, services
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def menu_link(html: str) -> str:
    match = re.search(r'<a class="nav-link" href="/en/advisor/referrals/"[^>]*>(.*?)</a>', html, re.S)
    assert match, "no Referrals link in the menu"
    return match.group(1)


def test_the_count_is_the_pending_referrals_to_the_users_organisation(
    owned_request, make_submission, advisor, ekn, ekn_advisor, refer, operator
):
    refer(owned_request, ekn, advisor)
    other = services.submit_request(
        submission=make_submission(description="A second request: we need help with Japan.")
    )
    services.claim(request=other, advisor=advisor)
    answered = refer(other, ekn, advisor)
    services.decline_referral(referral=answered, by=ekn_advisor, reason="Talk to your bank first.")

    assert selectors.waiting_for_organisation(ekn_advisor) == 1
    assert selectors.waiting_for_organisation(advisor) == 0  # sent by Almi, not waiting for Almi
    superuser = UserFactory(organisation=None, is_superuser=True, is_staff=True)
    assert selectors.waiting_for_organisation(superuser) == 0
    assert Referral.objects.filter(status=Referral.Status.PENDING).count() == 1


def test_the_menu_shows_it_in_words_for_screen_readers(
    client, owned_request, advisor, ekn, ekn_advisor, refer
):
    client.force_login(ekn_advisor)
    link = menu_link(client.get("/en/advisor/").content.decode())
    assert "badge" not in link  # nothing waits yet

    refer(owned_request, ekn, advisor)
    response = client.get("/en/advisor/")
    link = menu_link(response.content.decode())
    assert re.search(r'<span class="badge[^"]*" aria-hidden="true">1</span>', link)
    assert '<span class="visually-hidden"> (1 waiting)</span>' in link


def test_the_count_costs_one_query_and_only_where_the_menu_is_shown(
    client, owned_request, advisor, ekn, ekn_advisor, refer
):
    refer(owned_request, ekn, advisor)
    client.force_login(ekn_advisor)
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/advisor/password/change/")  # a page with the menu and nothing else of referrals
    counting = [q["sql"] for q in queries.captured_queries if "referrals_referral" in q["sql"]]
    assert len(counting) == 1, counting

    client.logout()
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/")  # a public page: no menu, no count
    assert not [q for q in queries.captured_queries if "referrals_referral" in q["sql"]]
