import pytest

from audit.models import Action as AuditAction
from audit.models import AuditEntry
from demo import companies as companies_demo
from demo import partners as advisors_demo
from demo import privacy as privacy_demo
from demo import requests as requests_demo
from referrals.models import AdviceRequest


@pytest.mark.django_db
def test_one_demo_request_is_on_legal_hold_and_seeding_again_changes_nothing(reference_data):
    advisors_demo.seed()
    companies_demo.seed()
    requests_demo.seed()
    reference = privacy_demo.seed()
    held = AdviceRequest.objects.get(legal_hold=True)
    assert held.reference == reference
    version = held.version
    assert privacy_demo.seed() == reference
    held.refresh_from_db()
    assert held.version == version and AdviceRequest.objects.filter(legal_hold=True).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.LEGAL_HOLD).count() == 1
