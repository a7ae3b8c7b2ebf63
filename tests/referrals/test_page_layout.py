"""Issue 17 §2–3 without a browser: the inbox's filter chips and select labels, the request page's
conversation and its routing suggestions split into matching partners and the rest."""

import re
from types import SimpleNamespace

import pytest

from referrals import routing, selectors, services
from referrals.models import RequestEvent

pytestmark = pytest.mark.django_db
INBOX = "/en/advisor/requests/"


@pytest.fixture
def submit(make_submission, operator):
    counter = iter(range(1, 1000))

    def make(**overrides):
        n = next(counter)
        fields = {"number": None, "company_name": f"Företag {n} AB", "contact_email": f"p{n}@company.example"}
        return services.submit_request(submission=make_submission(**{**fields, **overrides}))

    return make


def test_no_select_of_the_inbox_offers_dashes(client, submit, advisor):
    submit()
    client.force_login(advisor)
    html = client.get(INBOX, {"view": "open"}).content.decode()
    assert "---------" not in html
    assert re.search(r'<select name="need"[^>]*>\s*<option value="" selected>All</option>', html)
    assert re.search(r'<select name="priority"[^>]*>\s*<option value="" selected>All</option>', html)


def test_active_filters_are_chips_each_dropping_one_value(client, submit, advisor):
    submit()
    client.force_login(advisor)
    response = client.get(
        INBOX,
        {"view": "open", "need": "buyer-credit-risk", "status": ["new", "triaged"], "page": "1"},
    )
    chips = {text: url for _name, text, url in response.context["chips"]}
    assert set(chips) == {"Need: Buyer credit risk, getting paid", "Status: New", "Status: Triaged"}
    need_gone = chips["Need: Buyer credit risk, getting paid"]
    assert "need=" not in need_gone and "status=new" in need_gone and "status=triaged" in need_gone
    assert "page=" not in need_gone and "view=open" in need_gone
    new_gone = chips["Status: New"]
    assert "status=new" not in new_gone and "status=triaged" in new_gone and "need=" in new_gone
    assert response.context["more_filters_open"]  # status is one of the "More filters"
    html = response.content.decode()
    assert 'class="filter-bar__more" open' in html


def test_no_chips_without_filters_or_with_an_invalid_one(client, submit, advisor):
    submit()
    client.force_login(advisor)
    assert client.get(INBOX).context["chips"] == []
    response = client.get(INBOX, {"view": "open", "need": "no-such-need"})
    assert response.status_code == 400 and response.context["chips"] == []


def test_a_search_chip_keeps_a_personal_number_out_of_every_url(client, submit, advisor):
    submit()
    client.force_login(advisor)
    location = client.post(INBOX, {"view": "open", "q": "19880320-0016", "priority": "normal"})["Location"]
    response = client.get(location)
    chips = {text: url for _name, text, url in response.context["chips"]}
    assert set(chips) == {"Search: 19880320-0016", "Priority: Normal"}
    assert all("0016" not in url for url in chips.values())
    assert "search=" not in chips["Search: 19880320-0016"]  # dropping the search drops its key
    assert "search=" in chips["Priority: Normal"]  # the other chip keeps the search


def _event(kind, body, at, actor=None, organisation=None):
    return SimpleNamespace(kind=kind, body=body, created_at=at, actor=actor, organisation=organisation)


def test_the_conversation_is_the_request_then_the_messages_the_latest_three_in_view(submit, advisor):
    request = submit(description="We sell saunas.")
    at = request.created_at
    timeline = [
        _event(RequestEvent.Kind.CREATED, "", at),
        _event(RequestEvent.Kind.MESSAGE_TO_COMPANY, "Hello", at, advisor, advisor.organisation),
        _event(RequestEvent.Kind.NOTE, "internal", at, advisor),
        _event(RequestEvent.Kind.MESSAGE_FROM_COMPANY, "Hi", at),
        _event(RequestEvent.Kind.MESSAGE_TO_COMPANY, "Tuesday?", at, advisor, advisor.organisation),
    ]
    conversation = selectors.conversation(request, timeline)
    assert [m.body for m in conversation.earlier] == ["We sell saunas."]
    assert [m.body for m in conversation.latest] == ["Hello", "Hi", "Tuesday?"]
    assert conversation.earlier[0].is_request and conversation.earlier[0].from_company
    assert conversation.latest[0].author == f"{advisor.full_name}, {advisor.organisation}"
    assert conversation.latest[1].author == request.company.name and conversation.count == 4
    assert selectors.conversation(request, []).latest[0].body == "We sell saunas."


def test_routing_suggestions_split_into_matching_and_the_rest():
    def suggestion(score):
        return routing.Suggestion(organisation=None, score=score)

    best, good, none = suggestion(7), suggestion(3), suggestion(0)
    assert routing.split([best, good, none]) == ([best, good], [none])


def test_the_request_page_shows_the_conversation_and_folds_the_less_used_actions(
    client, submit, advisor, ekn
):
    request = submit(description="We sell saunas.")
    services.claim(request=request, advisor=advisor)
    client.force_login(advisor)
    html = client.get(f"/en/advisor/requests/{request.public_id}/").content.decode()
    conversation = html[html.index('id="conversation-heading"') : html.index('id="write-heading"')]
    assert "We sell saunas." in conversation
    assert html.index('id="state-heading"') < html.index('id="conversation-heading"')  # the side comes first
    assert '{% include "referrals/includes/canned_replies.html" %}' not in html
    for summary in ("Priority", "Close as duplicate", "Refer to a partner"):
        assert re.search(rf"<details[^>]*>\s*<summary[^>]*>{summary}</summary>", html), summary
    # Refer from a suggestion: the form is open.
    prefilled = client.get(
        f"/en/advisor/requests/{request.public_id}/", {"refer_to": ekn.slug}
    ).content.decode()
    assert re.search(r'<details class="request-action request-action--refer" open>', prefilled)


def test_the_conversation_adds_no_query_with_3_or_30_messages(client, submit, advisor):
    """The conversation is read from the timeline the page reads anyway."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.referrals.test_inbox_queries import REQUEST_PAGE_QUERIES

    request = submit(description="We sell saunas.")
    services.claim(request=request, advisor=advisor)
    client.force_login(advisor)
    url = f"/en/advisor/requests/{request.public_id}/"

    def write(n):
        for i in range(n):
            request.refresh_from_db()
            services.message_company(
                request=request, by=advisor, body=f"Message {i}", expected_version=request.version
            )
            services.reply_from_company(request=request, body=f"Reply {i}")

    def count():
        client.get(url)  # the widget cache filled
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return len(queries), html

    write(2)
    few, _html = count()
    write(13)
    many, html = count()
    assert many == few <= REQUEST_PAGE_QUERIES
    latest = html[html.index("data-conversation-latest") :]
    assert "Reply 12" in latest and "Message 12" in latest and "Show 28 earlier messages" in html
