"""Small screens and zoom (WCAG 1.4.10 reflow): at 320 CSS px nothing scrolls sideways, and every region that
does scroll (a wide table) takes keyboard focus and has a name (WCAG 2.1.1, 4.1.2).

The pages hold demo data, and the request's contact has an email address far too long for one line.
"""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from demo import companies as companies_demo
from demo import goals as dashboards_demo
from demo import outreach as outreach_demo
from demo import requests as requests_demo
from outreach.models import Campaign
from referrals import status_links
from referrals.models import AdviceRequest
from tests.snapshots import rows_made_once

STAFF = "rita.staff@regionuppsala.example"
# No hyphen to break at: it fits a line only where the page lets it break anywhere.
LONG_EMAIL = "karin.bergstromlindqvist.exportansvarig@uppsalautsikttradgardsmoblerinternational.example"

# Elements wider than the viewport, for the failure message: what pushes the page wider.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const culprits = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    const overflowing = element.children.length === 0 && element.scrollWidth > element.clientWidth + 1;
    const folded = element.closest('details:not([open]) > :not(summary)');
    if ((box.right > width + 1 || overflowing) && box.width > 0 && !folded) {
      const inScroller = element.parentElement && element.parentElement.closest('.table-responsive');
      if (!inScroller) {
        const name = `${element.tagName.toLowerCase()}.${element.className}`;
        const text = (element.textContent || '').trim().slice(0, 60);
        culprits.push(`${name} (right edge ${Math.round(box.right)}px): ${text}`);
      }
    }
  }
  return culprits.slice(0, 8);
}"""

# Every element that scrolls sideways now: does it take focus, and what is it called?
SCROLLERS = """() => [...document.querySelectorAll('body *')]
  .filter((element) => {
    const style = getComputedStyle(element);
    return ['auto', 'scroll'].includes(style.overflowX) && element.scrollWidth > element.clientWidth
      && element.getClientRects().length > 0;
  })
  .map((element) => {
    const labelledby = element.getAttribute('aria-labelledby');
    const named = (id) => document.getElementById(id)?.textContent.trim();
    const label = element.getAttribute('aria-label')
      || (labelledby ? labelledby.split(' ').map(named).join(' ') : '');
    return {html: element.outerHTML.slice(0, 120), tabindex: element.getAttribute('tabindex'),
            role: element.getAttribute('role'), name: label || ''};
  })"""


@pytest.fixture
def pages(demo):
    """The demo register, requests, referrals, campaign and goals (seeded once per process, then copied
    back: tests/snapshots.py); the paths to visit, by name."""
    cache.clear()
    return rows_made_once("small screens", _seed_the_pages)


def _seed_the_pages():
    companies_demo.seed()
    requests_demo.seed(count=8)
    outreach_demo.seed()
    dashboards_demo.seed()
    advice_request = AdviceRequest.objects.select_related("contact", "company").order_by("pk").first()
    advice_request.contact.email = LONG_EMAIL
    advice_request.contact.save(update_fields=["email"])
    campaign = Campaign.objects.get()
    return {
        "inbox": "/en/advisor/requests/?view=all_open",
        "campaign page": f"/en/advisor/campaigns/{campaign.public_id}/",
        "request page": f"/en/advisor/requests/{advice_request.public_id}/",
        "accessibility statement": "/en/accessibility/",
        "accessibility statement (Swedish)": "/accessibility/",
        "company page": f"/en/companies/{advice_request.company.public_id}/",
        "company page (Swedish)": f"/companies/{advice_request.company.public_id}/",
        "request page (Swedish)": f"/advisor/requests/{advice_request.public_id}/",
        "inbox (Swedish)": "/advisor/requests/?view=all_open",
        "campaign page (Swedish)": f"/advisor/campaigns/{campaign.public_id}/",
        "start page": "/en/",
        "help me export": "/en/help-me-export/",
        "sign in": "/en/login/",
        "status page": status_links.status_url(advice_request, absolute=False),
        "my page": "/en/advisor/",
        "referrals": "/en/advisor/referrals/?direction=region",
        "companies": "/en/companies/",
        "my follow-ups": "/en/advisor/follow-ups/",
        "campaigns": "/en/advisor/campaigns/",
        "dashboard": "/en/advisor/dashboard/",
        "need categories": "/en/advisor/needs/",
        "regional goals": "/en/advisor/goals/",
        "notifications": "/en/advisor/notifications/",
        "profile": "/en/advisor/profile/",
    }


def test_nothing_scrolls_sideways_at_320_px(page, pages, sign_in_as):
    sign_in_as(STAFF)
    page.set_viewport_size({"width": 320, "height": 800})
    too_wide = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (name, path, response.status)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width != 320:
            too_wide[name] = (width, page.evaluate(TOO_WIDE))
    assert not too_wide, "\n".join(
        f"{name} is {width} px wide: " + "; ".join(culprits) for name, (width, culprits) in too_wide.items()
    )


def test_the_request_page_wraps_the_contacts_email_inside_the_company_card(page, pages, sign_in_as):
    sign_in_as(STAFF)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(pages["request page"])
    card = page.get_by_role("region", name="Company", exact=True)
    email = card.get_by_role("link", name=LONG_EMAIL)
    expect(email).to_be_visible()
    card_box, email_box = card.bounding_box(), email.bounding_box()
    assert email_box["x"] + email_box["width"] <= card_box["x"] + card_box["width"]


@pytest.mark.parametrize("width", [320, 375])
def test_every_scrolling_region_takes_focus_and_has_a_name(page, pages, sign_in_as, width):
    sign_in_as(STAFF)
    page.set_viewport_size({"width": width, "height": 800})
    problems, seen = [], 0
    for name, path in pages.items():
        page.goto(path)
        if name == "dashboard":  # the data tables that charts stand in for, too
            closed = page.locator(".figure-table-toggle[aria-expanded='false']")
            while closed.count():
                closed.first.click()
        for scroller in page.evaluate(SCROLLERS):
            seen += 1
            if scroller["tabindex"] != "0" or scroller["role"] != "region" or not scroller["name"]:
                problems.append(f"{name}: {scroller}")
    assert seen, "no page has a table wide enough to scroll: the check checked nothing"
    assert not problems, "Scrolling regions without focus or a name:\n" + "\n".join(problems)
