"""Export outcomes' rules (effects.services.outcomes): recording, linking, partners, asking the company,
editing (a new round), the company's answer (once), and the reminder and expiry task."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from companies.models import FlagSource
from effects import links
from effects.models import ExportOutcome, OutcomePartner
from effects.services import outcomes as services
from effects.tasks.outcomes import remind_and_expire_outcomes
from notifications.models import OutboundEmail
from referrals.models import Referral
from tests.effects.outcome_helpers import *  # noqa: F403 - fixtures
from tests.effects.outcome_helpers import answer, facts, record
from tests.factories import ContactFactory, OrganisationFactory
from tests.outreach.factories import ActivityFactory, make_request

pytestmark = pytest.mark.django_db


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def _advice_request(company, n=1):
    return make_request(company=company, region=None)


# --- Recording ------------------------------------------------------------------------------------------


def test_recording_asks_the_company_once_with_a_link_for_the_round(anna, company, contact, partner):
    outcome, asked = services.record_outcome(
        company=company, by=anna, data={**facts(), "partners": [partner, anna.organisation]}
    )
    assert asked == services.Asked.ASKED
    assert outcome.status == ExportOutcome.Status.PENDING
    assert outcome.region.slug == "uppsala"
    assert outcome.organisation == anna.organisation
    assert outcome.contact == contact  # the primary contact by default
    assert outcome.asked_at is not None
    email = OutboundEmail.objects.get(key=f"outcome:{outcome.pk}:1")
    assert email.to == "karin@verktyg.example"
    token = links.token_for("outcome", outcome.public_id, 1)
    assert token in email.body_text
    assert services.outcome_for_token(token) == outcome
    # Asking again in the same round queues nothing new.
    services.ask_company(outcome)
    assert OutboundEmail.objects.filter(key__startswith=f"outcome:{outcome.pk}:").count() == 1


def test_the_email_is_in_the_contacts_language(anna, company, contact):
    contact.preferred_language = "en"
    contact.save()
    outcome = record(company, anna)
    email = OutboundEmail.objects.get(key=f"outcome:{outcome.pk}:1")
    assert "Please confirm an export outcome" in email.subject
    assert "/en/outcome/" in email.body_text


@pytest.mark.parametrize(
    ("contact_fields", "expected"),
    [
        ({"email": ""}, services.Asked.NO_EMAIL),
        ({"surveys_declined_on": datetime.date(2026, 1, 1)}, services.Asked.DECLINED_SURVEYS),
    ],
)
def test_a_contact_without_email_or_who_declined_is_not_asked(anna, company, contact_fields, expected):
    ContactFactory(company=company, is_primary=True, **contact_fields)
    outcome, asked = services.record_outcome(company=company, by=anna, data=facts())
    assert asked == expected
    assert services.asked_message(asked)
    assert outcome.asked_at is None
    assert not OutboundEmail.objects.filter(key__startswith=f"outcome:{outcome.pk}:").exists()


def test_no_contact_at_all(anna, company):
    _outcome, asked = services.record_outcome(company=company, by=anna, data=facts())
    assert asked == services.Asked.NO_CONTACT


def test_a_partner_outside_the_companys_region_is_a_field_error(anna, company, far_partner, partner):
    with pytest.raises(ValidationError) as excinfo:
        services.record_outcome(
            company=company, by=anna, data={**facts(), "partners": [partner, far_partner]}
        )
    assert _errors(excinfo) == {"partners": ["Almi Gävleborg arbetar inte i företagets region."]} or _errors(
        excinfo
    ) == {"partners": ["Almi Gävleborg does not work in the company's region."]}
    assert not ExportOutcome.objects.exists()


def test_partners_from_other_regions_that_also_serve_the_company_are_fine(anna, company, gavleborg, uppsala):
    both = OrganisationFactory(slug="ekn", name="EKN", regions=[gavleborg, uppsala])
    outcome = record(company, anna, partners=[both])
    assert list(outcome.partners.all()) == [both]


def test_linking_another_companys_requests_activities_or_referrals_is_refused(
    anna, company, far_company, partner
):
    other_request = _advice_request(far_company, 2)
    other_activity = ActivityFactory(company=far_company, created_by=anna)
    other_referral = Referral.objects.create(
        request=other_request,
        from_organisation=anna.organisation,
        to_organisation=partner,
        note="Över till er.",
        due_at=timezone.now(),
        consent_confirmed=True,
        consent_method=Referral.ConsentMethod.EMAIL,
    )
    own_request = _advice_request(company, 3)
    with pytest.raises(ValidationError) as excinfo:
        record(
            company,
            anna,
            requests=[own_request, other_request],
            activities=[other_activity],
            referrals=[other_referral],
        )
    assert set(_errors(excinfo)) == {"requests", "activities", "referrals"}
    outcome = record(company, anna, requests=[own_request])
    assert list(outcome.requests.all()) == [own_request]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "Norge\x00"}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"value_band": "a_billion"}, "value_band"),
        ({"value_band": ""}, "value_band"),
        ({"kind": "world_domination"}, "kind"),
        ({"market": "SE"}, "market"),
        ({"market": "XX"}, "market"),
        ({"achieved_on": timezone.localdate() + datetime.timedelta(days=3)}, "achieved_on"),
    ],
)
def test_bad_input_is_a_field_error(anna, company, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        record(company, anna, **overrides)
    assert field in _errors(excinfo)


def test_a_contact_of_another_company_is_refused(anna, company, far_company):
    stranger = ContactFactory(company=far_company)
    with pytest.raises(ValidationError) as excinfo:
        record(company, anna, contact=stranger)
    assert "contact" in _errors(excinfo)


# --- The company's answer -------------------------------------------------------------------------------


def test_confirming_records_the_answers_and_confirms_the_companys_flags(anna, company, contact, partner):
    outcome = record(company, anna, partners=[partner], sells=ExportOutcome.Sells.BOTH)
    corrected = answer(
        outcome, facts={**answer(outcome).facts, "value_band": ExportOutcome.ValueBand.FROM_10M}
    )
    corrected = services.Answer(**{**corrected.__dict__, "ratings": {partner.pk: 4}, "comment": "Tack!"})
    confirmed = services.confirm_by_company(outcome=outcome, round_=1, answer=corrected)
    assert confirmed.status == ExportOutcome.Status.CONFIRMED
    assert confirmed.counts
    assert confirmed.corrected_fields == ["value_band"]
    assert confirmed.value_band == ExportOutcome.ValueBand.FROM_10M
    assert confirmed.support_meaning == ExportOutcome.SupportMeaning.PREREQUISITE
    assert confirmed.company_comment == "Tack!"
    assert OutcomePartner.objects.get(outcome=outcome, organisation=partner).rating == 4
    company.refresh_from_db()
    assert company.exports_goods and company.exports_services
    assert company.flags_source == FlagSource.COMPANY_OUTCOME
    assert company.international_confirmed_on == outcome.achieved_on


def test_a_second_answer_to_the_same_round_changes_nothing(anna, company, contact):
    outcome = record(company, anna)
    services.confirm_by_company(outcome=outcome, round_=1, answer=answer(outcome))
    with pytest.raises(services.AlreadyAnswered):
        services.confirm_by_company(
            outcome=outcome,
            round_=1,
            answer=answer(outcome, support_meaning=ExportOutcome.SupportMeaning.LITTLE),
        )
    with pytest.raises(services.AlreadyAnswered):
        services.decline_by_company(outcome=outcome, round_=1)
    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.CONFIRMED
    assert outcome.support_meaning == ExportOutcome.SupportMeaning.PREREQUISITE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"support_meaning": "everything"}, "support_meaning"),
        ({"without_support": ""}, "without_support"),
        ({"case_study_allowed": None}, "case_study_allowed"),
        ({"comment": "\x00"}, "comment"),
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_a_bad_answer_is_a_field_error_and_nothing_is_saved(anna, company, contact, overrides, field):
    outcome = record(company, anna)
    with pytest.raises(ValidationError) as excinfo:
        services.confirm_by_company(outcome=outcome, round_=1, answer=answer(outcome, **overrides))
    assert field in _errors(excinfo)
    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.PENDING


def test_a_rating_out_of_range_is_a_field_error(anna, company, contact, partner):
    outcome = record(company, anna, partners=[partner])
    with pytest.raises(ValidationError) as excinfo:
        services.confirm_by_company(
            outcome=outcome, round_=1, answer=answer(outcome, ratings={partner.pk: 6})
        )
    assert f"rating_{partner.pk}" in _errors(excinfo)


def test_declining(anna, company, contact):
    outcome = record(company, anna)
    declined = services.decline_by_company(outcome=outcome, round_=1, comment="Det blev ingen affär.")
    assert declined.status == ExportOutcome.Status.DECLINED
    assert not declined.counts
    company.refresh_from_db()
    assert company.international_confirmed_on is None


# --- Editing --------------------------------------------------------------------------------------------


def test_editing_a_confirmed_outcome_asks_again_in_a_new_round(anna, company, contact, partner):
    outcome = record(company, anna, partners=[partner])
    old_token = links.token_for("outcome", outcome.public_id, 1)
    confirmed = services.confirm_by_company(outcome=outcome, round_=1, answer=answer(outcome))
    edited, asked = services.update_outcome(
        outcome=confirmed,
        by=anna,
        data={"value_band": ExportOutcome.ValueBand.OVER_50M},
        expected_version=confirmed.version,
    )
    assert asked == services.Asked.ASKED
    assert edited.status == ExportOutcome.Status.PENDING
    assert edited.confirmation_round == 2
    assert edited.support_meaning == "" and edited.case_study_allowed is None and edited.answered_at is None
    assert OutcomePartner.objects.get(outcome=outcome).rating is None
    assert services.outcome_for_token(old_token) is None  # the old link stops working
    new_token = links.token_for("outcome", outcome.public_id, 2)
    assert services.outcome_for_token(new_token) == edited
    assert new_token in OutboundEmail.objects.get(key=f"outcome:{outcome.pk}:2").body_text
    with pytest.raises(services.LinkGone):
        services.confirm_by_company(outcome=edited, round_=1, answer=answer(edited))


@pytest.mark.parametrize("status", [ExportOutcome.Status.DECLINED, ExportOutcome.Status.EXPIRED])
def test_editing_a_declined_or_expired_outcome_asks_again(anna, company, contact, status):
    outcome = record(company, anna)
    ExportOutcome.objects.filter(pk=outcome.pk).update(status=status)
    outcome.refresh_from_db()
    edited, _asked = services.update_outcome(
        outcome=outcome, by=anna, data={"market": "DK"}, expected_version=outcome.version
    )
    assert (edited.status, edited.confirmation_round) == (ExportOutcome.Status.PENDING, 2)


def test_editing_a_waiting_outcome_keeps_its_link(anna, company, contact):
    outcome = record(company, anna)
    edited, asked = services.update_outcome(
        outcome=outcome, by=anna, data={"market": "DK"}, expected_version=outcome.version
    )
    assert (edited.confirmation_round, asked) == (1, None)
    assert edited.version == outcome.version + 1


def test_an_edit_without_changes_writes_nothing(anna, company, contact):
    outcome = record(company, anna)
    edited, _asked = services.update_outcome(
        outcome=outcome, by=anna, data={"market": "NO"}, expected_version=outcome.version
    )
    assert edited.version == outcome.version


def test_an_edit_of_an_old_version_is_stale(anna, company, contact):
    outcome = record(company, anna)
    services.update_outcome(outcome=outcome, by=anna, data={"market": "DK"}, expected_version=1)
    with pytest.raises(services.StaleOutcome):
        services.update_outcome(outcome=outcome, by=anna, data={"market": "FI"}, expected_version=1)
    assert ExportOutcome.objects.get().market == "DK"


def test_the_companys_answer_makes_an_open_edit_stale(anna, company, contact):
    outcome = record(company, anna)
    services.confirm_by_company(outcome=outcome, round_=1, answer=answer(outcome))
    with pytest.raises(services.StaleOutcome):
        services.update_outcome(outcome=outcome, by=anna, data={"market": "FI"}, expected_version=1)


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_one_stands(anna, company, contact):
    """Two submissions racing: the row lock lets one confirm; the other finds it answered."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    outcome = record(company, anna)
    results = []

    def submit():
        try:
            services.confirm_by_company(outcome=outcome, round_=1, answer=answer(outcome))
            results.append("confirmed")
        except services.AlreadyAnswered:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already", "confirmed"]


