"""Export outcomes in a real browser (issue 18 §1): an advisor records an outcome on a company, the email in
the outbox holds the company's link, the company opens it (no account), confirms with a rating per partner,
and the company then counts: the regional goal "newly international companies" moves by one, and the
company page lists the outcome as confirmed. axe-core on every page. English pages (/en/…)."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advisors.models import Region
from dashboards.models import RegionalGoal
from effects.models import ExportOutcome
from notifications.models import OutboundEmail
from tests.factories import CompanyFactory, ContactFactory

ANNA = "anna.advisor@almi.example"

pytestmark = pytest.mark.usefixtures("midday_today")


def goal_actual(page) -> int:
    page.goto("/en/advisor/dashboard/")
    text = page.locator("#goal-progress-text strong").first.inner_text()
    return int(re.sub(r"\D", "", text))


def test_record_confirm_and_count(page, browser, live_server, demo, sign_in_as, assert_no_axe_violations):
    region = Region.objects.get(slug="uppsala")
    today = timezone.localdate()
    RegionalGoal.objects.update_or_create(
        region=region,
        year=today.year,
        kind=RegionalGoal.Kind.INTERNATIONAL_COMPANIES,
        name="",
        defaults={
            "baseline": 0,
            "target": 10,
            "starts_on": today.replace(month=1, day=1),
            "ends_on": today.replace(month=12, day=31),
        },
    )
    company = CompanyFactory(name="Uppsala Träkonst AB")
    ContactFactory(
        company=company,
        name="Karin Berg",
        email="karin@trakonst.example",
        is_primary=True,
        preferred_language="en",
    )
    sign_in_as(ANNA)
    before = goal_actual(page)
    assert_no_axe_violations(page)

    # 1. The advisor records the outcome on the company page.
    page.goto(f"/en/companies/{company.public_id}/")
    panel = page.locator("#export-outcomes")
    expect(panel).to_contain_text("No confirmed export outcomes yet.")
    assert_no_axe_violations(page)
    panel.get_by_role("link", name="Record an export outcome").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(
        "Record an export outcome for Uppsala Träkonst AB"
    )
    assert_no_axe_violations(page)
    search = main.get_by_role("combobox", name="Market")
    search.focus()
    page.keyboard.type("norw")
    listbox = main.locator("#id_market-search__listbox")
    expect(listbox.get_by_role("option").first).to_contain_text("Norway")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(main.locator("select[name='market']")).to_have_value("NO")
    main.get_by_role("group", name="Kind of outcome").get_by_label("First export ever").check()
    main.get_by_role("group", name="Goods or services").get_by_label("Goods", exact=True).check()
    main.get_by_label("Value").select_option(value="100k_1m")
    main.get_by_label("Date").fill(today.isoformat())
    main.get_by_label("Description").fill("First order to a retailer in Oslo.")
    partners = main.get_by_role("group", name="Partners that helped")
    expect(partners.get_by_label("Almi Uppsala")).to_be_checked()
    partners.get_by_label("Business Sweden").check()
    assert_no_axe_violations(page)
    main.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("main")).to_contain_text(
        "We have emailed the company a link to confirm the outcome."
    )
    expect(page.locator("#outcome-status")).to_contain_text("Waiting for the company")
    assert_no_axe_violations(page)
    outcome = ExportOutcome.objects.get(company=company)

    # 2. The email in the outbox holds the link.
    email = OutboundEmail.objects.get(key=f"outcome:{outcome.pk}:1")
    assert email.to == "karin@trakonst.example"
    link = re.search(r"https?://\S+/en/outcome/\S+/", email.body_text).group(0)

    # 3. The company opens it, without an account, and confirms with ratings.
    company_page = browser.new_page(base_url=live_server.url)
    company_page.goto(urlsplit(link).path)
    main = company_page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Confirm an export outcome")
    expect(main.locator("select[name='market']")).to_have_value("NO")
    assert_no_axe_violations(company_page)
    main.get_by_role("button", name="Send my answer").click()  # nothing answered yet: errors by the fields
    expect(company_page.locator(".error-summary")).to_be_visible()
    expect(company_page.locator("#id_support_meaning_error")).to_be_visible()
    assert_no_axe_violations(company_page)
    main = company_page.get_by_role("main")
    main.get_by_role("group", name="What did the support mean for this outcome?").get_by_label(
        "It was a prerequisite"
    ).check()
    main.get_by_role("group", name=re.compile("How much of it would you have achieved")).get_by_label(
        "None of it"
    ).check()
    main.get_by_role("group", name=re.compile("How much did Business Sweden help")).get_by_label("5").check()
    main.get_by_role("group", name=re.compile("How much did Almi Uppsala help")).get_by_label("4").check()
    main.get_by_role("group", name=re.compile("case study")).get_by_label("Yes").check()
    main.get_by_role("button", name="Send my answer").click()
    expect(company_page.get_by_role("heading", level=1)).to_have_text("Thank you for your answer")
    assert_no_axe_violations(company_page)
    company_page.goto(urlsplit(link).path)  # the link again: the answer stands
    expect(company_page.get_by_role("heading", level=1)).to_have_text("Your answer is already recorded")
    company_page.close()

    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.CONFIRMED
    assert sorted(outcome.partner_links.values_list("rating", flat=True)) == [4, 5]

    # 4. The company counts: confirmed on its page, and one more newly international company in the goal.
    page.goto(f"/en/companies/{company.public_id}/")
    confirmed = page.get_by_role("list", name="Confirmed export outcomes")
    expect(confirmed).to_contain_text("First export ever: Norway")
    expect(page.get_by_role("main")).to_contain_text("Exports goods")
    assert_no_axe_violations(page)
    assert goal_actual(page) == before + 1
    assert_no_axe_violations(page)
