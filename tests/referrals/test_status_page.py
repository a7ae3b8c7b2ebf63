"""The SME's private status page, its "link does not work" answer, and the privacy notice."""

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from reference.models import Municipality
from referrals import services, status_links
from referrals.models import AdviceRequest, CoHandling, NeedCategory, RequestEvent
from referrals.need_categories import seed_need_categories
from referrals.services import Submission
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def uppsala(reference_data):
    region = RegionFactory(name="Exportcenter Uppsala län", slug="uppsala")
    region.counties.add("03")
    operator = OrganisationFactory(
        name="Almi Uppsala", slug="almi-status", regions=[region], email="uppsala@almi.example"
    )
    region.operator = operator
    region.save()
    return region


def submit(**overrides):
    fields = {
        "org_number": "5566778899",
        "legal_form": "limited_company",
        "company_name": "Knivsta Konsult AB",
        "municipality": Municipality.objects.get(code="0330"),
        "website": "",
        "employee_band": "5-9",
        "sells": "services",
        "export_experience": "never",
        "export_countries": [],
        "needs": list(NeedCategory.objects.filter(slug__in=["buyer-credit-risk", "market-selection"])),
        "target_markets": ["DE"],
        "description": "We want to sell consulting services in Germany.",
        "contact_name": "Karin Berg",
        "contact_email": "karin@konsult.example",
        "contact_phone": "",
        "language": "en",
        "preferred_contact_method": "email",
        **overrides,
    }
    return services.submit_request(submission=Submission(**fields))


@pytest.fixture
def advice_request(uppsala):
    seed_need_categories()
    return submit()


def url_of(advice_request, language="en") -> str:
    prefix = "/en" if language == "en" else ""
    return f"{prefix}/status/{status_links.token_for(advice_request)}/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def close(advice_request, days_ago):
    advice_request.status = AdviceRequest.Status.CLOSED
    advice_request.closed_at = timezone.now() - timedelta(days=days_ago)
    advice_request.outcome = AdviceRequest.Outcome.HELPED
    advice_request.save()


# --- The page ---------------------------------------------------------------------------------------
def test_the_page_shows_the_request_while_a_partner_is_found(client, advice_request):
    response = client.get(url_of(advice_request))
    page = text(response)
    assert response.status_code == 200
    assert advice_request.reference in page
    assert "Buyer credit risk, getting paid" in page and "Market selection and market analysis" in page
    assert "We have received your request and are reading it." in page
    assert "We are finding the right partner for you." in page
    assert "Germany" in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_page_keeps_its_query_budget(client, advice_request, django_assert_max_num_queries):
    """The request with its company, owner, region, the region's operator, whether its owner took it over and
    whether it has co-handlers in one query (issue 16): four on a full page without files, the request, its
    needs, its co-handlers, and its messages with the "created" entry (eight before; its files and their
    messages' files were two more, always). The layout's region is the request's, so it costs none."""
    ekn = OrganisationFactory(name="EKN", slug="ekn-budget")
    advice_request.owner_organisation = OrganisationFactory(name="Almi Budget", slug="almi-budget")
    advice_request.save()
    CoHandling.objects.create(request=advice_request, organisation=ekn, need=advice_request.needs.first())
    RequestEvent.objects.create(
        request=advice_request, kind=RequestEvent.Kind.MESSAGE_TO_COMPANY, body="Hello"
    )
    client.get(url_of(advice_request))
    with django_assert_max_num_queries(4):
        response = client.get(url_of(advice_request))
    page = text(response)
    assert "Your request is handled by Almi Budget." in page
    assert "EKN also helps you with:" in page and "Hello" in page


def test_the_layout_names_the_requests_export_center(client, advice_request):
    """A national deployment serves many regions: the SME sees its own center, not the site's first."""
    RegionFactory(name="Exportcenter Blekinge", slug="aaa-blekinge")  # first by name
    page = text(client.get(url_of(advice_request)))
    assert "<title>" in page
    title = page[page.index("<title>") : page.index("</title>")]
    assert "Exportcenter Uppsala län" in title and "Blekinge" not in page


