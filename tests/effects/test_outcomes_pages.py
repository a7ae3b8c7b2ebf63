"""Export outcome pages: the company page's panel, the advisor's form and detail, and the company's
confirmation page behind its signed link (one identical 404 for every bad link; the first answer stands)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from advisors.models import User
from effects import links
from effects.models import ExportOutcome
from effects.services import outcomes as services
from notifications.models import OutboundEmail
from tests.effects.outcome_helpers import *  # noqa: F403 - fixtures
from tests.effects.outcome_helpers import facts, make_outcome, record
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _post_data(**overrides):
    data = {
        **facts(),
        "achieved_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "description": "Första ordern.",
        **overrides,
    }
    return {k: v for k, v in data.items() if v is not None}


# --- The advisor's pages --------------------------------------------------------------------------------


def test_the_company_page_lists_confirmed_outcomes_apart(client, anna, company, almi, uppsala):
    make_outcome(company, uppsala, almi, status=ExportOutcome.Status.CONFIRMED, market="DE")
    make_outcome(company, uppsala, almi, status=ExportOutcome.Status.DECLINED, market="FI")
    client.force_login(anna)
    response = client.get(en("companies:detail", public_id=company.public_id))
    page = response.content.decode()
    assert "Record an export outcome" in page
    confirmed, others = page.split("Confirmed by the company", 1)[1].split("Not confirmed", 1)
    assert "Germany" in confirmed and "Finland" not in confirmed
    assert "Finland" in others and "Declined by the company" in others


def test_recording_through_the_form(client, anna, company, contact, partner):
    client.force_login(anna)
    url = en("effects:outcome_create", company_id=company.public_id)
    page = client.get(url)
    assert page.status_code == 200
    assert "data-country-picker" in page.content.decode()
    response = client.post(url, _post_data(partners=[partner.pk, anna.organisation_id]), follow=True)
    outcome = ExportOutcome.objects.get()
    assert response.redirect_chain[-1][0] == en("effects:outcome_detail", public_id=outcome.public_id)
    assert "We have emailed the company a link" in response.content.decode()
    assert set(outcome.partners.all()) == {partner, anna.organisation}
    assert OutboundEmail.objects.filter(key=f"outcome:{outcome.pk}:1").exists()


def test_recording_without_an_email_tells_the_advisor(client, anna, company):
    client.force_login(anna)
    response = client.post(
        en("effects:outcome_create", company_id=company.public_id), _post_data(), follow=True
    )
    assert response.status_code == 200
    assert "The company was not asked to confirm" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "Norge\x00"}, "The form holds characters that cannot be read"),
        ({"description": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"value_band": "a_billion"}, "Select a valid choice."),
        ({"market": "SE"}, "Select a valid choice."),
        ({"achieved_on": "2026-13-45"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_a_field_error_not_a_500(client, anna, company, overrides, message):
    client.force_login(anna)
    response = client.post(
        en("effects:outcome_create", company_id=company.public_id), _post_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExportOutcome.objects.exists()


def test_a_partner_outside_the_region_is_an_error_next_to_the_field(client, anna, company, far_partner):
    client.force_login(anna)
    response = client.post(
        en("effects:outcome_create", company_id=company.public_id), _post_data(partners=[far_partner.pk])
    )
    assert response.status_code == 400
    assert "Almi Gävleborg does not work in the company&#x27;s region." in response.content.decode()


def test_another_companys_request_is_refused(client, anna, company, uppsala):
    from tests.outreach.factories import make_request

    make_request(company=company, region=uppsala)  # the company's own: the form offers requests
    other = make_request(company=CompanyFactory(), region=uppsala)
    client.force_login(anna)
    response = client.post(
        en("effects:outcome_create", company_id=company.public_id), _post_data(requests=[other.pk])
    )
    assert response.status_code == 400
    assert "is not one of this company&#x27;s requests" in response.content.decode()


def test_an_edit_of_an_old_version_says_so(client, anna, company, contact):
    outcome = record(company, anna)
    services.update_outcome(outcome=outcome, by=anna, data={"market": "DK"}, expected_version=1)
    client.force_login(anna)
    response = client.post(
        en("effects:outcome_edit", public_id=outcome.public_id), _post_data(market="FI", version=1)
    )
    assert response.status_code == 400
    assert "This outcome changed since you opened it" in response.content.decode()


def test_the_detail_page_shows_the_companys_answers(client, anna, company, contact, partner):
    outcome = record(company, anna, partners=[partner])
    services.confirm_by_company(
        outcome=outcome,
        round_=1,
        answer=services.Answer(
            facts={"market": "DK"},
            support_meaning="faster",
            without_support="some",
            ratings={partner.pk: 3},
            case_study_allowed=False,
            comment="Bra hjälp.",
        ),
    )
    client.force_login(anna)
    page = client.get(en("effects:outcome_detail", public_id=outcome.public_id)).content.decode()
    for text in (
        "Confirmed by the company",
        "It made it happen faster",
        "Some of it",
        "Bra hjälp.",
        "market",
    ):
        assert text in page
    assert "<td>Business Sweden</td><td>3</td>" in page


def test_nobody_outside_the_region_and_no_national_coordinator_sees_it(
    client, anna, company, contact, gavleborg
):
    outcome = record(company, anna)
    national = UserFactory(role=User.Role.NATIONAL, organisation=anna.organisation)
    far = UserFactory(organisation=OrganisationFactory(regions=[gavleborg]))
    for user in (national, far):
        client.force_login(user)
        assert client.get(en("effects:outcome_detail", public_id=outcome.public_id)).status_code == 404
        assert client.get(en("effects:outcome_edit", public_id=outcome.public_id)).status_code == 404


# --- The company's page ---------------------------------------------------------------------------------


def _token(outcome, round_=1):
    return links.token_for("outcome", outcome.public_id, round_)


def _answer_data(outcome, **overrides):
    data = {
        "market": outcome.market.code,
        "kind": outcome.kind,
        "sells": outcome.sells,
        "value_band": outcome.value_band,
        "achieved_on": outcome.achieved_on.isoformat(),
        "support_meaning": "prerequisite",
        "without_support": "none",
        "case_study_allowed": "yes",
        "comment": "",
        **{f"rating_{link.organisation_id}": "5" for link in outcome.partner_links.all()},
        **overrides,
    }
    return data


def test_the_company_confirms_through_its_link(client, anna, company, contact, partner):
    outcome = record(company, anna, partners=[partner])
    url = en("effects:outcome_confirm", token=_token(outcome))
    page = client.get(url)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    html = page.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "<legend" in html and "How much did Business Sweden help?" in html
    response = client.post(url, _answer_data(outcome, value_band="10m_50m", **{f"rating_{partner.pk}": "4"}))
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Thank you for your answer" in thanks.content.decode()
    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.CONFIRMED
    assert outcome.corrected_fields == ["value_band"]
    assert outcome.partner_links.get().rating == 4
    # The link again: the answer is recorded; a second answer changes nothing.
    again = client.get(url)
    assert again.status_code == 200
    assert "Your answer is already recorded" in again.content.decode()
    second = client.post(url, _answer_data(outcome, support_meaning="little"))
    assert "Your answer is already recorded" in second.content.decode()
    outcome.refresh_from_db()
    assert outcome.support_meaning == "prerequisite"


def test_the_page_is_swedish_by_default(client, anna, company, contact):
    outcome = record(company, anna)
    with translation.override("sv"):
        url = reverse("effects:outcome_confirm", kwargs={"token": _token(outcome)})
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="sv"' in response.content.decode()


def test_errors_stand_next_to_their_fields(client, anna, company, contact, partner):
    outcome = record(company, anna, partners=[partner])
    url = en("effects:outcome_confirm", token=_token(outcome))
    response = client.post(
        url,
        _answer_data(
            outcome,
            support_meaning="",
            value_band="a_billion",
            comment="x" * 2001,
            **{f"rating_{partner.pk}": "9"},
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_support_meaning_error"' in html
    assert 'id="id_value_band_error"' in html
    assert 'id="id_comment_error"' in html
    assert f'id="id_rating_{partner.pk}_error"' in html
    assert ExportOutcome.objects.get().status == ExportOutcome.Status.PENDING


def test_the_company_declines(client, anna, company, contact):
    outcome = record(company, anna)
    token = _token(outcome)
    response = client.post(en("effects:outcome_decline", token=token), {"decline-comment": "Fel företag."})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert (outcome.status, outcome.company_comment) == (ExportOutcome.Status.DECLINED, "Fel företag.")
    assert "not be counted" in client.get(response["Location"]).content.decode()


def _normalised(response) -> str:
    """The body without what differs by design: the echoed address and the per-response CSRF mask."""
    body = response.content.decode().replace(response.wsgi_request.path, "PATH")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def test_every_bad_link_gets_the_same_404(client, anna, company, contact, time_machine, settings):
    outcome = record(company, anna)
    token = _token(outcome)
    unknown = links.token_for("outcome", "00000000-0000-4000-8000-000000000000", 1)
    pages = {}
    pages["unknown"] = client.get(en("effects:outcome_confirm", token=unknown))
    pages["tampered"] = client.get(en("effects:outcome_confirm", token=token[:-3] + "abc"))
    pages["other purpose"] = client.get(
        en("effects:outcome_confirm", token=links.token_for("survey", outcome.public_id, 1))
    )
    pages["thanks before answering"] = client.get(en("effects:outcome_thanks", token=token))
    # Replaced: the outcome was confirmed, then edited (round 2).
    services.confirm_by_company(
        outcome=outcome,
        round_=1,
        answer=services.Answer(
            facts={}, support_meaning="faster", without_support="most", ratings={}, case_study_allowed=True
        ),
    )
    outcome.refresh_from_db()
    services.update_outcome(outcome=outcome, by=anna, data={"market": "DK"}, expected_version=outcome.version)
    pages["replaced"] = client.get(en("effects:outcome_confirm", token=token))
    pages["replaced, posted"] = client.post(en("effects:outcome_confirm", token=token), {})
    # Expired: past OUTCOME_CONFIRMATION_DAYS.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=settings.OUTCOME_CONFIRMATION_DAYS + 1))
    pages["expired"] = client.get(en("effects:outcome_confirm", token=_token(outcome, 2)))
    pages["expired decline"] = client.post(en("effects:outcome_decline", token=_token(outcome, 2)), {})
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 404)
    assert len({_normalised(page) for page in pages.values()}) == 1, "every bad link must look the same"


# --- Query budgets --------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_company_page_panel_costs_the_same_for_3_and_30_outcomes(
    client, anna, company, almi, uppsala, partner
):
    def add(n):
        for i in range(n):
            outcome = make_outcome(
                company,
                uppsala,
                almi,
                status=[ExportOutcome.Status.CONFIRMED, ExportOutcome.Status.PENDING][i % 2],
            )
            outcome.partner_links.create(organisation=partner, rating=4)
            outcome.partner_links.create(organisation=almi)

    client.force_login(anna)
    url = en("companies:detail", public_id=company.public_id)
    add(3)
    client.get(url)  # warm the caches
    few = _queries(client, url)
    add(27)
    assert _queries(client, url) == few
