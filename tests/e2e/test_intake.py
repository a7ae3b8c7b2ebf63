"""The public "help me export" journey in a real browser: the form, its errors, the confirmation, the
confirmation email, the private status page with a reply, a double submit and a tampered status link.

The English journey runs at /en/…; the Swedish one at / asserts only texts that certainly exist in the
catalogue (the call to action, the reference format, the email subject) and finds fields by `name`.
"""

import re
import threading
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from notifications.models import OutboundEmail
from referrals import services, status_links
from referrals.models import AdviceRequest, NeedCategory, RequestEvent
from referrals.views import intake as views
from tests.waiting import wait_until

# The reference carries the year of the day: the server and the assertion read the same day.
pytestmark = pytest.mark.usefixtures("midday_today")

ORG_NUMBER = "556677-8899"
COMPANY_NAME = "Uppsala Utsikt AB"
CONTACT_NAME = "Karin Berg"
CONTACT_EMAIL = "karin@konsult.example"
DESCRIPTION = "We sell garden furniture and want to find distributors in Germany."
REPLY = "Thank you! We are available on Tuesdays and Thursdays.\nBest regards, Karin"


def expected_reference(number: int = 1) -> str:
    return f"EC-{timezone.localdate().year}-{number:06d}"


DEADLINE_FORMATS = ("DATETIME_FORMAT", "l j F, H:i", "SHORT_DATETIME_FORMAT")


def deadline_pattern(advice_request: AdviceRequest, language: str) -> re.Pattern:
    """The first-response deadline, in the local time zone, in any of the formats the templates have used
    ("l j F, H:i", now the locale's DATETIME_FORMAT): the test checks the moment, not the layout.
    """
    local = timezone.localtime(advice_request.first_response_due_at)
    with translation.override(language):
        texts = {formats.date_format(local, fmt) for fmt in DEADLINE_FORMATS}
    return re.compile("|".join(re.escape(text) for text in sorted(texts)))


def confirmation_email(reference: str, *, timeout: float = 10.0) -> tuple[str, str]:
    """(subject, body) of the confirmation to the company, from the locmem outbox (eager Celery).

    The email is delivered after commit in the live server's thread; `mail.outbox` is shared with it
    (same process). Should it be empty, the outbox row holds the same subject and text.
    """

    def sent():
        return [m for m in mail.outbox if reference in m.subject and CONTACT_EMAIL in m.to]

    if wait_until(sent, timeout=timeout):
        assert len(sent()) == 1, [m.subject for m in sent()]
        return sent()[0].subject, sent()[0].body
    row = OutboundEmail.objects.get(to=CONTACT_EMAIL, subject__contains=reference)
    return row.subject, row.body_text


