"""The shared inbox pages: views, filters, search, sorting, counts, saved views, bulk actions, the request
page and its actions (with and without htmx), and their query budgets."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import OutboundEmail
from referrals import selectors, services
from referrals.models import AdviceRequest, InboxView, NeedCategory, RequestEvent, SavedView
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = AdviceRequest.Status
INBOX = "/en/advisor/requests/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def partner(region):
    """Another partner of the same region (EKN)."""
    return OrganisationFactory(name="EKN", slug="ekn", kind="ekn", regions=[region])


@pytest.fixture
def ekn_advisor(partner):
    return UserFactory(email="eva@ekn.example", full_name="Eva Ek", organisation=partner)


@pytest.fixture
def stranger(db):
    """An advisor of another region."""
    other = RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")
    return UserFactory(email="g@gavle.example", organisation=OrganisationFactory(regions=[other]))


def references(response) -> set[str]:
    html = response.content.decode()
    return {ref for ref in AdviceRequest.objects.values_list("reference", flat=True) if ref in html}


def detail_url(request) -> str:
    return f"{INBOX}{request.public_id}/"


def action_url(request, action) -> str:
    return f"{INBOX}{request.public_id}/{action}/"


# --- Views, filters, search, sorting ------------------------------------------------------------------


def test_the_standard_views_hold_the_right_requests(client, submit, advisor, ekn_advisor, partner):
    new = submit()
    mine = submit()
    services.claim(request=mine, advisor=advisor)
    ours_queue = submit()
    services.assign(request=ours_queue, by=advisor, expected_version=1, organisation=advisor.organisation)
    theirs = submit()
    services.assign(request=theirs, by=advisor, expected_version=1, organisation=partner)
    closed = submit()
    services.transition(
        request=closed, to_status=Status.CLOSED, by=advisor, expected_version=1, outcome="spam"
    )
    overdue = submit()
    AdviceRequest.objects.filter(pk=overdue.pk).update(
        first_response_due_at=timezone.now() - timedelta(hours=1)
    )

    client.force_login(advisor)
    expected = {
        InboxView.NEW: {new.reference, ours_queue.reference, theirs.reference, overdue.reference},
        InboxView.MINE: {mine.reference},
        InboxView.ORGANISATION: {mine.reference, ours_queue.reference},
        InboxView.OVERDUE: {overdue.reference},
        InboxView.OPEN: {
            new.reference,
            mine.reference,
            ours_queue.reference,
            theirs.reference,
            overdue.reference,
        },
        InboxView.CLOSED: {closed.reference},
    }
    for view, refs in expected.items():
        response = client.get(INBOX, {"view": view})
        assert response.status_code == 200
        assert references(response) == refs, view
    counts = selectors.view_counts(advisor)
    assert counts == {view: len(refs) for view, refs in expected.items()}


def test_the_row_shows_reference_company_needs_markets_age_deadline_owner_and_last_event(
    client, submit, advisor
):
    request = submit(company_name="Radhuset Rör AB")
    services.add_note(request=request, by=advisor, body="Ringer imorgon")
    client.force_login(advisor)
    html = client.get(INBOX, {"view": "open"}).content.decode()
    row = html[html.index(f'id="row-{request.public_id}"') :]
    row = row[: row.index("</tr>")]
    assert request.reference in row and "Radhuset Rör AB" in row
    assert "Buyer credit risk" in row or "Kreditrisk" in row  # the need's name
    assert ">DE<" in row and ">NO<" in row
    assert "Respond by" in row  # the deadline badge
    assert "Nobody yet" in row
    assert "Note" in row  # the last event
    assert f'value="{request.public_id}:{request.version}"' in row  # the bulk checkbox carries the version


def test_filters_search_and_sorting(client, submit, advisor, need_categories):
    older = submit(description="We make wooden boats", company_name="Båtbyggarna AB")
    ten_days_ago = timezone.now() - timedelta(days=10)
    AdviceRequest.objects.filter(pk=older.pk).update(
        created_at=ten_days_ago, first_response_due_at=ten_days_ago + timedelta(days=1)
    )
    newer = submit(
        description="Software for dentists",
        target_markets=["US"],
        needs=list(need_categories.filter(slug="market-selection")),
    )
    client.force_login(advisor)

    def refs(**params):
        response = client.get(INBOX, {"view": "open", **params})
        assert response.status_code == 200, response.content.decode()[:500]
        return references(response)

    assert refs(q="boats") == {older.reference}  # the description
    assert refs(q="Båtbyggarna") == {older.reference}  # the company name
    assert refs(q=newer.reference) == {newer.reference}
    assert refs(q=newer.reference.lower()) == {newer.reference}  # a reference in any case
    assert refs(target_market="US") == {newer.reference}
    assert refs(need="buyer-credit-risk") == {older.reference}
    assert refs(age="month") == {older.reference}
    assert refs(age="day") == {newer.reference}
    assert refs(deadline_state="overdue") == {older.reference}
    html = client.get(INBOX, {"view": "open", "sort": "oldest"}).content.decode()
    assert html.index(older.reference) < html.index(newer.reference)
    html = client.get(INBOX, {"view": "open", "sort": "newest"}).content.decode()
    assert html.index(newer.reference) < html.index(older.reference)


def test_an_invalid_filter_is_an_error_next_to_the_field_not_a_500(client, submit, advisor):
    submit()
    client.force_login(advisor)
    response = client.get(INBOX, {"view": "open", "status": "nonsense", "age": "x" * 50})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "is-invalid" in html
    assert client.get(INBOX, {"view": "no-such-view"}).status_code == 200  # unknown view: the default


def test_a_personal_number_typed_into_search_never_lands_in_the_url(client, submit, advisor):
    submit()
    client.force_login(advisor)
    response = client.post(INBOX, {"view": "open", "q": "19880320-0016"})
    assert response.status_code == 302
    assert "0016" not in response["Location"] and "search=" in response["Location"]
    assert client.get(response["Location"]).status_code == 200


def test_other_regions_see_nothing(client, submit, stranger):
    request = submit()
    client.force_login(stranger)
    assert references(client.get(INBOX, {"view": "open"})) == set()
    assert client.get(detail_url(request)).status_code == 404
    assert client.post(action_url(request, "claim")).status_code == 404


def test_view_counts_are_capped(submit, advisor, monkeypatch):
    monkeypatch.setattr(selectors, "VIEW_COUNT_CAP", 2)
    for _ in range(4):
        submit()
    assert selectors.view_counts(advisor)[InboxView.NEW] == 3  # the cap + 1 means "2+"


# --- The request page and its actions -------------------------------------------------------------------


def test_the_request_page_shows_the_company_the_needs_and_the_timeline(client, submit, advisor):
    request = submit(description="We sell saunas.")
    client.force_login(advisor)
    html = client.get(detail_url(request)).content.decode()
    assert "We sell saunas." in html and request.company.name in html
    assert f"/companies/{request.company.public_id}/" in html
    assert "Received" in html  # the created event


def test_claim_without_javascript_redirects_and_with_htmx_returns_the_workspace(client, submit, advisor):
    first, second = submit(), submit()
    client.force_login(advisor)
    response = client.post(action_url(first, "claim"))
    assert response.status_code == 302 and response["Location"].endswith(detail_url(first))
    first.refresh_from_db()
    assert first.owner_advisor == advisor and first.status == Status.TRIAGED
    response = client.post(action_url(second, "claim"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workspace"') and "You have taken the request." in html


def test_a_lost_claim_says_who_has_it(client, submit, advisor, operator):
    request = submit()
    colleague = UserFactory(email="colleague@almi.example", full_name="Kalle Kollega", organisation=operator)
    services.claim(request=request, advisor=colleague)
    client.force_login(advisor)
    response = client.post(action_url(request, "claim"))
    # The claim button is gone for a taken request: the access rule still allows a claim attempt of the
    # owning organisation, the atomic UPDATE refuses it.
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Someone else took this request" in follow and "Kalle Kollega" in follow


def test_an_inbox_row_claim_returns_the_row(client, submit, advisor):
    request = submit()
    client.force_login(advisor)
    response = client.post(action_url(request, "claim"), {"from": "inbox"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="row-{request.public_id}"')
    assert advisor.full_name in html and "Take it" not in html.replace("You have taken", "")


def test_an_inbox_row_gone_after_its_claim_leaves_the_list(client, submit, advisor, monkeypatch):
    """Deleted or merged away between the claim and the row's read: an empty answer, whose swap removes
    the row (not a 500)."""
    request = submit()
    client.force_login(advisor)
    monkeypatch.setattr(selectors, "for_inbox_rows", lambda requests, user: requests.none())
    response = client.post(action_url(request, "claim"), {"from": "inbox"}, **HTMX)
    assert response.status_code == 200 and response.content == b""
    assert AdviceRequest.objects.get(pk=request.pk).owner_advisor == advisor


def test_writing_to_the_company_emails_it_and_stamps_the_first_response(
    client, submit, advisor, django_capture_on_commit_callbacks
):
    request = submit()
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action_url(request, "message"), {"version": request.version, "body": "Hej! Vi ringer på tisdag."}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.first_response_at is not None
    email = OutboundEmail.objects.get(key__startswith="request-message:")
    assert email.to == "person1@company.example" and "Vi ringer på tisdag" in email.body_text
    assert mail.outbox and "Vi ringer på tisdag" in mail.outbox[-1].body


def test_a_stale_page_is_refused_and_the_text_is_kept(client, submit, advisor):
    request = submit()
    services.set_priority(request=request, by=advisor, priority="high", expected_version=1)
    client.force_login(advisor)
    response = client.post(action_url(request, "message"), {"version": 1, "body": "Mitt viktiga svar"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed since you opened it" in html and "Mitt viktiga svar" in html
    assert f'name="version" value="{request.version + 1}"' in html  # now based on what the page shows
    assert not RequestEvent.objects.filter(kind=RequestEvent.Kind.MESSAGE_TO_COMPANY).exists()
    response = client.post(action_url(request, "message"), {"version": 1, "body": "Mitt svar"}, **HTMX)
    assert response.status_code == 200 and "changed since you opened it" in response.content.decode()


def test_bad_input_gets_errors_next_to_the_fields(client, submit, advisor):
    request = submit()
    client.force_login(advisor)
    cases = [
        ("message", {"version": 1, "body": ""}, "Write the message to the company."),
        ("message", {"version": 1, "body": "x" * 5001}, "at most 5000 characters"),
        ("message", {"version": "abc", "body": "Hej"}, "The page was out of date"),
        ("note", {"body": "Hej", "visibility": "everyone"}, "Select a valid choice"),
        ("status", {"version": 1, "status": "closed"}, "Choose an outcome to close the request."),
        ("status", {"version": 1, "status": "waiting_for_company"}, "Select a valid choice"),
        ("priority", {"version": 1, "priority": "extreme"}, "Select a valid choice"),
        ("assign", {"version": 1}, "Choose an organisation or an advisor."),
        ("assign", {"version": 1, "organisation": 999999}, "Select a valid choice"),
        ("duplicate", {"version": 1, "reference": request.reference}, "cannot be a duplicate of itself"),
        ("duplicate", {"version": 1, "reference": "EC-1999-000001"}, "no request with this reference"),
    ]
    for action, data, error in cases:
        response = client.post(action_url(request, action), data)
        assert response.status_code in (400, 409), (action, data)
        assert error in response.content.decode(), (action, data)
    request.refresh_from_db()
    assert request.version == 1 and request.events.count() == 1


def test_an_organisation_that_does_not_serve_the_region_cannot_be_assigned(client, submit, advisor, stranger):
    request = submit()
    client.force_login(advisor)
    response = client.post(
        action_url(request, "assign"), {"version": 1, "organisation": stranger.organisation_id}
    )
    assert response.status_code == 400
    with pytest.raises(services.InvalidAssignee):
        services.assign(request=request, by=advisor, expected_version=1, organisation=stranger.organisation)


def test_status_close_and_reopen_through_the_page(client, submit, advisor):
    request = submit()
    client.force_login(advisor)
    response = client.post(
        action_url(request, "status"),
        {"version": 1, "status": "closed", "outcome": "helped", "comment": "Klart"},
        **HTMX,
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.outcome == "helped"
    client.post(action_url(request, "status"), {"version": request.version, "status": "in_progress"})
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS and request.outcome == ""


def test_other_partners_note_but_do_not_move_status_or_write(client, submit, advisor, ekn_advisor):
    request = submit()
    services.assign(request=request, by=advisor, expected_version=1, organisation=advisor.organisation)
    client.force_login(ekn_advisor)
    html = client.get(detail_url(request)).content.decode()
    assert "Add note" in html and "Send to the company" not in html and "Change status" not in html
    version = AdviceRequest.objects.get(pk=request.pk).version
    assert client.post(action_url(request, "message"), {"version": version, "body": "Hej"}).status_code == 403
    assert (
        client.post(action_url(request, "status"), {"version": version, "status": "in_progress"}).status_code
        == 403
    )
    response = client.post(action_url(request, "note"), {"body": "EKN kan hjälpa", "visibility": "all"})
    assert response.status_code == 302
    assert client.post(action_url(request, "nonsense")).status_code == 404


def test_organisation_only_notes_are_hidden_from_other_partners(client, submit, advisor, ekn_advisor):
    request = submit()
    services.add_note(request=request, by=advisor, body="Bara för Almi", visibility="organisation")
    services.add_note(request=request, by=advisor, body="För alla partner", visibility="all")
    client.force_login(ekn_advisor)
    html = client.get(detail_url(request)).content.decode()
    assert "För alla partner" in html and "Bara för Almi" not in html
    inbox = client.get(INBOX, {"view": "open"}).content.decode()
    assert "Bara för Almi" not in inbox
    client.force_login(advisor)
    assert "Bara för Almi" in client.get(detail_url(request)).content.decode()


def test_mark_duplicate_moves_the_timeline(client, submit, advisor):
    original, duplicate = submit(), submit()
    services.add_note(request=duplicate, by=advisor, body="Samma företag igen")
    client.force_login(advisor)
    response = client.post(
        action_url(duplicate, "duplicate"),
        {"version": duplicate.version, "reference": original.reference.lower()},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original and duplicate.outcome == "duplicate"
    assert "Samma företag igen" in client.get(detail_url(original)).content.decode()


def test_closing_as_duplicate_through_the_status_form_names_the_original(client, submit, advisor):
    """The page used to close a request as "duplicate" without naming the original."""
    original, duplicate = submit(), submit()
    client.force_login(advisor)
    close = {"version": 1, "status": "closed", "outcome": "duplicate"}

    response = client.post(action_url(duplicate, "status"), close)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_status_duplicate_of_error"' in html
    assert "Give the reference of the request this one duplicates" in html
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.version) == (Status.NEW, 1)

    chained = submit()
    services.mark_duplicate(request=chained, of=original, by=advisor, expected_version=chained.version)
    response = client.post(action_url(duplicate, "status"), {**close, "duplicate_of": chained.reference})
    assert response.status_code == 400
    assert f"is itself a duplicate of {original.reference}" in response.content.decode()

    response = client.post(
        action_url(duplicate, "status"), {**close, "duplicate_of": original.reference, "comment": "Samma"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.outcome, duplicate.duplicate_of) == (
        Status.CLOSED,
        "duplicate",
        original,
    )
    assert duplicate.outcome_comment == "Samma"


# --- Bulk actions -------------------------------------------------------------------------------------


def selected(*requests):
    return [f"{r.public_id}:{r.version}" for r in requests]


def test_bulk_close_as_spam_reports_what_was_done_and_refused(client, submit, advisor, partner, ekn_advisor):
    mine, stale, theirs = submit(), submit(), submit()
    services.assign(request=theirs, by=advisor, expected_version=1, organisation=partner)
    theirs.refresh_from_db()
    stale_version = stale.version
    services.set_priority(request=stale, by=advisor, priority="low", expected_version=1)
    client.force_login(advisor)
    data = {
        "selected": [
            f"{mine.public_id}:{mine.version}",
            f"{stale.public_id}:{stale_version}",
            *selected(theirs),
        ],
        "action": "spam",
        "return_query": "view=open",
    }
    response = client.post(f"{INBOX}bulk/", data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="bulk-summary"' in html
    assert f"Done for 1 request: {mine.reference}." in html
    assert f"{stale.reference}: it changed since you opened the list" in html
    assert f"{theirs.reference}: you may not change it" in html
    assert AdviceRequest.objects.get(pk=mine.pk).outcome == "spam"
    assert AdviceRequest.objects.get(pk=stale.pk).status == Status.NEW
    assert AdviceRequest.objects.get(pk=theirs.pk).status == Status.NEW


def test_bulk_assign_and_status_without_javascript(client, submit, advisor, partner):
    first, second = submit(), submit()
    client.force_login(advisor)
    response = client.post(
        f"{INBOX}bulk/",
        {
            "selected": selected(first, second),
            "action": "assign",
            "organisation": partner.pk,
            "return_query": "",
        },
    )
    assert response.status_code == 302
    assert set(AdviceRequest.objects.values_list("owner_organisation", flat=True)) == {partner.pk}
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Done for 2" in m for m in messages)

    third = submit()
    response = client.post(
        f"{INBOX}bulk/", {"selected": selected(third), "action": "status", "to_status": "in_progress"}, **HTMX
    )
    assert "cannot move from “New” to “In progress”" in response.content.decode()


def test_bulk_duplicate_and_bad_bulk_input(client, submit, advisor, stranger):
    original, copy = submit(), submit()
    client.force_login(advisor)
    response = client.post(
        f"{INBOX}bulk/",
        {"selected": selected(copy, original), "action": "duplicate", "duplicate_of": original.reference},
        **HTMX,
    )
    html = response.content.decode()
    assert f"Done for 1 request: {copy.reference}." in html
    assert f"{original.reference}: a request cannot duplicate itself" in html
    bad = [
        {"action": "spam"},  # nothing selected
        {"selected": ["garbage"], "action": "spam"},
        {"selected": selected(original), "action": "explode"},
        {"selected": selected(original), "action": "assign"},  # no organisation
        {"selected": selected(original), "action": "duplicate", "duplicate_of": "EC-1999-000001"},
    ]
    for data in bad:
        response = client.post(f"{INBOX}bulk/", data, **HTMX)
        assert response.status_code == 200 and "alert-danger" in response.content.decode(), data
    other = UserFactory(email="x@gavle.example", organisation=stranger.organisation)
    client.force_login(other)
    response = client.post(f"{INBOX}bulk/", {"selected": selected(original), "action": "spam"}, **HTMX)
    assert "could not be found" in response.content.decode()
    assert AdviceRequest.objects.get(pk=original.pk).status == Status.NEW


# --- Saved views --------------------------------------------------------------------------------------


def test_saved_views_personal_and_shared(client, submit, advisor, operator, ekn_advisor):
    submit()
    colleague = UserFactory(email="colleague@almi.example", organisation=operator)
    client.force_login(advisor)
    response = client.post(
        f"{INBOX}views/",
        {"name": "Mina tyska", "view": "open", "query": "target_market=DE&page=3&search=abc&bogus=1"},
    )
    assert response.status_code == 302
    personal = SavedView.objects.get(name="Mina tyska")
    assert personal.query == "target_market=DE" and not personal.is_shared
    client.post(f"{INBOX}views/", {"name": "Almis nya", "view": "new", "query": "", "is_shared": "on"})
    shared = SavedView.objects.get(name="Almis nya")
    assert shared.organisation == operator

    duplicate = client.post(f"{INBOX}views/", {"name": "mina  TYSKA", "view": "open", "query": ""})
    assert duplicate.status_code == 302 and SavedView.objects.count() == 2

    client.force_login(colleague)
    html = client.get(INBOX).content.decode()
    assert f"saved={shared.pk}" in html and f"saved={personal.pk}" not in html
    assert client.post(f"{INBOX}views/{shared.pk}/delete/").status_code == 403
    assert client.post(f"{INBOX}views/{personal.pk}/delete/").status_code == 404
    client.force_login(ekn_advisor)
    assert f"saved={shared.pk}" not in client.get(INBOX).content.decode()
    client.force_login(advisor)
    assert client.post(f"{INBOX}views/{personal.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=personal.pk).exists()


# --- Deadlines ----------------------------------------------------------------------------------------


def test_missed_deadlines_are_recorded_once(submit, advisor):
    late, answered, on_time = submit(), submit(), submit()
    past = timezone.now() - timedelta(minutes=5)
    AdviceRequest.objects.filter(pk__in=[late.pk, answered.pk]).update(first_response_due_at=past)
    services.message_company(request=answered, by=advisor, body="Hej", expected_version=None)
    assert services.record_missed_deadlines() == 1
    assert services.record_missed_deadlines() == 0
    assert list(
        RequestEvent.objects.filter(kind=RequestEvent.Kind.DEADLINE_MISSED).values_list("request", flat=True)
    ) == [late.pk]
    assert not on_time.events.filter(kind=RequestEvent.Kind.DEADLINE_MISSED).exists()


def test_the_request_page_lists_its_activities_and_follow_ups(client, submit, advisor):
    from tests.outreach.factories import ActivityFactory, FollowUpFactory

    request = submit()
    ActivityFactory(company=request.company, request=request, created_by=advisor, notes="Ringde om Tyskland")
    FollowUpFactory(owner=advisor, company=request.company, request=request, description="Skicka offert")
    client.force_login(advisor)
    html = client.get(detail_url(request)).content.decode()
    assert "Activities and follow-ups" in html
    assert "Ringde om Tyskland" in html and "Skicka offert" in html


def test_the_need_filter_lists_a_request_with_several_needs_once_without_distinct(client, submit, advisor):
    both = submit()  # buyer credit risk and market selection
    submit(needs=list(NeedCategory.objects.filter(slug="market-selection")))
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INBOX, {"view": "open", "need": "buyer-credit-risk"})
    assert response.status_code == 200
    assert references(response) == {both.reference}
    assert response.content.decode().count(both.reference) >= 1
    listing = [q["sql"] for q in queries.captured_queries if "referrals_advicerequest" in q["sql"]]
    assert not any("DISTINCT" in sql for sql in listing), listing
