"""Satisfaction and follow-up surveys: who is asked, exactly once, the company's pages and its answers."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.utils import timezone

from companies.models import Company, FlagSource
from effects import links
from effects.forms.surveys import SatisfactionForm
from effects.models import FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from effects.services import surveys as services
from exportcenter.workdays import STOCKHOLM
from notifications.models import OutboundEmail
from outreach.models import Activity
from referrals.models import AdviceRequest
from referrals.services import workflow
from tests.effects.survey_helpers import *  # noqa: F403 - the fixture `world`
from tests.effects.survey_helpers import (
    closed_request,
    company_with_contact,
    follow_up_url,
    path_of,
    satisfaction_url,
    sent_follow_up,
)

pytestmark = pytest.mark.django_db

Outcome = AdviceRequest.Outcome
Status = AdviceRequest.Status


def survey_emails():
    return OutboundEmail.objects.filter(key__startswith="satisfaction:")


# --- Satisfaction: when a request closes ----------------------------------------------------------------


def test_closing_a_request_as_helped_sends_one_survey_after_commit(world, django_capture_on_commit_callbacks):
    company, contact = company_with_contact(email="karin@verktyg.example", language="en")
    request = closed_request(
        region=world.region, owner=world.almi, company=company, contact=contact, status=Status.IN_PROGRESS
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            request=request,
            to_status=Status.CLOSED,
            by=world.advisor,
            expected_version=None,
            outcome=Outcome.HELPED,
        )
    survey = SatisfactionSurvey.objects.get(request=request)
    assert survey.status == SurveyStatus.SENT and survey.sent_at is not None
    assert (survey.organisation, survey.region, survey.contact) == (world.almi, world.region, contact)
    email = OutboundEmail.objects.get(key=f"satisfaction:{request.pk}")
    assert email.to == "karin@verktyg.example"
    assert "How did it go" in email.subject  # the contact's language: English
    token = links.token_for("satisfaction", survey.public_id)
    assert f"/en/survey/satisfaction/{token}/" in email.body_text


def test_reopening_and_closing_again_asks_once(world, django_capture_on_commit_callbacks):
    request = closed_request(region=world.region, owner=world.almi, status=Status.IN_PROGRESS)
    for outcome in (Outcome.HELPED, Outcome.REFERRED_ONWARD):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(
                request=request,
                to_status=Status.CLOSED,
                by=world.advisor,
                expected_version=None,
                outcome=outcome,
            )
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(
                request=request, to_status=Status.IN_PROGRESS, by=world.advisor, expected_version=None
            )
    assert SatisfactionSurvey.objects.filter(request=request).count() == 1
    assert survey_emails().count() == 1


@pytest.mark.parametrize("outcome", [Outcome.NO_FURTHER_ACTION, Outcome.SPAM])
def test_other_outcomes_ask_nothing(world, outcome, django_capture_on_commit_callbacks):
    request = closed_request(region=world.region, owner=world.almi, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(
            request=request, to_status=Status.CLOSED, by=world.advisor, expected_version=None, outcome=outcome
        )
    assert not SatisfactionSurvey.objects.exists()
    assert services.send_satisfaction_survey(request_id=request.pk) is None


@pytest.mark.parametrize(
    ("case", "reason"),
    [("no_email", "no_email"), ("no_contact", "no_email"), ("declined", "opted_out"), ("merged", "merged")],
)
def test_skipped_with_a_reason_and_no_email(world, case, reason):
    company, contact = company_with_contact(email="" if case == "no_email" else "k@verktyg.example")
    if case == "declined":
        contact.surveys_declined_on = datetime.date(2026, 3, 1)
        contact.save()
    if case == "merged":
        survivor = company_with_contact(email="s@verktyg.example")[0]
        Company.objects.filter(pk=company.pk).update(merged_into=survivor)
        company.refresh_from_db()
    request = closed_request(
        region=world.region,
        owner=world.almi,
        company=company,
        contact=None if case == "no_contact" else contact,
    )
    survey = services.send_satisfaction_survey(request_id=request.pk)
    assert (survey.status, survey.skip_reason, survey.sent_at) == (SurveyStatus.SKIPPED, reason, None)
    assert not survey_emails().exists()
    assert services.send_satisfaction_survey(request_id=request.pk).pk == survey.pk  # still one


def test_the_sweep_sends_what_the_task_missed_once(world):
    missed = closed_request(
        region=world.region, owner=world.almi
    )  # no on_commit ran: as if the broker was down
    old = closed_request(
        region=world.region, owner=world.almi, closed_at=timezone.now() - datetime.timedelta(days=40)
    )
    assert services.sweep_satisfaction_surveys() == 1
    assert services.sweep_satisfaction_surveys() == 0
    assert SatisfactionSurvey.objects.filter(request=missed).count() == 1
    assert not SatisfactionSurvey.objects.filter(request=old).exists()  # closed long ago: not asked now
    assert list(survey_emails().values_list("key", flat=True)) == [f"satisfaction:{missed.pk}"]


def test_the_beat_task_name_is_the_settings(settings):
    from celery import current_app

    for entry in ("effects-satisfaction-surveys", "effects-follow-up-surveys"):
        assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] in current_app.tasks


# --- The company's satisfaction page ---------------------------------------------------------------------


@pytest.fixture
def survey(world):
    request = closed_request(region=world.region, owner=world.almi)
    return services.send_satisfaction_survey(request_id=request.pk)


ANSWER = {
    "satisfaction": "4",
    "right_partner_in_one_day": "yes",
    "handover_clear": "dont_know",
    "comment": "Bra!",
}


def test_the_page_asks_in_accessible_groups_and_is_not_indexed(client, survey, in_english):
    response = client.get(path_of(satisfaction_url(survey, "en")))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = response.content.decode()
    assert '<meta name="robots" content="noindex">' in page
    assert page.count("<fieldset") == 3 and page.count("<legend") == 3
    assert "Did you reach the right partner within one working day?" in html.unescape(page)
    assert 'name="decline"' in page


def test_an_answer_is_recorded_and_a_second_does_not_replace_it(client, survey, in_english):
    url = path_of(satisfaction_url(survey, "en"))
    response = client.post(url, ANSWER, follow=True)
    assert "Thank you for your answer." in response.content.decode()
    survey.refresh_from_db()
    assert (survey.status, survey.satisfaction, survey.handover_clear, survey.comment) == (
        SurveyStatus.ANSWERED,
        4,
        "dont_know",
        "Bra!",
    )
    response = client.post(url, {**ANSWER, "satisfaction": "1", "comment": "Changed"}, follow=True)
    page = html.unescape(response.content.decode())
    assert "already answered. The first answer stands." in page
    assert "You have answered this survey" in page
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.comment) == (4, "Bra!")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**ANSWER, "comment": "x" * 2001}, "comment"),
        ({**ANSWER, "satisfaction": "6"}, "satisfaction"),
        ({**ANSWER, "satisfaction": ""}, "satisfaction"),
        ({**ANSWER, "handover_clear": "maybe"}, "handover_clear"),
    ],
)
def test_bad_input_is_a_field_error_never_a_500(client, survey, in_english, data, field):
    response = client.post(path_of(satisfaction_url(survey, "en")), data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT


def test_a_nul_byte_is_a_field_error_in_the_form_and_a_400_on_the_page(client, survey):
    form = SatisfactionForm({**ANSWER, "comment": "a\x00b"})
    assert not form.is_valid() and "comment" in form.errors
    response = client.post(path_of(satisfaction_url(survey)), {**ANSWER, "comment": "a\x00b"})
    assert response.status_code == 400  # BadInputMiddleware: the localised 400 page, never a 500
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT


def normalised(response, token) -> str:
    body = response.content.decode().replace(token, "TOKEN")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def test_bad_links_all_get_the_same_404(client, survey, world):
    good = links.token_for("satisfaction", survey.public_id)
    expired = closed_request(region=world.region, owner=world.almi)
    expired_survey = services.send_satisfaction_survey(request_id=expired.pk)
    SatisfactionSurvey.objects.filter(pk=expired_survey.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=61)
    )
    skipped = SatisfactionSurvey.objects.create(
        request=closed_request(region=world.region, owner=world.almi),
        region=world.region,
        status=SurveyStatus.SKIPPED,
        skip_reason="no_email",
    )
    bad = [
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # tampered
        links.token_for("satisfaction", "3f1c0000-0000-4000-8000-000000000000"),  # unknown
        links.token_for("satisfaction", "not-a-uuid"),
        links.token_for("follow_up", survey.public_id),  # another purpose
        links.token_for("satisfaction", survey.public_id, 2),  # another round
        links.token_for("satisfaction", expired_survey.public_id),
        links.token_for("satisfaction", skipped.public_id),
        "x" * 3000,
    ]
    bodies = set()
    for token in bad:
        response = client.get(f"/survey/satisfaction/{token}/")
        assert response.status_code == 404, token
        assert response["X-Robots-Tag"].startswith("noindex")
        bodies.add(normalised(response, token))
    assert len(bodies) == 1


def test_the_link_works_until_survey_link_days(client, survey, settings):
    settings.SURVEY_LINK_DAYS = 10
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=9)
    )
    assert client.get(path_of(satisfaction_url(survey))).status_code == 200
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=10)
    )
    assert client.get(path_of(satisfaction_url(survey))).status_code == 404


def test_dont_send_me_surveys_is_remembered(client, survey, in_english):
    response = client.post(path_of(satisfaction_url(survey, "en")), {"decline": "1"}, follow=True)
    assert "We will not send you any more surveys." in response.content.decode()
    survey.contact.refresh_from_db()
    assert survey.contact.surveys_declined_on == timezone.localdate()
    # The next request of the same contact is not asked.
    request = closed_request(
        region=survey.region,
        owner=survey.organisation,
        company=survey.contact.company,
        contact=survey.contact,
    )
    assert services.send_satisfaction_survey(request_id=request.pk).skip_reason == "opted_out"


# --- Follow-ups 6 and 12 months after help ------------------------------------------------------------------

RUN = datetime.date(2026, 9, 15)


def closed_on(day: datetime.date, **fields) -> AdviceRequest:
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=STOCKHOLM)
    return closed_request(closed_at=moment, **fields)


def test_add_months_keeps_the_day_or_the_months_last():
    assert services.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2026, 3, 15), -6) == datetime.date(2025, 9, 15)
    assert services.add_months(datetime.date(2026, 1, 31), -12) == datetime.date(2025, 1, 31)


def test_companies_helped_six_and_twelve_months_ago_are_asked_once(world):
    six = closed_on(datetime.date(2026, 3, 15), region=world.region, owner=world.almi)
    twelve = closed_on(datetime.date(2025, 9, 10), region=world.region, owner=world.ekn)
    closed_on(datetime.date(2026, 3, 20), region=world.region, owner=world.almi, outcome=Outcome.SPAM)
    closed_on(datetime.date(2026, 6, 15), region=world.region, owner=world.almi)  # too recent
    assert services.sweep_follow_up_surveys(RUN) == 2
    assert services.sweep_follow_up_surveys(RUN) == 0
    assert services.sweep_follow_up_surveys(RUN + datetime.timedelta(days=1)) == 0
    rows = set(FollowUpSurvey.objects.values_list("company_id", "wave", "helped_on", "region_id", "status"))
    assert rows == {
        (six.company_id, 6, datetime.date(2026, 3, 15), world.region.pk, SurveyStatus.SENT),
        (twelve.company_id, 12, datetime.date(2025, 9, 10), world.region.pk, SurveyStatus.SENT),
    }
    assert OutboundEmail.objects.filter(key__startswith="follow_up:").count() == 2


def test_many_requests_in_a_month_make_one_survey_per_wave(world):
    company, contact = company_with_contact(email="many@verktyg.example")
    for day in (3, 12, 28):
        closed_on(
            datetime.date(2026, 3, day),
            region=world.region,
            owner=world.almi,
            company=company,
            contact=contact,
        )
    for run in (datetime.date(2026, 9, 3), datetime.date(2026, 9, 12), datetime.date(2026, 9, 28)):
        services.sweep_follow_up_surveys(run)
    assert list(FollowUpSurvey.objects.values_list("wave", "helped_on")) == [(6, datetime.date(2026, 3, 3))]
    assert OutboundEmail.objects.filter(key__startswith="follow_up:").count() == 1


def test_an_activity_with_an_outcome_is_help(world):
    company, contact = company_with_contact(email="act@verktyg.example")
    other, _contact = company_with_contact(email="noact@verktyg.example")
    Activity.objects.create(
        kind="visit", company=company, occurred_on=datetime.date(2026, 3, 10), outcome="Ny kund"
    )
    Activity.objects.create(kind="call", company=other, occurred_on=datetime.date(2026, 3, 10), outcome="")
    assert services.sweep_follow_up_surveys(RUN) == 1
    survey = FollowUpSurvey.objects.get()
    assert (survey.company, survey.region, survey.contact) == (company, world.region, contact)


def test_opted_out_and_merged_companies_are_skipped(world):
    declined_company, _declined = company_with_contact(email="no@verktyg.example", surveys_declined_on=RUN)
    merged_company, _c = company_with_contact(email="merged@verktyg.example")
    survivor, _s = company_with_contact(email="survivor@verktyg.example")
    Company.objects.filter(pk=merged_company.pk).update(merged_into=survivor)
    for company in (declined_company, merged_company):
        closed_on(datetime.date(2026, 3, 15), region=world.region, owner=world.almi, company=company)
    services.sweep_follow_up_surveys(RUN)
    assert set(FollowUpSurvey.objects.values_list("company_id", "status", "skip_reason")) == {
        (declined_company.pk, SurveyStatus.SKIPPED, "opted_out"),
        (merged_company.pk, SurveyStatus.SKIPPED, "merged"),
    }
    assert not OutboundEmail.objects.filter(key__startswith="follow_up:").exists()


def test_a_follow_up_answer_confirms_the_flags_as_the_company_survey(client, world, in_english):
    company, contact = company_with_contact(email="flags@verktyg.example")
    survey = sent_follow_up(company=company, region=world.region, contact=contact)
    url = path_of(follow_up_url(survey, "en"))
    page = client.get(url).content.decode()
    assert page.count("<fieldset") == 6
    answer = {
        "exports_goods": "yes",
        "exports_services": "no",
        "imports": "yes",
        "international_cooperation": "no",
        "foreign_group_member": "no",
        "operations_abroad": "no",
        "comment": "",
    }
    assert client.post(url, answer).status_code == 302
    company.refresh_from_db()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ANSWERED and survey.exports_goods and not survey.exports_services
    assert (company.exports_goods, company.imports, company.exports_services) == (True, True, False)
    assert company.flags_source == FlagSource.COMPANY_SURVEY
    assert company.flags_confirmed_on == timezone.localdate()
    assert company.international_confirmed_on == timezone.localdate()
    response = client.post(url, {**answer, "imports": "no"}, follow=True)
    assert "The first answer stands." in html.unescape(response.content.decode())
    company.refresh_from_db()
    assert company.imports is True


def test_a_follow_up_with_a_missing_answer_is_a_field_error(client, world, in_english):
    company, contact = company_with_contact(email="missing@verktyg.example")
    survey = sent_follow_up(company=company, region=world.region, contact=contact)
    response = client.post(
        path_of(follow_up_url(survey, "en")), {"exports_goods": "yes", "comment": "x" * 2001}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_imports_error"' in page and 'id="id_comment_error"' in page


def test_the_emails_are_written_in_both_languages(world):
    for language, phrase in (("sv", "Hej"), ("en", "Hello")):
        company, contact = company_with_contact(email=f"{language}@verktyg.example", language=language)
        request = closed_request(region=world.region, owner=world.almi, company=company, contact=contact)
        services.send_satisfaction_survey(request_id=request.pk)
        email = OutboundEmail.objects.get(key=f"satisfaction:{request.pk}")
        assert email.body_text.startswith(phrase)
    assert not mail.outbox or all("survey" in m.body for m in mail.outbox)
