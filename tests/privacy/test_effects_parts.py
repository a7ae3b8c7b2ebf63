"""The person's export outcomes and survey answers: in the export, and their free text erased."""

from datetime import date

import pytest
from django.utils import timezone

from effects.models import ExportOutcome, FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from privacy import services
from referrals.models import AdviceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(person, operator):
    request = AdviceRequest.objects.get(contact=person)
    outcome = ExportOutcome.objects.create(
        company=person.company,
        region=request.region,
        organisation=operator,
        contact=person,
        market="DE",
        kind=ExportOutcome.Kind.NEW_MARKET,
        sells=ExportOutcome.Sells.SERVICES,
        value_band=ExportOutcome.ValueBand.FROM_1M,
        achieved_on=date(2026, 3, 1),
        description="Karin Berg signed with a Berlin firm.",
        status=ExportOutcome.Status.CONFIRMED,
        support_meaning=ExportOutcome.SupportMeaning.PREREQUISITE,
        company_comment="Thanks from Karin",
    )
    SatisfactionSurvey.objects.update_or_create(
        request=request,
        defaults={
            "organisation": operator,
            "region": request.region,
            "contact": person,
            "status": SurveyStatus.ANSWERED,
            "answered_at": timezone.now(),
            "satisfaction": 5,
            "comment": "Karin: very helpful",
        },
    )
    FollowUpSurvey.objects.create(
        company=person.company,
        region=request.region,
        wave=FollowUpSurvey.Wave.SIX_MONTHS,
        helped_on=date(2026, 1, 10),
        contact=person,
        status=SurveyStatus.ANSWERED,
        exports_services=True,
        comment="Call Karin on 070-123 45 67",
    )
    return outcome


def test_the_export_holds_the_outcomes_and_the_survey_answers(person, staff, answers):
    sections = services.export_person(person=person, by=staff)["sections"]
    outcome = sections["export_outcomes"]["rows"][0]
    assert outcome["comment"] == "Thanks from Karin" and outcome["market"] == "DE"
    surveys = {row["survey"]: row for row in sections["survey_answers"]["rows"]}
    assert surveys["satisfaction"]["comment"] == "Karin: very helpful"
    assert surveys["follow_up_6_months"]["exports_services"] is True


def test_erasure_removes_the_free_text_and_keeps_what_figures_count(person, staff, answers):
    services.erase_person(person=person, by=staff)
    answers.refresh_from_db()
    assert (answers.description, answers.company_comment) == ("", "")
    assert (answers.status, answers.support_meaning, answers.market.code) == (
        "confirmed",
        "prerequisite",
        "DE",
    )
    survey = SatisfactionSurvey.objects.get(contact=person)
    assert (survey.comment, survey.satisfaction) == ("", 5)
    assert FollowUpSurvey.objects.get(contact=person).comment == ""
    # A second erasure changes nothing.
    assert services.erase_person(person=person, by=staff)["export_outcomes"] == 0
