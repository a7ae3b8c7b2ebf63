"""Satisfaction in a real browser (issue 18 §2): an advisor closes a request as helped, the survey's email is
in the outbox, the company opens the link (no account) and rates the help, and the partner's figure on the
Satisfaction page appears: four earlier answers show "fewer than 5", the fifth shows n and the mean.
axe-core on every page. English pages (/en/…)."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advisors.models import Organisation, Region, User
from effects.models import SatisfactionSurvey, SurveyStatus
from notifications.models import OutboundEmail
from referrals.models import AdviceRequest
from tests.effects.survey_helpers import answered_survey, closed_request, company_with_contact

ANNA = "anna.advisor@almi.example"
LARS = "lars.lead@almi.example"

pytestmark = pytest.mark.usefixtures("midday_today")


def almi_row(page, almi):
    page.goto("/en/advisor/satisfaction/")
    return page.locator(f'#satisfaction-partners tr[data-key="{almi.pk}"]')


def test_close_rate_and_the_figure_appears(
    page, browser, live_server, demo, sign_in_as, assert_no_axe_violations
):
    region = Region.objects.get(slug="uppsala")
    region.counties.add("03")
    almi = Organisation.objects.get(slug="almi")
    for score in (5, 4, 4, 3):  # four earlier answers: not enough to show
        answered_survey(region=region, owner=almi, score=score, answered_at=timezone.now())
    company, _contact = company_with_contact(email="karin@trakonst.example", language="en")
    request = closed_request(
        region=region,
        owner=almi,
        company=company,
        contact=_contact,
        status=AdviceRequest.Status.IN_PROGRESS,
    )
    AdviceRequest.objects.filter(pk=request.pk).update(owner_advisor=User.objects.get(email=ANNA))

    # 1. The lead sees "fewer than 5" for Almi.
    sign_in_as(LARS)
    row = almi_row(page, almi)
    expect(row).to_contain_text("fewer than 5")
    assert_no_axe_violations(page)

    # 2. The advisor closes the request as helped.
    sign_in_as(ANNA)
    page.goto(f"/en/advisor/requests/{request.public_id}/")
    page.get_by_label("New status").select_option(value="closed")
    page.locator("#id_status_outcome").select_option(value="helped")
    page.get_by_role("button", name="Change status").click()
    # The status fact, not the workspace: the outcome select's own "Helped" option is in the workspace before
    # the answer arrives, so waiting on it raced the close (CI failed once on that).
    expect(page.locator("#state-heading + dl")).to_contain_text("Closed – Helped")
    assert_no_axe_violations(page)

    # 3. The survey's email is in the outbox, with the company's link.
    email = OutboundEmail.objects.get(key=f"satisfaction:{request.pk}")
    assert email.to == "karin@trakonst.example"
    link = re.search(r"https?://\S+/survey/satisfaction/\S+/", email.body_text).group(0)

    # 4. The company (another browser, no session) rates the help.
    company_browser = browser.new_context(base_url=live_server.url)
    try:
        company_page = company_browser.new_page()
        company_page.goto(urlsplit(link).path)
        expect(company_page.get_by_role("heading", level=1)).to_have_text("How did it go?")
        assert_no_axe_violations(company_page)
        company_page.get_by_role("button", name="Send answer").click()  # nothing chosen: errors
        expect(company_page.locator(".error-summary")).to_contain_text("Choose how satisfied you are")
        assert_no_axe_violations(company_page)
        company_page.get_by_role("group", name="How satisfied are you").get_by_label(
            "5 – Very satisfied"
        ).check()
        company_page.get_by_role("group", name="Did you reach the right partner").get_by_label("Yes").check()
        company_page.get_by_role("group", name="Was the handover clear?").get_by_label("Yes").check()
        company_page.get_by_label("Anything else you want to tell us?").fill("Snabbt och tydligt.")
        company_page.get_by_role("button", name="Send answer").click()
        expect(company_page.locator(".messages")).to_contain_text("Thank you for your answer.")
        expect(company_page.get_by_role("heading", name="You have answered this survey")).to_be_visible()
        assert_no_axe_violations(company_page)
    finally:
        company_browser.close()
    survey = SatisfactionSurvey.objects.get(request=request)
    assert (survey.status, survey.satisfaction) == (SurveyStatus.ANSWERED, 5)

    # 5. The figure appears: five answers, mean 4.2.
    sign_in_as(LARS)
    row = almi_row(page, almi)
    expect(row).not_to_contain_text("fewer than 5")
    expect(row.locator("td").nth(0)).to_have_text("5")
    expect(row.locator("td").nth(1)).to_have_text("4.2")
    expect(page.locator("main")).to_contain_text("Snabbt och tydligt.")  # Almi's own comment
    assert_no_axe_violations(page)


def test_the_follow_up_page_updates_the_companys_signs(page, demo, assert_no_axe_violations):
    from companies.models import FlagSource
    from tests.effects.survey_helpers import follow_up_url, sent_follow_up

    region = Region.objects.get(slug="uppsala")
    company, contact = company_with_contact(email="olle@hagaverken.example", language="en")
    survey = sent_follow_up(company=company, region=region, contact=contact, wave=12)
    page.goto(urlsplit(follow_up_url(survey, "en")).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Does your company do business abroad?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send answer").click()  # nothing chosen: an error per question
    expect(page.locator(".error-summary li")).to_have_count(6)
    assert_no_axe_violations(page)
    for name in ("Exports goods", "Imports"):
        page.get_by_role("group", name=name).get_by_label("Yes").check()
    for name in (
        "Exports services",
        "Cooperates internationally",
        "Is part of a foreign group",
        "Has operations",
    ):
        page.get_by_role("group", name=name).get_by_label("No").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator(".messages")).to_contain_text("Thank you for your answer.")
    assert_no_axe_violations(page)
    company.refresh_from_db()
    assert (company.exports_goods, company.imports, company.exports_services) == (True, True, False)
    assert company.flags_source == FlagSource.COMPANY_SURVEY
