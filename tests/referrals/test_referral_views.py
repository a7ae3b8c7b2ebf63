"""The referral pages: the request page's routing suggestions, "Route here", "Refer to a partner" and the
answers to a pending referral; the "Referrals" lists; the SME's status page. With and without htmx, bad
input, stale pages, permissions and query budgets."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advisors.models import User
from referrals import services, status_links
from referrals.models import NeedCategory, Referral
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.test_inbox_queries import REQUEST_PAGE_QUERIES_WITH_REFERRALS

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
LIST = "/en/advisor/referrals/"


def detail_url(request) -> str:
    return f"/en/advisor/requests/{request.public_id}/"


def action_url(request, action) -> str:
    return f"/en/advisor/requests/{request.public_id}/{action}/"


def referral_url(referral, action) -> str:
    return f"/en/advisor/referrals/{referral.public_id}/{action}/"


def credit_risk():
    return NeedCategory.objects.get(slug="buyer-credit-risk")


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def refer_data(request, to, **overrides):
    data = {
        "version": reload(request).version,
        "to_organisation": to.pk,
        "scope": "whole",
        "note": "The buyer in Germany wants 90 days' credit.",
        "consent_confirmed": "on",
        "consent_method": "phone",
        "consent_details": "Karin Berg, by phone on 3 March",
    }
    data.update(overrides)
    return data


# --- Routing suggestions and "Route here" -----------------------------------------------------------------


def test_the_request_page_shows_ranked_suggestions_with_reasons_and_workload(
    client, make_submission, operator, triager, ekn
):
    request = services.submit_request(submission=make_submission())
    services.assign(
        request=services.submit_request(submission=make_submission(contact_email="o@konsult.example")),
        by=triager,
        organisation=ekn,
        expected_version=1,
    )
    client.force_login(triager)
    html = client.get(detail_url(request)).content.decode()
    panel = html[html.index('id="suggestions-heading"') :]
    assert panel.index("EKN") < panel.index("Almi Uppsala")  # EKN is the primary partner for credit risk
    assert "Primary partner for &#x27;Buyer credit risk, getting paid&#x27;." in panel
    assert "1 open request now" in panel and "0 open requests now" in panel
    assert panel.count("Route here") == 2  # unowned: any advisor of the region may route it


def test_route_here_puts_a_new_request_in_the_organisations_queue(client, make_submission, operator, ekn):
    request = services.submit_request(submission=make_submission())
    bystander = UserFactory(organisation=OrganisationFactory(slug="bs", regions=[request.region]))
    client.force_login(bystander)  # no wrong door: a partner that is not the triage function
    response = client.post(action_url(request, "assign"), {"version": 1, "organisation": ekn.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.owner_organisation, request.owner_advisor) == (ekn, None)
    assert request.owner_since is not None
    html = client.get(response["Location"]).content.decode()
    assert "The request is now in the queue of EKN." in html
    assert "Route here" not in html  # owned now: the owner refers instead


def test_route_here_with_htmx_swaps_the_workspace(client, make_submission, operator, triager, ekn):
    request = services.submit_request(submission=make_submission())
    client.force_login(triager)
    response = client.post(action_url(request, "assign"), {"version": 1, "organisation": ekn.pk}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workspace"')
    assert "The request is now in the queue of EKN." in html


def test_owners_get_a_refer_link_that_prefills_the_form(client, owned_request, advisor, ekn):
    client.force_login(advisor)
    html = client.get(detail_url(owned_request)).content.decode()
    assert "Route here" not in html
    assert "?refer_to=ekn#refer-heading" in html
    prefilled = client.get(detail_url(owned_request), {"refer_to": "ekn"}).content.decode()
    assert re.search(rf'<option value="{ekn.pk}" selected>EKN</option>', prefilled)


# --- "Refer to a partner" --------------------------------------------------------------------------------


def test_the_refer_form_lists_the_regions_partners_first_and_other_regions_by_region(
    client, owned_request, advisor, ekn, far_partner
):
    client.force_login(advisor)
    html = client.get(detail_url(owned_request)).content.decode()
    select = html[html.index('id="id_refer_to_organisation"') :]
    select = select[: select.index("</select>")]
    assert select.index('label="Partners of Exportcenter Uppsala län"') < select.index(
        'label="Partners of Exportcenter Gävleborg"'
    )
    assert select.index(">EKN<") < select.index('label="Partners of Exportcenter Gävleborg"')
    assert ">Sandbacka Science Park<" in select
    assert ">Almi Uppsala<" not in select  # never to the sender itself


def test_refer_without_javascript(client, owned_request, advisor, ekn, ekn_advisor):
    client.force_login(advisor)
    response = client.post(action_url(owned_request, "refer"), refer_data(owned_request, ekn))
    assert response.status_code == 302 and response["Location"].endswith(detail_url(owned_request))
    referral = Referral.objects.get()
    assert (referral.to_organisation, referral.scope, referral.status) == (ekn, "whole", "pending")
    html = client.get(response["Location"]).content.decode()
    assert "The request was referred to EKN. They have until" in html
    assert "Withdraw the referral to EKN" in html
    assert "Karin Berg, by phone on 3 March" in html


def test_refer_selected_needs_with_htmx(client, owned_request, advisor, ekn):
    client.force_login(advisor)
    data = refer_data(owned_request, ekn, scope="needs", needs=[credit_risk().pk])
    response = client.post(action_url(owned_request, "refer"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="workspace"')
    assert "The request was referred to EKN." in html
    assert "Selected needs: Buyer credit risk, getting paid" in html
    assert list(Referral.objects.get().needs.all()) == [credit_risk()]


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"note": ""}, "note", "Write a handover note for the receiver."),
        ({"note": "x" * 3001}, "note", "at most 3000 characters"),
        ({"consent_confirmed": ""}, "consent_confirmed", "Confirm that the company has agreed."),
        ({"consent_method": ""}, "consent_method", "Say how the company agreed."),
        ({"consent_method": "telepathy"}, "consent_method", "Select a valid choice"),
        ({"to_organisation": ""}, "to_organisation", "Choose the organisation to refer to."),
        ({"to_organisation": "999999"}, "to_organisation", "Choose one of the organisations in the list."),
        ({"to_organisation": "abc"}, "to_organisation", "Choose one of the organisations in the list."),
        ({"scope": "needs"}, "needs", "Choose at least one need, or refer the whole request."),
        ({"scope": "everything"}, "scope", "Select a valid choice"),
        ({"scope": "needs", "needs": ["999999"]}, "needs", "Select a valid choice"),
    ],
)
def test_bad_input_gets_errors_next_to_the_fields(
    client, owned_request, advisor, ekn, overrides, field, error
):
    client.force_login(advisor)
    data = refer_data(owned_request, ekn, **overrides)
    response = client.post(action_url(owned_request, "refer"), data)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index(f'id="id_refer_{field}_error"') :][:400]
    assert error in errors
    if overrides.get("note") != "":
        assert "90 days&#x27; credit" in html or "x" * 100 in html  # what was typed is kept
    assert not Referral.objects.exists()


def test_a_need_of_another_request_is_refused(client, owned_request, advisor, ekn):
    client.force_login(advisor)
    customs = NeedCategory.objects.get(slug="customs")
    response = client.post(
        action_url(owned_request, "refer"), refer_data(owned_request, ekn, scope="needs", needs=[customs.pk])
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_referring_twice_to_the_same_partner_is_an_error_on_the_field(
    client, owned_request, advisor, ekn, refer
):
    refer(owned_request, ekn, advisor, needs=[credit_risk()])
    client.force_login(advisor)
    response = client.post(action_url(owned_request, "refer"), refer_data(owned_request, ekn))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This organisation already has a referral of the request to answer." in html
    assert Referral.objects.count() == 1


def test_a_stale_page_keeps_the_typed_text(client, owned_request, advisor, ekn):
    client.force_login(advisor)
    data = refer_data(owned_request, ekn, note="Mitt viktiga överlämnande")
    services.set_priority(
        request=owned_request, by=advisor, priority="high", expected_version=data["version"]
    )
    response = client.post(action_url(owned_request, "refer"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed since you opened it" in html and "Mitt viktiga överlämnande" in html
    assert f'name="version" value="{data["version"] + 1}"' in html
    response = client.post(action_url(owned_request, "refer"), data, **HTMX)
    assert response.status_code == 200 and "changed since you opened it" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_garbled_version_asks_for_a_reload(client, owned_request, advisor, ekn):
    client.force_login(advisor)
    response = client.post(action_url(owned_request, "refer"), refer_data(owned_request, ekn, version="x"))
    assert response.status_code == 409 and "The page was out of date" in response.content.decode()


def test_only_those_who_handle_the_request_refer(client, owned_request, ekn, ekn_advisor):
    client.force_login(ekn_advisor)  # a partner of the region, not the owner
    html = client.get(detail_url(owned_request)).content.decode()
    assert "Refer to a partner" not in html
    response = client.post(action_url(owned_request, "refer"), refer_data(owned_request, ekn))
    assert response.status_code == 403 and not Referral.objects.exists()


# --- Answering on the request page -----------------------------------------------------------------------


def test_the_receiver_accepts_on_the_request_page(client, owned_request, advisor, ekn, ekn_advisor, refer):
    referral = refer(owned_request, ekn, advisor)
    colleague = UserFactory(organisation=ekn, full_name="Kerstin Kredit")
    client.force_login(ekn_advisor)
    html = client.get(detail_url(owned_request)).content.decode()
    assert ">Kerstin Kredit<" in html and "Decline the referral" in html
    assert "Withdraw the referral" not in html
    response = client.post(
        referral_url(referral, "accept"), {"version": 1, "advisor": colleague.pk, "from": "request"}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workspace"')
    assert f"You accepted {owned_request.reference}: it is now your organisation&#x27;s request." in html
    request = reload(owned_request)
    assert (request.owner_organisation, request.owner_advisor) == (ekn, colleague)


def test_the_sender_withdraws_on_the_request_page(client, owned_request, advisor, ekn, refer):
    referral = refer(owned_request, ekn, advisor)
    client.force_login(advisor)
    response = client.post(referral_url(referral, "withdraw"), {"version": 1, "from": "request"})
    assert response.status_code == 302 and response["Location"].endswith(detail_url(owned_request))
    assert reload(referral).status == "withdrawn"
    html = client.get(response["Location"]).content.decode()
    assert f"The referral of {owned_request.reference} to EKN was withdrawn." in html
    assert "EKN withdrew" not in html and "Almi Uppsala withdrew the referral to EKN." in html


def test_a_decline_without_a_reason_on_the_request_page(
    client, owned_request, advisor, ekn, ekn_advisor, refer
):
    referral = refer(owned_request, ekn, advisor)
    client.force_login(ekn_advisor)
    response = client.post(
        referral_url(referral, "decline"), {"version": 1, "reason": "  ", "from": "request"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    error_id = f"id_decline_{referral.public_id.hex}_reason_error"
    assert "Give a reason: the sender needs it" in html[html.index(error_id) :][:300]
    assert '<details class="mb-2" open>' in html
    assert reload(referral).status == "pending"


def test_the_receiver_from_another_region_declines_and_loses_sight_of_the_request(
    client, owned_request, advisor, far_partner, far_advisor, refer
):
    referral = refer(owned_request, far_partner, advisor)
    client.force_login(far_advisor)
    assert client.get(detail_url(owned_request)).status_code == 200
    response = client.post(
        referral_url(referral, "decline"), {"version": 1, "reason": "Not ours.", "from": "request"}
    )
    assert response.status_code == 302 and response["Location"].endswith(
        "/advisor/referrals/?direction=to_us"
    )
    assert client.get(detail_url(owned_request)).status_code == 404
    # A second click (say, from another tab) says what happened, on the list the receiver still sees.
    response = client.post(
        referral_url(referral, "decline"), {"version": 2, "reason": "Again.", "from": "request"}, **HTMX
    )
    assert response["HX-Redirect"].endswith("/advisor/referrals/?direction=to_us")
    html = client.get(LIST).content.decode()
    assert "This referral has already been declined. Nothing was changed." in html
    assert reload(referral).decline_reason == "Not ours."


# --- The "Referrals" lists --------------------------------------------------------------------------------


@pytest.fixture
def many(make_submission, operator, advisor, ekn, refer):
    """`many(n)`: n requests owned by Almi, each referred to EKN."""

    def make(n):
        referrals = []
        for i in range(n):
            submission = make_submission(contact_email=f"m{Referral.objects.count()}-{i}@konsult.example")
            request = services.claim(request=services.submit_request(submission=submission), advisor=advisor)
            referrals.append(refer(request, ekn, advisor))
        return referrals

    return make


def test_the_nav_links_to_the_referrals(client, advisor):
    client.force_login(advisor)
    html = client.get(LIST).content.decode()
    assert '<a class="nav-link" href="/en/advisor/referrals/" aria-current="page">Referrals</a>' in html


def test_to_us_and_from_us(client, many, advisor, ekn_advisor):
    (referral,) = many(1)
    client.force_login(ekn_advisor)
    html = client.get(LIST).content.decode()  # "to us" first
    assert referral.request.reference in html and "Decline the referral" in html
    assert re.search(r'aria-current="page">\s*Referrals to us <span[^>]*>1 waiting', html)
    assert referral.request.reference not in client.get(LIST, {"direction": "from_us"}).content.decode()
    client.force_login(advisor)
    html = client.get(LIST, {"direction": "from_us"}).content.decode()
    assert referral.request.reference in html and "Withdraw the referral to EKN" in html
    assert "Decline the referral" not in html
    assert referral.request.reference not in client.get(LIST).content.decode()
    assert "All in our regions" not in html  # regional staff only


def test_regional_staff_have_a_list_of_their_regions_referrals(client, many, region):
    (referral,) = many(1)
    staff = UserFactory(
        organisation=OrganisationFactory(slug="region-uppsala", kind="region", regions=[region]),
        role=User.Role.REGIONAL_STAFF,
    )
    client.force_login(staff)
    html = client.get(LIST, {"direction": "region"}).content.decode()
    assert referral.request.reference in html
    assert "Decline the referral" not in html and "Withdraw the referral" not in html  # they see, not answer


def test_the_status_filter_and_an_unknown_value(client, many, ekn_advisor):
    pending, answered = many(2)
    services.accept_referral(referral=answered, by=ekn_advisor)
    client.force_login(ekn_advisor)
    html = client.get(LIST, {"status": "accepted"}).content.decode()
    assert answered.request.reference in html and pending.request.reference not in html
    assert '<option value="accepted" selected>' in html
    html = client.get(LIST, {"status": "bogus", "direction": "sideways", "page": "x"}).content.decode()
    assert answered.request.reference in html and pending.request.reference in html


def test_the_due_badge(client, many, ekn_advisor):
    late, fresh = many(2)
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    client.force_login(ekn_advisor)
    html = client.get(LIST).content.decode()
    rows = {ref: html[html.index(f'id="referral-{ref.public_id.hex}"') :][:3000] for ref in (late, fresh)}
    assert "Overdue" in rows[late]
    assert "Overdue" not in rows[fresh] and "Answer by" in rows[fresh]


def test_accept_from_the_list_without_javascript(client, many, ekn, ekn_advisor):
    (referral,) = many(1)
    client.force_login(ekn_advisor)
    response = client.post(
        referral_url(referral, "accept"), {"version": 1, "advisor": "", "return_query": "direction=to_us"}
    )
    assert response.status_code == 302 and response["Location"].endswith(
        "/advisor/referrals/?direction=to_us"
    )
    assert f"You accepted {referral.request.reference}" in client.get(response["Location"]).content.decode()
    request = reload(referral.request)
    assert (request.owner_organisation, request.owner_advisor) == (ekn, None)


def test_decline_from_the_list_with_htmx_swaps_the_row(client, many, ekn_advisor):
    (referral,) = many(1)
    client.force_login(ekn_advisor)
    response = client.post(referral_url(referral, "decline"), {"version": 1, "reason": ""}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="referral-{referral.public_id.hex}"')
    assert "Give a reason" in html and reload(referral).status == "pending"
    response = client.post(
        referral_url(referral, "decline"), {"version": 1, "reason": "Too small for EKN."}, **HTMX
    )
    html = response.content.decode()
    assert "You declined the referral" in html and "Too small for EKN." in html
    assert "Decline the referral" not in html


def test_a_bad_answer_on_the_list_without_javascript_shows_the_list_again(client, many, ekn_advisor):
    first, second = many(2)
    client.force_login(ekn_advisor)
    response = client.post(
        referral_url(first, "decline"), {"version": 1, "reason": "", "return_query": "direction=to_us"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"id_decline_{first.public_id.hex}_reason_error" in html
    assert f"id_decline_{second.public_id.hex}_reason_error" not in html
    assert second.request.reference in html  # the whole list, not a fragment


def test_a_stale_answer_keeps_the_typed_reason(client, many, ekn_advisor):
    (referral,) = many(1)
    Referral.objects.filter(pk=referral.pk).update(version=5)  # changed by someone else meanwhile
    client.force_login(ekn_advisor)
    response = client.post(referral_url(referral, "decline"), {"version": 1, "reason": "Mitt skäl"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "This referral changed since you opened it" in html and "Mitt skäl" in html
    assert 'name="version" value="5"' in html


def test_an_answered_referral_says_so(client, many, ekn_advisor, advisor):
    (referral,) = many(1)
    services.withdraw_referral(referral=referral, by=advisor)
    client.force_login(ekn_advisor)
    response = client.post(referral_url(referral, "accept"), {"version": 1})
    assert response.status_code == 409
    assert "This referral has been withdrawn. Nothing was changed." in response.content.decode()


def test_only_the_receiver_answers_and_only_the_sender_withdraws(client, many, advisor, ekn_advisor, region):
    (referral,) = many(1)
    bystander = UserFactory(organisation=OrganisationFactory(slug="bs", regions=[region]))
    for user, action in [
        (advisor, "accept"),
        (advisor, "decline"),
        (ekn_advisor, "withdraw"),
        (bystander, "accept"),
    ]:
        client.force_login(user)
        assert client.post(referral_url(referral, action), {"version": 1, "reason": "x"}).status_code == 403
    stranger = UserFactory(organisation=OrganisationFactory(slug="far-away"))
    client.force_login(stranger)
    assert client.post(referral_url(referral, "accept"), {"version": 1}).status_code == 404
    assert client.post(referral_url(referral, "forward"), {"version": 1}).status_code == 404
    assert reload(referral).status == "pending"


def test_the_list_is_paginated(client, many, ekn_advisor):
    referrals = many(27)
    client.force_login(ekn_advisor)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "27 referrals." in first
    assert referrals[-1].request.reference in first and referrals[0].request.reference in second
    assert 'href="?direction=to_us&amp;page=2"' in first


def test_the_list_query_count_does_not_grow_with_rows(
    client, many, ekn_advisor, django_assert_max_num_queries
):
    many(2)
    client.force_login(ekn_advisor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    referrals = many(25)
    for referral in referrals[:5]:
        services.decline_referral(referral=referral, by=ekn_advisor, reason="Not ours.")
    with CaptureQueriesContext(connection) as full:
        response = client.get(LIST)
    assert response.content.decode().count('<tr id="referral-') == 25  # one full page
    assert len(full) <= len(few), [q["sql"] for q in full.captured_queries]
    with django_assert_max_num_queries(14):
        client.get(LIST)


def test_the_request_page_query_count_does_not_grow_with_referrals(
    client, owned_request, advisor, region, refer, make_submission
):
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(owned_request))
    for n in range(6):
        partner = OrganisationFactory(slug=f"partner-{n}", regions=[region])
        receiver = UserFactory(organisation=partner)
        referral = refer(owned_request, partner, advisor, needs=[credit_risk()])
        if n % 2:
            services.decline_referral(referral=referral, by=receiver, reason="No.")
    with CaptureQueriesContext(connection) as many_:
        response = client.get(detail_url(owned_request))
    assert response.content.decode().count("Withdraw the referral to") == 3
    # The referral chain and its needs: two queries, however many referrals (none without referrals).
    assert len(many_) == len(few) + 2, [q["sql"] for q in many_.captured_queries]
    assert len(many_) <= REQUEST_PAGE_QUERIES_WITH_REFERRALS
    # A referral of the whole request has no needs to read: the chain alone.
    whole = services.submit_request(submission=make_submission(contact_email="whole@konsult.example"))
    whole = services.claim(request=whole, advisor=advisor)
    refer(whole, OrganisationFactory(slug="whole-partner", regions=[region]), advisor)
    with CaptureQueriesContext(connection) as one:
        html = client.get(detail_url(whole)).content.decode()
    assert "The whole request" in html
    assert len(one) == len(few) + 1, [q["sql"] for q in one.captured_queries]


# --- The SME's status page ---------------------------------------------------------------------------------


def status_page(request) -> str:
    """The English status page (the request's own language is Swedish)."""
    return "/en" + status_links.status_url(request, absolute=False)


def test_the_status_page_names_who_handles_the_request_now(
    client, owned_request, advisor, ekn, ekn_advisor, refer
):
    url = status_page(owned_request)
    assert "Your request is handled by Almi Uppsala." in client.get(url).content.decode()
    services.accept_referral(referral=refer(owned_request, ekn, advisor), by=ekn_advisor)
    html = client.get(url).content.decode()
    assert "Your request is now handled by EKN." in html
    assert "Almi Uppsala" not in html.split("</h1>")[1].split("</section>")[0]


def test_the_status_page_names_co_handlers(client, owned_request, advisor, ekn, ekn_advisor, refer):
    services.accept_referral(
        referral=refer(owned_request, ekn, advisor, needs=[credit_risk()]), by=ekn_advisor
    )
    html = client.get(status_page(owned_request)).content.decode()
    assert "Your request is handled by Almi Uppsala." in html
    assert "EKN also helps you with: Buyer credit risk, getting paid" in html
    assert "pending" not in html and "handover" not in html.lower()  # nothing internal


def test_a_pending_or_declined_referral_changes_nothing_for_the_sme(
    client, owned_request, advisor, ekn, ekn_advisor, refer
):
    referral = refer(owned_request, ekn, advisor)
    url = status_page(owned_request)
    assert "Your request is handled by Almi Uppsala." in client.get(url).content.decode()
    services.decline_referral(referral=referral, by=ekn_advisor, reason="No.")
    html = client.get(url).content.decode()
    assert "Your request is handled by Almi Uppsala." in html and "EKN" not in html


def test_the_admin_shows_referrals_read_only(client, owned_request, advisor, ekn, ekn_advisor, refer):
    referral = refer(owned_request, ekn, advisor, needs=[credit_risk()])
    services.accept_referral(referral=referral, by=ekn_advisor)
    admin = User.objects.create_superuser("root@example.com", "x")
    client.force_login(admin)
    listing = client.get("/admin/referrals/referral/")
    assert listing.status_code == 200 and owned_request.reference in listing.content.decode()
    change = client.get(f"/admin/referrals/referral/{referral.pk}/change/")
    html = change.content.decode()
    assert change.status_code == 200 and "Please help with the credit risk." in html
    assert 'name="status"' not in html  # read-only: state changes go through the services
    assert credit_risk().name_sv in html  # the co-handling it made (the admin speaks Swedish)
    assert client.get("/admin/referrals/referral/add/").status_code == 403
