"""The demo's export outcomes: confirmed, waiting and declined, for Uppsala demo companies; idempotent; one
company becomes international this year through a confirmed outcome."""

import pytest
from django.utils import timezone

from companies.models import FlagSource
from demo import companies as companies_demo
from demo import outcomes as demo
from demo import partners as advisors_demo
from effects.models import ExportOutcome


@pytest.mark.django_db
@pytest.mark.usefixtures("midday_today")
def test_demo_outcomes(reference_data):
    advisors_demo.seed()
    companies_demo.seed()
    first = demo.seed()
    assert first == demo.seed() == len(demo.OUTCOMES) == ExportOutcome.objects.count()
    statuses = list(ExportOutcome.objects.values_list("status", flat=True))
    assert (
        statuses.count("confirmed") == 3
        and statuses.count("pending") == 2
        and statuses.count("declined") == 1
    )
    assert {outcome.company.county_id for outcome in ExportOutcome.objects.select_related("company")} == {
        "03"
    }
    new = ExportOutcome.objects.get(description=demo.OUTCOMES[0].description)
    assert new.status == ExportOutcome.Status.CONFIRMED
    company = new.company
    today = timezone.localdate()
    assert company.international_confirmed_on == new.achieved_on
    assert company.international_confirmed_on.year == today.year
    assert company.flags_source == FlagSource.COMPANY_OUTCOME
    assert new.partner_links.exclude(rating=None).count() == 2