def test_the_page_in_swedish(client, advice_request):
    response = client.get(url_of(advice_request, "sv"))
    assert response.status_code == 200
    assert '<html lang="sv">' in text(response)
    assert advice_request.reference in text(response)


def test_the_page_names_the_partner_that_handles_the_request(client, advice_request):
    advice_request.owner_organisation = OrganisationFactory(name="Business Sweden Uppsala", slug="bs-up")
    advice_request.status = AdviceRequest.Status.IN_PROGRESS
    advice_request.save()
    page = text(client.get(url_of(advice_request)))
    assert "Your request is handled by Business Sweden Uppsala." in page
    assert "An advisor is working on your request." in page
    assert "finding the right partner" not in page


def test_only_the_conversation_with_the_company_is_shown(client, advice_request):
    partner = OrganisationFactory(name="EKN", slug="ekn-status")
    advisor = UserFactory(email="erik.private@ekn.example", full_name="Erik Ek", organisation=partner)
    RequestEvent.objects.create(
        request=advice_request, kind=RequestEvent.Kind.MESSAGE_TO_COMPANY, actor=advisor, body="Which buyers?"
    )
    RequestEvent.objects.create(
        request=advice_request, kind=RequestEvent.Kind.NOTE, actor=advisor, body="SECRET internal note"
    )
    RequestEvent.objects.create(
        request=advice_request, kind=RequestEvent.Kind.STATUS_CHANGED, data={"to": "in_progress"}
    )
    RequestEvent.objects.create(
        request=advice_request, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY, body="Two in Hamburg."
    )

    page = text(client.get(url_of(advice_request)))
    assert "SECRET internal note" not in page
    assert "erik.private@ekn.example" not in page
    assert page.index("Which buyers?") < page.index("Two in Hamburg.")  # oldest first
    question = page[page.index('<ol class="conversation">') : page.index("Which buyers?")]
    assert "<strong>EKN</strong>" in question  # the partner, not the person
    answer = page[page.index("Which buyers?") : page.index("Two in Hamburg.")]
    assert "<strong>You</strong>" in answer


# --- Replying ---------------------------------------------------------------------------------------
def test_a_reply_is_saved_and_shown(client, advice_request):
    url = url_of(advice_request)
    response = client.post(url, {"body": "We also sell to Austria.\r\nIs that a problem?"})
    assert response.status_code == 302
    assert response["Location"] == url
    event = advice_request.events.get(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY)
    assert event.body == "We also sell to Austria.\nIs that a problem?"

    page = text(client.get(url))
    assert "We also sell to Austria." in page
    assert "Thank you. Your message has been sent." in page


def test_a_reply_to_a_question_puts_the_request_back_in_progress(client, advice_request):
    advice_request.status = AdviceRequest.Status.WAITING_FOR_COMPANY
    advice_request.save()
    assert "We are waiting for your answer." in text(client.get(url_of(advice_request)))
    client.post(url_of(advice_request), {"body": "Here is the answer."})
    advice_request.refresh_from_db()
    assert advice_request.status == AdviceRequest.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write your message."), ("   ", "Write your message."), ("x" * 5001, "at most 5000 characters")],
)
def test_an_empty_or_oversized_reply_is_an_error(client, advice_request, body, message):
    response = client.post(url_of(advice_request), {"body": body})
    page = text(response)
    assert response.status_code == 200
    assert re.search(rf'id="id_body_error">[^<]*{message}', page)
    assert '<a href="#id_body">' in page
    assert not advice_request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).exists()


def test_a_closed_request_shows_the_page_but_takes_no_replies(client, advice_request):
    close(advice_request, days_ago=10)
    url = url_of(advice_request)
    page = text(client.get(url))
    assert "Your request is closed." in page
    assert 'name="body"' not in page

    response = client.post(url, {"body": "Hello again"}, follow=True)
    assert "This request is closed, so you cannot reply here." in text(response)
    assert not advice_request.events.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).exists()


