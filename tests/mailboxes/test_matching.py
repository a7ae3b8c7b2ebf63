"""mailboxes.matching: the sender of a new email → contact → company, and "did you mean" (issue 20)."""

import pytest

from companies.models import Company
from mailboxes import matching
from reference.models import Municipality
from referrals.models import AdviceRequest
from tests.factories import CompanyFactory, ContactFactory, valid_org_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def uppsala(reference_data):
    return Municipality.objects.get(code="0380")


def match(address, name="", text="", municipality=None):
    return matching.match_sender(address=address, name=name, text=text, municipality=municipality)


def test_org_numbers_need_a_valid_check_digit_and_are_not_personal_numbers():
    good = valid_org_number(42)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    text = f"Org.nr {good[:6]}-{good[6:]}, fel {bad}, personnummer 880320-0016, telefon 0701234567."
    assert matching.org_numbers_in(text) == [good]
    assert matching.org_numbers_in(f"16{good}") == [good]
    assert matching.org_numbers_in("") == []


def test_a_contact_is_found_by_email_whatever_the_case(uppsala):
    contact = ContactFactory(email="Karin@Konsult.example")
    sender = match("karin@konsult.example", municipality=uppsala)
    assert (sender.contact, sender.company, sender.matched_by) == (contact, contact.company, "contact")


def test_a_contact_of_a_merged_company_is_not_used(uppsala):
    survivor = CompanyFactory()
    old = ContactFactory(email="karin@konsult.example")
    Company.objects.filter(pk=old.company_id).update(merged_into=survivor)
    sender = match("karin@konsult.example", "Karin", municipality=uppsala)
    assert sender.contact != old


def test_an_org_number_in_the_text_finds_the_company_and_adds_the_contact(uppsala):
    company = CompanyFactory()
    sender = match(
        "ny@konsult.example", "Ny Person", text=f"Vi är {company.org_number}", municipality=uppsala
    )
    assert sender.company == company and sender.matched_by == "org_number"
    assert sender.contact.company == company and sender.contact.email == "ny@konsult.example"


def test_otherwise_a_new_company_named_after_the_domain_or_the_person(uppsala):
    sender = match("info@mail.bergsmide.se", "Karin Berg", municipality=uppsala)
    assert sender.company.name == "Bergsmide" and sender.matched_by == "new"
    assert sender.company.org_number is None and sender.company.municipality == uppsala
    free = match("karin.berg@gmail.com", "Karin Berg", municipality=uppsala)
    assert free.company.name == "Karin Berg"


def email_request(company, contact, address):
    from referrals.services.email_intake import request_from_email

    return request_from_email(
        region=None,
        owner_organisation=None,
        company=company,
        contact=contact,
        subject="Hej",
        body="x",
        email={"from": address, "company_matched_by": "new"},
    )


def test_did_you_mean_offers_companies_with_the_senders_domain_then_similar_names(uppsala):
    known = ContactFactory(email="sales@bergsmide.se").company
    similar = CompanyFactory(name="Bergsmide Norr AB")
    CompanyFactory(name="Något annat AB")
    sender = match("info@bergsmide.se", "Karin", municipality=uppsala)
    request = email_request(sender.company, sender.contact, "info@bergsmide.se")
    assert matching.suggestions(request) == [known, similar]


def test_no_suggestions_from_a_free_mail_domain_alone_nor_for_a_matched_company(uppsala):
    ContactFactory(email="someone@gmail.com", company=CompanyFactory(name="Helt Annat AB"))
    sender = match("karin.berg@gmail.com", "Karin Berg", municipality=uppsala)
    request = email_request(sender.company, sender.contact, "karin.berg@gmail.com")
    assert matching.suggestions(request) == []
    request.submitted = {"email": {"company_matched_by": "contact"}}
    assert matching.suggestions(request) == []
    assert matching.suggestions(AdviceRequest(submitted={}, company=request.company)) == []


def test_suggestions_ask_few_queries(uppsala, django_assert_max_num_queries):
    for n in range(20):
        ContactFactory(email=f"p{n}@bergsmide.se")
    sender = match("info@bergsmide.se", "Karin", municipality=uppsala)
    request = email_request(sender.company, sender.contact, "info@bergsmide.se")
    request = AdviceRequest.objects.select_related("company", "contact").get(pk=request.pk)
    with django_assert_max_num_queries(2):
        assert len(matching.suggestions(request)) == matching.MAX_SUGGESTIONS