def status_path_from(body: str) -> str:
    """The path of the private status link in the email (SITE_URL is not the live server's address)."""
    match = re.search(r"https?://\S+/status/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def form_of(page):
    return page.get_by_role("main").locator("form.intake-form")


def submit_button(page):
    return form_of(page).locator("button[type='submit']")


def need_pk(slug: str) -> str:
    return str(NeedCategory.objects.get(slug=slug).pk)


def choose_country(search, query: str) -> None:
    """The country picker (static/js/country-picker.js): type, go down to the first country found, Enter."""
    search.fill(query)
    search.press("ArrowDown")
    search.page.keyboard.press("Enter")


def fill_by_name(page, *, language: str) -> None:
    """Fill the whole form by `name`/value attributes, whatever the page's language."""
    form = form_of(page)
    form.locator("input[name='org_number']").fill(ORG_NUMBER)
    form.locator("input[name='company_name']").fill(COMPANY_NAME)
    form.locator("select[name='municipality']").select_option(label="Uppsala")
    form.locator("select[name='employee_band']").select_option(value="5-9")
    form.locator("input[name='sells'][value='goods']").check()
    form.locator("input[name='export_experience'][value='never']").check()
    form.locator(f"input[name='needs'][value='{need_pk('buyer-credit-risk')}']").check()
    form.locator(f"input[name='needs'][value='{need_pk('customers-partners')}']").check()
    choose_country(form.locator("#id_target_markets-search"), "DE")
    form.locator("textarea[name='description']").fill(DESCRIPTION)
    form.locator("input[name='contact_name']").fill(CONTACT_NAME)
    form.locator("input[name='contact_email']").fill(CONTACT_EMAIL)
    form.locator(f"input[name='language'][value='{language}']").check()
    form.locator("input[name='preferred_contact_method'][value='email']").check()
    form.locator("input[name='privacy_confirmed']").check()


def check_error_state(page, assert_no_axe_violations) -> None:
    """An empty form: the focused summary links to every field with an error; the fields say so inline."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # static/js/site.js
    expect(summary).to_have_attribute("role", "alert")
    for field in (
        "org_number",
        "company_name",
        "municipality",
        "employee_band",
        "sells",
        "export_experience",
        "needs",
        "description",
        "contact_name",
        "contact_email",
        "privacy_confirmed",
    ):
        link = summary.locator(f"a[href='#id_{field}']")
        expect(link).to_have_count(1)
        expect(page.locator(f"#id_{field}")).to_have_count(1)  # the link's target exists, exactly once
        expect(page.locator(f"#id_{field}_error")).to_be_visible()
    # The defaults (language of the page, contact by email) are no errors.
    expect(summary.locator("a[href='#id_language']")).to_have_count(0)
    expect(summary.locator("a[href='#id_preferred_contact_method']")).to_have_count(0)
    expect(summary.locator("a")).to_have_count(11)
    company_name = page.locator("#id_company_name")
    expect(company_name).to_have_attribute("aria-invalid", "true")
    expect(company_name).to_have_attribute("aria-describedby", re.compile(r"\bid_company_name_error\b"))
    expect(page.locator("fieldset#id_sells")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_sells_error\b")
    )
    assert_no_axe_violations(page)

    # An error link moves focus to its field, and to the group (fieldset) of a radio question.
    summary.locator("a[href='#id_company_name']").click()
    expect(company_name).to_be_focused()
    summary.locator("a[href='#id_sells']").click()
    expect(page.locator("fieldset#id_sells")).to_be_focused()
    summary.locator("a[href='#id_needs']").click()
    expect(page.locator("fieldset#id_needs")).to_be_focused()


def test_help_me_export_in_english(page, live_server, intake, assert_no_axe_violations):
    page.goto("/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_axe_violations(page)
    page.get_by_role("main").get_by_role("link", name="Get help to export", exact=True).click()

    # The form.
    expect(page).to_have_url(f"{live_server.url}/en/help-me-export/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Get help to export")
    expect(page).to_have_title(re.compile(r"^Get help to export"))
    form = form_of(page)
    expect(form.get_by_label("English", exact=True)).to_be_checked()  # the page's language
    expect(form.get_by_label("Email", exact=True)).to_be_checked()
    privacy_link = form.locator("#id_privacy_confirmed_helptext").get_by_role("link")
    expect(privacy_link).to_have_attribute("href", "/en/privacy/")
    expect(privacy_link).to_contain_text("privacy notice")
    assert_no_axe_violations(page)

    # Sent empty: the error summary, inline errors, links to the fields.
    with page.expect_navigation():
        submit_button(page).click()
    expect(page).to_have_url(f"{live_server.url}/en/help-me-export/")
    expect(page).to_have_title(re.compile(r"^Error: Get help to export"))
    summary = page.locator("[data-error-summary]")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Company name: Enter the company's name.")).to_be_visible()
    expect(page.locator("#id_needs_error")).to_have_text("Choose at least one thing you need help with.")
    check_error_state(page, assert_no_axe_violations)
    assert not AdviceRequest.objects.exists()

    # Filled in correctly, by the labels a person reads.
    form.get_by_role("textbox", name="Organisation number").fill(ORG_NUMBER)
    form.get_by_role("textbox", name="Company name").fill(COMPANY_NAME)
    form.get_by_label("Municipality").select_option(label="Uppsala")
    form.get_by_label("Number of employees").select_option(label="5–9 employees")
    sells = form.get_by_role("group", name="What does the company sell?")
    sells.get_by_label("Goods", exact=True).check()
    form.get_by_role("group", name="Export experience").get_by_label("Has never exported").check()
    needs = form.get_by_role("group", name="Areas where you need help")
    needs.get_by_label("Buyer credit risk, getting paid").check()
    needs.get_by_label("Finding customers or partners abroad").check()
    choose_country(form.get_by_role("combobox", name="Countries where you want to do business"), "Germany")

    description = form.get_by_role("textbox", name="Describe your company and what you need help with")
    counter = form.locator("textarea[name='description'] ~ .char-counter")
    expect(counter).to_have_text("3,000 characters left")
    description.press_sequentially("We sell")
    expect(counter).to_have_text("2,993 characters left")
    description.fill(DESCRIPTION)
    expect(counter).to_have_text(f"{3000 - len(DESCRIPTION):,} characters left")

    form.get_by_role("textbox", name="Your name").fill(CONTACT_NAME)
    form.get_by_role("textbox", name="Email address").fill(CONTACT_EMAIL)
    language = form.get_by_role("group", name="Which language should we use?")
    language.get_by_label("English", exact=True).check()
    expect(language.locator("label[for='id_language_1']")).to_have_attribute("lang", "en")
    form.get_by_role("group", name="How would you like us to contact you?").get_by_label(
        "Email", exact=True
    ).check()
    form.get_by_label("I have read how the export center handles my personal data").check()
    assert_no_axe_violations(page)  # filled in, with the live character counter

    with page.expect_navigation():
        form.get_by_role("button", name="Send request").click()

    # The confirmation: reference and deadline.
    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/en/help-me-export/sent/[^/]+/$"))
    reference = expected_reference()
    advice_request = AdviceRequest.objects.get()
    assert advice_request.reference == reference
    expect(main.get_by_role("heading", level=1)).to_have_text("Your request has been sent")
    expect(main.locator(".confirmation-panel__reference")).to_have_text(reference)
    deadline = deadline_pattern(advice_request, "en").pattern
    expect(main).to_contain_text(re.compile(rf"will contact you by ({deadline}) at the latest\."))
    assert_no_axe_violations(page)

    assert advice_request.company.org_number == "5566778899"
    assert advice_request.company.name == COMPANY_NAME
    assert advice_request.company.municipality.short_name == "Uppsala"
    assert advice_request.region.name == "Exportcenter Uppsala län"
    assert advice_request.contact.email == CONTACT_EMAIL
    assert advice_request.language == "en"
    assert advice_request.sells == "goods"
    assert [str(country) for country in advice_request.target_markets] == ["DE"]
    assert set(advice_request.needs.values_list("slug", flat=True)) == {
        "buyer-credit-risk",
        "customers-partners",
    }
    assert advice_request.description == DESCRIPTION

    # The email, in English, carries the private status link.
    subject, body = confirmation_email(reference)
    assert subject == f"We have received your request {reference}"
    assert f"Hello {CONTACT_NAME}," in body
    assert reference in body
    assert deadline_pattern(advice_request, "en").search(body), body
    status_path = status_path_from(body)
    assert status_path.startswith("/en/status/")
    # The page shows the same private link (its signed token carries a timestamp, so the texts may differ).
    shown = urlsplit(main.locator(".status-link a").get_attribute("href"))
    assert shown.netloc == urlsplit(live_server.url).netloc
    assert shown.path.startswith("/en/status/")
    assert status_links.request_for_token(shown.path.split("/")[-2]) == advice_request
    assert status_links.request_for_token(status_path.split("/")[-2]) == advice_request

    # The status page: the reference, a partner is being found, no messages yet.
    response = page.goto(status_path)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    expect(main.get_by_role("heading", level=1)).to_have_text(f"Your request {reference}")
    expect(main).to_contain_text("We are finding the right partner for you.")
    expect(main).to_contain_text("We have received your request and are reading it.")
    expect(main.locator(".request-facts")).to_contain_text(COMPANY_NAME)
    needs_list = main.get_by_role("region", name="What you asked for help with").get_by_role("listitem")
    expect(needs_list).to_have_text(
        ["Finding customers or partners abroad", "Buyer credit risk, getting paid"]
    )
    expect(main.get_by_role("region", name="Messages")).to_contain_text("There are no messages yet.")
    assert_no_axe_violations(page)

    # A reply.
    main.get_by_role("textbox", name="Your message").fill(REPLY)
    with page.expect_navigation():
        main.get_by_role("button", name="Send message").click()
    expect(page).to_have_url(f"{live_server.url}{status_path}")
    expect(main.locator(".messages")).to_contain_text("Thank you. Your message has been sent.")
    mine = main.get_by_role("region", name="Messages").locator(".conversation__message--mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("You")
    expect(mine.locator(".conversation__body")).to_contain_text("We are available on Tuesdays and Thursdays.")
    expect(mine.locator(".conversation__body")).to_contain_text("Best regards, Karin")
    expect(main.get_by_role("textbox", name="Your message")).to_have_value("")
    assert_no_axe_violations(page)

    event = RequestEvent.objects.get(request=advice_request, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY)
    assert event.body == REPLY
    assert event.actor is None


def test_help_me_export_in_swedish(page, live_server, intake, swedish_catalogue, assert_no_axe_violations):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_no_axe_violations(page)
    cta = page.get_by_role("main").get_by_role("link", name="Få hjälp att exportera", exact=True)
    expect(cta).to_have_attribute("href", "/help-me-export/")
    cta.click()

    # The form.
    expect(page).to_have_url(f"{live_server.url}/help-me-export/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Få hjälp att exportera")
    form = form_of(page)
    expect(form.locator("input[name='language'][value='sv']")).to_be_checked()  # the page's language
    expect(form.locator("label[for='id_language_0']")).to_have_attribute("lang", "sv")
    expect(form.locator("label[for='id_language_0']")).to_have_text("Svenska")
    expect(form.locator("#id_privacy_confirmed_helptext a")).to_have_attribute("href", "/privacy/")
    assert_no_axe_violations(page)

    # Sent empty.
    with page.expect_navigation():
        submit_button(page).click()
    expect(page).to_have_url(f"{live_server.url}/help-me-export/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    check_error_state(page, assert_no_axe_violations)
    assert not AdviceRequest.objects.exists()

    # Filled in, Swedish chosen as the language.
    fill_by_name(page, language="sv")
    counter = form.locator("textarea[name='description'] ~ .char-counter")
    left = 3000 - len(DESCRIPTION)  # written the Swedish way, with a (no-break) space: "2 934"
    expect(counter).to_contain_text(re.compile(rf"\b{left // 1000}\s{left % 1000:03d}\b"))
    assert_no_axe_violations(page)
    with page.expect_navigation():
        submit_button(page).click()

    # The confirmation.
    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/help-me-export/sent/[^/]+/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    reference = expected_reference()
    advice_request = AdviceRequest.objects.get()
    assert advice_request.reference == reference
    assert advice_request.language == "sv"
    expect(main.locator(".confirmation-panel__reference")).to_have_text(reference)
    expect(main).to_contain_text(deadline_pattern(advice_request, "sv"))
    assert_no_axe_violations(page)

    # The email's status link opens the Swedish status page.
    subject, body = confirmation_email(reference)
    status_path = status_path_from(body)
    assert status_path.startswith("/status/")
    response = page.goto(status_path)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(main.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(main.locator(".request-facts")).to_contain_text(reference)
    expect(main.locator(".request-facts")).to_contain_text(COMPANY_NAME)
    needs_list = main.locator("section[aria-labelledby='needs-title'] li")
    expect(needs_list).to_have_text(
        ["Hitta kunder eller partner utomlands", "Kreditrisk hos köparen, att få betalt"]
    )
    assert_no_axe_violations(page)

    # A reply.
    main.locator("textarea[name='body']").fill(REPLY)
    with page.expect_navigation():
        main.locator("form.reply-form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}{status_path}")
    expect(main.locator(".messages .alert-success")).to_be_visible()
    mine = main.locator(".conversation__message--mine")
    expect(mine).to_have_count(1)
    expect(mine.locator(".conversation__body")).to_contain_text("We are available on Tuesdays and Thursdays.")
    assert_no_axe_violations(page)
    assert RequestEvent.objects.filter(
        request=advice_request, kind=RequestEvent.Kind.MESSAGE_FROM_COMPANY
    ).exists()

    # Last, so that the rest of the journey is checked even while the email is not translated yet.
    assert subject.startswith("Vi har tagit emot"), (
        f"the confirmation email to a Swedish-speaking company is not in Swedish: {subject!r}"
    )
    assert reference in subject


@pytest.fixture
def one_request_at_a_time_on_sqlite(monkeypatch):
    """On SQLite the live server's threads share the test's one in-memory connection (pytest-django), so
    two requests at once interleave on it ("database table is locked"): there, serve one at a time.

    A real SQLite file gets its own connection per thread and waits for the write lock (settings: timeout,
    IMMEDIATE). On PostgreSQL the two submissions really race (unique idempotency key, locked counter).
    """
    if connection.vendor != "sqlite":
        return
    lock = threading.Lock()
    call = WSGIHandler.__call__

    def serialised(self, environ, start_response):
        with lock:
            return call(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", serialised)


def test_double_submit_creates_one_request(
    page, live_server, intake, monkeypatch, caplog, one_request_at_a_time_on_sqlite
):
    """Two clicks on a slow server, then the same POST once more (back and resend): one request, one email."""
    seen = []
    submit_request = services.submit_request

    def slow_first(*, submission, admit):
        seen.append(submission.idempotency_key)
        if len(seen) == 1:
            # A slow server: the first answer waits until the person has clicked again and the browser has
            # sent the second POST (`posts`, filled by the page's request events below).
            assert wait_until(lambda: len(posts) >= 2, timeout=10), posts
        return submit_request(submission=submission, admit=admit)

    # The view's service only: submit_request() catches a copy that arrived meanwhile under its lock.
    monkeypatch.setattr(
        views, "services", SimpleNamespace(submit_request=slow_first, RateLimited=services.RateLimited)
    )
    posts = []  # (body, Content-Type): the form is multipart (it takes files), with its own boundary
    page.on(
        "request",
        lambda request: (
            posts.append((request.post_data_buffer, request.headers.get("content-type", "")))
            if request.method == "POST" and request.url.endswith("/en/help-me-export/")
            else None
        ),
    )

    page.goto("/en/help-me-export/")
    fill_by_name(page, language="en")
    button = submit_button(page)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Raw mouse clicks: unlike Locator.click, the second does not wait for the first one's navigation.
    # The second click comes once the first POST is on its way, so the browser really sends two; it aborts
    # the first navigation (net::ERR_ABORTED), so wait for the URL where the second one ends.
    with page.expect_request(lambda request: request.method == "POST"):
        page.mouse.click(x, y)
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/en/help-me-export/sent/[^/]+/$"))
    expect(page.locator(".confirmation-panel__reference")).to_have_text(expected_reference())
    first_token = urlsplit(page.url).path.split("/")[-2]
    assert len(posts) == 2, "the browser did not send the form twice"
    assert len(seen) == 2, seen

    # The browser's resend of the same form (as after "back" and "send again").
    assert posts, "the browser sent no POST"
    body, content_type = posts[-1]
    resent = page.request.post(
        f"{live_server.url}/en/help-me-export/", data=body, headers={"Content-Type": content_type}
    )
    assert resent.ok
    # The same confirmation (its signed token carries a timestamp, so it may differ in the last characters).
    resent_path = urlsplit(resent.url).path
    assert re.fullmatch(r"/en/help-me-export/sent/[^/]+/", resent_path), resent.url
    assert expected_reference() in resent.text()
    advice_request = AdviceRequest.objects.get()
    assert status_links.request_for_token(first_token) == advice_request
    assert status_links.request_for_token(resent_path.split("/")[-2]) == advice_request

    assert len(seen) == 3, seen
    # Neither submission was a server error (the aborted first one included, which the browser never shows).
    errors = [r.getMessage() for r in caplog.records if r.name == "django.request" and r.levelno >= 40]
    assert not errors, errors
    assert len(set(seen)) == 1  # one form, one submission id
    assert AdviceRequest.objects.count() == 1
    assert advice_request.reference == expected_reference()
    assert OutboundEmail.objects.filter(to=CONTACT_EMAIL).count() == 1
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.CREATED).count() == 1


def test_tampered_status_link_is_not_found(page, live_server, intake, assert_no_axe_violations):
    page.goto("/en/help-me-export/")
    fill_by_name(page, language="en")
    with page.expect_navigation():
        submit_button(page).click()
    expect(page.locator(".confirmation-panel__reference")).to_have_text(expected_reference())
    _subject, body = confirmation_email(expected_reference())
    status_path = status_path_from(body)
    assert page.goto(status_path).status == 200

    token = status_path.removeprefix("/en/status/").removesuffix("/")
    position = len(token) - 10  # in the signature (URL-safe base64)
    assert token[position].isalnum() or token[position] in "-_", token
    changed = "b" if token[position] == "a" else "a"
    tampered = token[:position] + changed + token[position + 1 :]
    assert tampered != token and len(tampered) == len(token)

    response = page.goto(f"/en/status/{tampered}/")
    assert response.status == 404
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(main).to_contain_text("Check that you copied the whole link from the email we sent you.")
    expect(main).not_to_contain_text(expected_reference())
    expect(main).not_to_contain_text(COMPANY_NAME)
    expect(main.get_by_role("link", name="uppsala@almi.example")).to_have_attribute(
        "href", "mailto:uppsala@almi.example"
    )
    expect(main.get_by_role("link", name="Send a new request for help")).to_have_attribute(
        "href", "/en/help-me-export/"
    )
    assert_no_axe_violations(page)

    # The confirmation page's link is just as private: a tampered one is the same 404.
    assert page.goto(f"/en/help-me-export/sent/{tampered}/").status == 404
    expect(main.get_by_role("heading", level=1)).to_have_text("This link does not work")
