"""Every page of the mailboxes (issue 20) in a real browser, in Swedish and English: the list, a mailbox
(with "Test connection" answered in its live region), its form (and an empty form's errors), a message
taken (as text and as cleaned HTML), and the request page's email panel with "did you mean". axe-core
reports no WCAG 2.1 A/AA violation on any of them."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from advisors.models import User
from companies.models import Contact
from tests.factories import CompanyFactory, ContactFactory
from tests.mailboxes.pages_fixtures import make_mailbox, make_message

pytestmark = pytest.mark.usefixtures("midday_today")


@pytest.fixture
def email_request(demo):
    from referrals import services
    from referrals.models import AdviceRequest
    from referrals.need_categories import seed_need_categories
    from tests.referrals.conftest import build_submission

    seed_need_categories()
    request = services.submit_request(submission=build_submission())
    AdviceRequest.objects.filter(pk=request.pk).update(
        channel=AdviceRequest.Channel.EMAIL,
        submitted={"email": {"company_matched_by": "new", "from": "karin@konsult.example"}},
    )
    Contact.objects.filter(pk=request.contact_id).update(
        email_bouncing_since=timezone.now(), email_bounce_reason="550 5.1.1 User unknown"
    )
    known = CompanyFactory(name="Konsultbolaget i Knivsta AB")
    ContactFactory(company=known, email="vd@konsult.example")
    request.refresh_from_db()
    return request


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_mailbox_page_is_axe_clean(
    page, demo, email_request, sign_in_as, assert_no_axe_violations, prefix, settings, tmp_path
):
    settings.MAIL_LOCAL_FOLDER = str(tmp_path)
    staff = User.objects.get(email="rita.staff@regionuppsala.example")
    region = staff.organisation.regions.get()
    mailbox = make_mailbox(region, staff.organisation, name="Exportcenter Uppsala", kind="local", host="")
    mailbox.last_error = "Servern vägrade inloggningen."
    mailbox.last_poll_at = timezone.now()
    mailbox.save()
    message = make_message(mailbox, email_request)
    make_message(mailbox, None, subject="Frånvaro", outcome="auto_reply")
    sign_in_as(staff.email)
    base = f"{prefix}/advisor/mailboxes"
    for url in [
        f"{base}/",
        f"{base}/new/",
        f"{base}/{mailbox.public_id}/",
        f"{base}/{mailbox.public_id}/edit/",
        f"{base}/messages/{message.public_id}/",
        f"{base}/messages/{message.public_id}/?html=1",
        f"{prefix}/advisor/requests/{email_request.public_id}/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert_no_axe_violations(page)

    # The request page's panel: the bounce and "did you mean".
    page.goto(f"{prefix}/advisor/requests/{email_request.public_id}/")
    assert page.locator("[data-bounce]").is_visible()
    assert page.locator("[data-did-you-mean]").is_visible()
    # "Test connection" answers in the live region, without a reload.
    page.goto(f"{base}/{mailbox.public_id}/")
    page.locator("#connection-result").wait_for(state="attached")
    page.locator("form[hx-post] button[type=submit]").click()
    page.locator("#connection-result [data-check='ok']").wait_for()
    assert_no_axe_violations(page)
    # An empty form: the error summary and the fields' errors.
    page.goto(f"{base}/new/")
    page.fill("#id_name", "")
    page.fill("#id_folder", "")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_axe_violations(page)
