import pytest
from django.test import Client
from django.urls import reverse

from advisors.models import User
from audit.models import AuditEntry
from demo import audit as demo
from demo import companies as companies_demo
from demo import partners as advisors_demo
from demo import requests as requests_demo


@pytest.mark.django_db
def test_demo_audit_entries_are_idempotent_and_shown_to_the_demo_regional_staff(reference_data):
    advisors_demo.seed()
    companies_demo.seed()
    requests_demo.seed()
    first = demo.seed()
    assert first == demo.seed() == AuditEntry.objects.count() == 6
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"read", "export"}
    client = Client()
    client.force_login(User.objects.get(email="rita.staff@regionuppsala.example"))
    response = client.get(reverse("advisors:audit_log"))
    shown = {entry.pk for entry in response.context["page"].object_list}
    assert set(AuditEntry.objects.filter(details__has_key="demo").values_list("pk", flat=True)) <= shown
