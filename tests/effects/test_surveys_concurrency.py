"""Concurrent sweeps on PostgreSQL: each survey is made, and its email queued, once.

Threads with their own database connections stand in for two workers (as tests/outreach/test_concurrency.py).
"""

import datetime

import pytest

from effects.models import FollowUpSurvey, SatisfactionSurvey
from effects.services import surveys as services
from exportcenter.workdays import STOCKHOLM
from notifications.models import OutboundEmail
from tests.effects.survey_helpers import *  # noqa: F403 - the fixture `world`
from tests.effects.survey_helpers import closed_request
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RUN = datetime.date(2026, 9, 15)


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (advisory locks and concurrent writers); set DATABASE_URL=postgres://…")


def forget_surveys():
    """Closing the requests above ran the after-commit task already (autocommit, eager Celery): start over
    as if the broker had lost it."""
    SatisfactionSurvey.objects.all().delete()
    OutboundEmail.objects.all().delete()


def test_two_concurrent_sends_for_one_request_make_one_survey_and_one_email(world):
    requests = [closed_request(region=world.region, owner=world.almi) for _ in range(20)]
    forget_surveys()
    for request in requests:
        at_once(*[lambda r=request: services.send_satisfaction_survey(request_id=r.pk)] * 2)
    assert SatisfactionSurvey.objects.count() == 20
    assert OutboundEmail.objects.filter(key__startswith="satisfaction:").count() == 20


def test_two_concurrent_satisfaction_sweeps_send_each_once(world):
    for _ in range(15):
        closed_request(region=world.region, owner=world.almi)
    forget_surveys()
    made = at_once(services.sweep_satisfaction_surveys, services.sweep_satisfaction_surveys)
    made.append(services.sweep_satisfaction_surveys())  # and one more after them
    assert sum(made) == 15
    assert SatisfactionSurvey.objects.count() == 15
    assert OutboundEmail.objects.filter(key__startswith="satisfaction:").count() == 15


def test_two_concurrent_follow_up_sweeps_send_each_once(world):
    for day in range(1, 16):
        moment = datetime.datetime(2026, 3, day, 10, tzinfo=STOCKHOLM)
        closed_request(region=world.region, owner=world.almi, closed_at=moment)
    moment = datetime.datetime(2025, 9, 10, 10, tzinfo=STOCKHOLM)
    closed_request(region=world.region, owner=world.ekn, closed_at=moment)
    made = at_once(
        lambda: services.sweep_follow_up_surveys(RUN), lambda: services.sweep_follow_up_surveys(RUN)
    )
    made.append(services.sweep_follow_up_surveys(RUN))
    assert sum(made) == 16
    assert FollowUpSurvey.objects.count() == 16
    emails = OutboundEmail.objects.filter(key__startswith="follow_up:")
    assert emails.count() == 16 and len(set(emails.values_list("key", flat=True))) == 16


def test_follow_up_rows_race_without_the_lock_and_still_make_one(world):
    """The unique constraint, not only the lock: two makers of the same follow-up (the lock bypassed)."""
    request = closed_request(
        region=world.region, owner=world.almi, closed_at=datetime.datetime(2026, 3, 15, 10, tzinfo=STOCKHOLM)
    )
    from companies.models import Company

    help_ = services.Help(request.company_id, datetime.date(2026, 3, 15), world.region.pk, request.contact_id)

    def make():
        company = Company.objects.prefetch_related("contacts").get(pk=request.company_id)
        return services._make_follow_up(help_, 6, company, world.region.pk)

    for _ in range(5):
        FollowUpSurvey.objects.all().delete()
        OutboundEmail.objects.all().delete()
        assert sorted(at_once(make, make)) == [False, True]
        assert FollowUpSurvey.objects.count() == 1
        assert OutboundEmail.objects.filter(key__startswith="follow_up:").count() == 1