# --- Links that do not work -------------------------------------------------------------------------
def normalised(response, token) -> str:
    """The body without what differs by design: the echoed address and the per-response CSRF mask."""
    body = response.content.decode().replace(token, "TOKEN")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_every_bad_link_gets_the_same_not_found_page(client, advice_request):
    unknown = signing.dumps(str(uuid.uuid4()), salt=status_links.SALT, compress=True)
    good = status_links.token_for(advice_request)
    expired_request = submit(
        org_number=None,
        legal_form="unregistered",
        company_name="Gammal AB",
        contact_name="Olle Old",
        contact_email="olle@gammal.example",
    )
    close(expired_request, days_ago=91)
    expired = status_links.token_for(expired_request)

    responses = {
        "unknown": (unknown, client.get(f"/en/status/{unknown}/")),
        "tampered": (tampered(good), client.get(f"/en/status/{tampered(good)}/")),
        "random": ("qwerty123", client.get("/en/status/qwerty123/")),
        "expired": (expired, client.get(f"/en/status/{expired}/")),
    }
    bodies = set()
    for name, (token, response) in responses.items():
        assert response.status_code == 404, name
        assert "This link does not work" in text(response), name
        assert response["X-Robots-Tag"].startswith("noindex"), name
        assert response["Referrer-Policy"] == "same-origin", name
        bodies.add(normalised(response, token))
    assert len(bodies) == 1  # nothing tells an expired request from one that never existed
    assert "Olle" not in text(responses["expired"][1]) and "EC-" not in text(responses["expired"][1])

    # Replying through a bad link is the same 404, and writes nothing.
    assert client.post(f"/en/status/{expired}/", {"body": "Hello"}).status_code == 404
    assert not RequestEvent.objects.filter(kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY).exists()


def test_the_not_found_page_offers_a_way_to_contact_the_center(client, uppsala):
    page = text(client.get("/en/status/nothing-here/"))
    assert "mailto:uppsala@almi.example" in page
    assert 'href="/en/help-me-export/"' in page
    assert "90 days after the request is closed" in page
    assert '<html lang="sv">' in text(client.get("/status/nothing-here/"))


def test_a_request_closed_within_the_window_still_opens(client, advice_request, settings):
    settings.STATUS_LINK_DAYS_AFTER_CLOSE = 30
    close(advice_request, days_ago=29)
    assert client.get(url_of(advice_request)).status_code == 200
    close(advice_request, days_ago=31)
    assert client.get(url_of(advice_request)).status_code == 404


# --- Headers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["status", "confirmation"])
def test_private_pages_are_not_cached_indexed_or_leaked(client, advice_request, page):
    token = status_links.token_for(advice_request)
    url = f"/en/status/{token}/" if page == "status" else f"/en/help-me-export/sent/{token}/"
    response = client.get(url)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in cache_control
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex">' in text(response)


# --- Privacy notice ---------------------------------------------------------------------------------
def test_the_privacy_notice_in_both_languages(client, uppsala):
    swedish = client.get("/privacy/")
    english = client.get("/en/privacy/")
    assert swedish.status_code == english.status_code == 200
    assert '<html lang="sv">' in text(swedish)
    page = text(english)
    assert "<h1>How we handle your personal data</h1>" in page
    for topic in ("Who is responsible", "What we collect", "Why we collect it", "Who sees your data"):
        assert topic in page
    assert "How long we keep it" in page and "Your rights" in page
    assert "Integritetsskyddsmyndigheten" in page and "https://www.imy.se/" in page
    assert "mailto:uppsala@almi.example" in page


def test_the_form_links_to_the_privacy_notice(client, uppsala):
    seed_need_categories()
    assert 'href="/privacy/"' in client.get("/help-me-export/").content.decode()
    assert 'href="/en/privacy/"' in client.get("/en/help-me-export/").content.decode()
