"""The search page, its CSV export and /api/v1/audit/: filters, errors, access and query budgets."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from audit.services import Action, record
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("advisors:audit_log")
EXPORT_URL = reverse("advisors:audit_log_export")


@pytest.fixture
def log(staff, advisor, company):
    """Reads and an export by the advisor, a read by staff, one older entry and one of another region."""
    colleague = UserFactory(
        email="olle@almi.example", full_name="Olle Olsson", organisation=advisor.organisation
    )
    record(Action.READ, actor=advisor, obj=company)
    record(Action.EXPORT, actor=advisor, export="companies.csv", rows=3)
    record(Action.READ, actor=colleague, obj=company)
    record(Action.READ, actor=staff, obj=staff.organisation)
    old = AuditEntry.objects.create(action=Action.READ, actor=advisor, at=timezone.now() - timedelta(days=40))
    far = UserFactory(organisation=OrganisationFactory(slug="far"))
    far_entry = record(Action.SIGN_IN, actor=far)
    home = set(AuditEntry.objects.exclude(pk=far_entry.pk).values_list("pk", flat=True))
    return {"colleague": colleague, "old": old, "far": far_entry, "home": home}


def _rows(response):
    return list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )


def test_regional_staff_search_by_person(client, staff, log):
    client.force_login(staff)
    response = client.get(URL, {"person": "olle"})
    assert response.status_code == 200
    assert [e.actor_label for e in response.context["page"].object_list] == ["olle@almi.example"]
    assert "Olle Olsson" in response.content.decode()


def test_search_by_object_accepts_the_id_as_it_appears_in_an_address(client, staff, log, company):
    client.force_login(staff)
    response = client.get(URL, {"object_type": "companies.company", "object_id": str(company.public_id)})
    assert {e.actor_label for e in response.context["page"].object_list} == {
        "advisor@almi.example",
        "olle@almi.example",
    }


def test_search_by_action_and_period(client, staff, log):
    client.force_login(staff)
    today = timezone.localdate()
    response = client.get(URL, {"action": "export", "since": today, "until": today})
    assert [e.details["export"] for e in response.context["page"].object_list] == ["companies.csv"]
    earlier = today - timedelta(days=40)
    response = client.get(URL, {"since": earlier, "until": earlier})
    assert [e.pk for e in response.context["page"].object_list] == [log["old"].pk]


def test_entries_of_another_region_are_not_shown(client, staff, log):
    client.force_login(staff)
    shown = {e.pk for e in client.get(URL).context["page"].object_list}
    assert log["home"] <= shown
    assert log["far"].pk not in shown


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-05-02", "until": "2026-05-01"}, "until"),
        ({"since": "not a date"}, "since"),
        ({"action": "dance"}, "action"),
        ({"object_id": "x" * 65}, "object_id"),
    ],
)
def test_bad_filters_answer_400_with_the_error_next_to_the_field(client, staff, log, params, field):
    client.force_login(staff)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.context["filter"].form.errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()


def test_the_page_is_in_english_too(client, staff, in_english):
    client.force_login(staff)
    response = client.get("/en" + URL)
    assert response.status_code == 200
    assert "Search the log" in response.content.decode()


@pytest.mark.parametrize("role", ["advisor", "lead"])
def test_advisors_and_leads_may_not_search_the_log(client, advisor, role):
    if role == "lead":
        advisor.role = "organisation_lead"
        advisor.save()
    client.force_login(advisor)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403


def test_the_export_holds_the_filtered_entries_and_is_itself_recorded(client, staff, log):
    client.force_login(staff)
    response = client.get(EXPORT_URL, {"person": "advisor@almi.example"})
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0][:3] == ["När", "Vem", "Åtgärd"]
    assert [row[1] for row in rows[1:]] == ["advisor@almi.example"] * 3
    export = AuditEntry.objects.filter(action=Action.EXPORT, actor=staff).get()
    assert export.details == {"export": "audit_log", "filter": {"person": "advisor@almi.example"}, "rows": 3}
    # The export shows up in the log it exported, for the next search.
    assert client.get(URL, {"person": "rita"}).context["page"].object_list[0].pk == export.pk


def test_the_export_neutralises_formulas(client, staff, company):
    record(Action.READ, actor=staff, actor_label='=HYPERLINK("http://x")', obj=company)
    client.force_login(staff)
    rows = _rows(client.get(EXPORT_URL, {"action": "read"}))
    assert rows[1][1].startswith("'=")


def test_the_list_page_has_a_query_budget(client, staff, company, django_assert_max_num_queries):
    people = [UserFactory(organisation=staff.organisation) for _ in range(10)]
    for n in range(60):
        record(Action.READ, actor=people[n % 10], obj=company)
    client.force_login(staff)
    client.get(URL)  # warm the session and the user's caches
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 50


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def test_the_api_lists_and_filters_the_entries_of_the_region(api, log, company):
    response = api.get("/api/v1/audit/", {"person": "olle"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["actor"]["name"] == "Olle Olsson"
    assert (row["action"], row["object_type"], row["object_id"]) == (
        "read",
        "companies.company",
        company.public_id.hex,
    )
    assert api.get(f"/api/v1/audit/{row['id']}/").json()["actor_label"] == "olle@almi.example"
    assert api.get("/api/v1/audit/").json()["count"] == 5
    assert api.get("/api/v1/audit/", {"since": "2026-05-02", "until": "2026-05-01"}).status_code == 400


def test_the_api_is_read_only_and_hides_other_regions_entries(api, log):
    far = AuditEntry.objects.get(action=Action.SIGN_IN)
    assert api.get(f"/api/v1/audit/{far.pk}/").status_code == 404
    mine = AuditEntry.objects.filter(actor__isnull=False).first()
    assert api.delete(f"/api/v1/audit/{mine.pk}/").status_code == 405
    assert api.patch(f"/api/v1/audit/{mine.pk}/", {"actor_label": "x"}).status_code == 405
    assert api.post("/api/v1/audit/", {}).status_code == 405


def test_the_api_refuses_advisors(advisor, log):
    client = APIClient()
    client.force_authenticate(advisor)
    assert client.get("/api/v1/audit/").status_code == 403
    assert APIClient().get("/api/v1/audit/").status_code in (401, 403)


def test_the_api_list_has_a_query_budget(api, staff, company, django_assert_max_num_queries):
    people = [UserFactory(organisation=staff.organisation) for _ in range(10)]
    for n in range(60):
        record(Action.READ, actor=people[n % 10], obj=company)
    api.get("/api/v1/audit/")
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/audit/")
    assert len(response.json()["results"]) == 50


def test_the_admin_is_read_only(client, log):
    admin = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    entry = AuditEntry.objects.first()
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    ).status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("role", "page", "api_list"),
    [
        ("anonymous", 302, 403),
        ("advisor", 403, 403),
        ("lead", 403, 403),
        ("regional_staff", 200, 200),
        ("other_region_staff", 200, 200),
        ("superuser", 200, 200),
    ],
)
def test_who_may_open_the_page_the_export_and_the_api(client, staff, advisor, log, role, page, api_list):
    from advisors.models import User

    people = {
        "advisor": advisor,
        "lead": UserFactory(organisation=advisor.organisation, role=User.Role.ORGANISATION_LEAD),
        "regional_staff": staff,
        "other_region_staff": UserFactory(
            organisation=OrganisationFactory(slug="far-region", regions=[RegionFactory(slug="far-away")]),
            role=User.Role.REGIONAL_STAFF,
        ),
        "superuser": UserFactory(organisation=None, is_superuser=True, is_staff=True),
    }
    api_client = APIClient()
    if role in people:
        client.force_login(people[role])
        api_client.force_authenticate(people[role])
    assert client.get(URL).status_code == page
    assert client.get(EXPORT_URL).status_code == page
    response = api_client.get("/api/v1/audit/")
    assert response.status_code == api_list or (role == "anonymous" and response.status_code == 401)
    if page == 200:
        shown = {e.pk for e in client.get(URL).context["page"].object_list}
        if role == "regional_staff":
            assert log["home"] <= shown and log["far"].pk not in shown
        elif role == "other_region_staff":
            assert not shown & {*log["home"], log["far"].pk}
        else:
            assert {*log["home"], log["far"].pk} <= shown