# --- Reminder and expiry --------------------------------------------------------------------------------


def test_one_reminder_then_expiry(anna, company, contact, settings, time_machine):
    settings.OUTCOME_REMINDER_AFTER_DAYS = 10
    settings.OUTCOME_CONFIRMATION_DAYS = 30
    start = timezone.now()
    outcome = record(company, anna)
    token = links.token_for("outcome", outcome.public_id, 1)

    time_machine.move_to(start + datetime.timedelta(days=9))
    assert remind_and_expire_outcomes() == {"reminded": 0, "expired": 0}

    time_machine.move_to(start + datetime.timedelta(days=10, hours=1))
    assert remind_and_expire_outcomes() == {"reminded": 1, "expired": 0}
    assert remind_and_expire_outcomes() == {"reminded": 0, "expired": 0}  # once
    reminder = OutboundEmail.objects.get(key=f"outcome:{outcome.pk}:1:reminder")
    assert token in reminder.body_text
    outcome.refresh_from_db()
    assert outcome.reminded_at is not None
    assert services.outcome_for_token(token) == outcome

    time_machine.move_to(start + datetime.timedelta(days=30, hours=1))
    assert services.outcome_for_token(token) is None  # past its time even before the task runs
    assert remind_and_expire_outcomes() == {"reminded": 0, "expired": 1}
    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.EXPIRED
    assert remind_and_expire_outcomes() == {"reminded": 0, "expired": 0}
    assert OutboundEmail.objects.filter(key__startswith=f"outcome:{outcome.pk}:").count() == 2


def test_an_outcome_never_asked_is_neither_reminded_nor_expired(anna, company, time_machine):
    start = timezone.now()
    outcome = record(company, anna)  # no contact: not asked
    time_machine.move_to(start + datetime.timedelta(days=60))
    assert remind_and_expire_outcomes() == {"reminded": 0, "expired": 0}
    outcome.refresh_from_db()
    assert outcome.status == ExportOutcome.Status.PENDING
