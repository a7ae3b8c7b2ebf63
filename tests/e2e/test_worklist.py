"""The worklist (issue 17 §1) in the browser: the sections of each role at 1366×860 and on a phone
(375×812), with counts and rows, zero axe-core violations, and every section's "full list" link reached by
the keyboard."""

import pytest
from playwright.sync_api import expect

from advisors.models import Organisation, Region, User
from tests.worklist.test_worklist import fill
from worklist.sections import ADVISOR_SECTIONS, LEAD_SECTIONS, REGION_SECTIONS

ANNA = "anna.advisor@almi.example"
LARS = "lars.lead@almi.example"
RITA = "rita.staff@regionuppsala.example"

SECTIONS = {
    ANNA: ADVISOR_SECTIONS,
    LARS: [*LEAD_SECTIONS, *ADVISOR_SECTIONS],
    RITA: ["unassigned", *REGION_SECTIONS, *ADVISOR_SECTIONS],
}
SIZES = {"desktop": {"width": 1366, "height": 860}, "phone": {"width": 375, "height": 812}}

# The section whose "full list" link has the focus, if any.
REACHED = """() => document.activeElement && document.activeElement.dataset.sectionLink || null"""


@pytest.fixture
def worklist(demo):
    """Two rows in every section (the demo's people; the rows from the unit tests' `fill`)."""
    region = Region.objects.get(slug="uppsala")
    region.counties.add("03")
    world = {
        "region": region,
        "almi": Organisation.objects.get(slug="almi"),
        "ekn": Organisation.objects.get(slug="ekn"),
        "advisor": User.objects.get(email=ANNA),
    }
    fill(world, 2)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("email", [ANNA, LARS, RITA])
def test_the_sections_of_each_role(page, worklist, sign_in_as, assert_no_axe_violations, email, size):
    sign_in_as(email)
    page.set_viewport_size(SIZES[size])
    page.goto("/en/advisor/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, ")
    sections = page.locator("[data-section]")
    assert [sections.nth(i).get_attribute("data-section") for i in range(sections.count())] == SECTIONS[email]
    for key in SECTIONS[email]:
        section = page.locator(f"#section-{key}")
        expect(section.get_by_role("heading", level=2)).to_be_visible()
        rows, count = section.locator(".worklist-rows > li"), int(section.get_attribute("data-count"))
        if count:
            expect(rows.first).to_be_visible()
        else:
            expect(section.locator(".worklist-empty")).to_be_visible()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("size", SIZES)
def test_every_sections_full_list_is_reached_by_the_keyboard(page, worklist, sign_in_as, size):
    sign_in_as(RITA)
    page.set_viewport_size(SIZES[size])
    page.goto("/en/advisor/")
    page.locator("#main").focus()
    reached = set()
    for _press in range(400):
        page.keyboard.press("Tab")
        if key := page.evaluate(REACHED):
            reached.add(key)
        if reached == set(SECTIONS[RITA]):
            break
    assert reached == set(SECTIONS[RITA])
    expect(page.locator(":focus")).to_be_in_viewport()  # scrolled to, not hidden behind anything


def test_an_empty_section_says_what_would_appear_there(page, demo, sign_in_as, assert_no_axe_violations):
    sign_in_as(ANNA)
    page.set_viewport_size(SIZES["desktop"])
    page.goto("/en/advisor/")
    expect(page.locator("#section-follow_ups .worklist-empty")).to_have_text(
        "Your follow-ups due today and those overdue appear here."
    )
    assert_no_axe_violations(page)
    page.goto("/advisor/")  # in Swedish too
    expect(page.locator("#section-follow_ups .worklist-empty")).to_be_visible()
    assert_no_axe_violations(page)
