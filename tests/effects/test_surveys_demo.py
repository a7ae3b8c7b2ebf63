"""The surveys' demo data: idempotent, no email, and the Satisfaction page has figures and a suppressed
partner."""

import pytest
from django.utils import timezone

from advisors.models import Region
from dashboards import satisfaction
from dashboards.forms import period_around
from demo import companies as companies_demo
from demo import partners as advisors_demo
from demo import surveys as demo
from effects.models import FollowUpSurvey, SatisfactionSurvey, SurveyStatus
from notifications.models import OutboundEmail


@pytest.mark.django_db
@pytest.mark.usefixtures("midday_today")
def test_demo_surveys_show_figures_and_a_suppressed_partner(
    reference_data, django_capture_on_commit_callbacks
):
    advisors_demo.seed()
    companies_demo.seed()
    with django_capture_on_commit_callbacks(execute=True):
        first = demo.seed()
    with django_capture_on_commit_callbacks(execute=True):
        again = demo.seed()
    assert first == again == SatisfactionSurvey.objects.count() + FollowUpSurvey.objects.count()
    assert SatisfactionSurvey.objects.filter(status=SurveyStatus.ANSWERED).count() == 19
    assert FollowUpSurvey.objects.filter(status=SurveyStatus.ANSWERED).count() == 3
    assert FollowUpSurvey.objects.filter(status=SurveyStatus.SENT).count() == 3
    assert not OutboundEmail.objects.exists()
    region = Region.objects.get(slug="uppsala")
    period = period_around("year", timezone.localdate())
    cells = {str(cell.label): cell for cell in satisfaction.by_partner(region, period)}
    shown = [name for name, cell in cells.items() if not cell.suppressed]
    hidden = [name for name, cell in cells.items() if cell.suppressed]
    assert shown and hidden, cells
