"""The access matrix of the national role (issue 18): a national coordinator sees aggregates only.

In a world holding every kind of object (the whole demo: two regions, companies, contacts, requests,
referrals, outcomes, surveys with free text, campaigns…), the national coordinator:
- sees nothing of any personal or case model through `visible()`, walking EVERY registered policy;
- gets an empty list, a 403 or a 404 from every list endpoint of /api/v1/ (walking the URL conf);
- finds no company, contact, request or free-text answer on any main page or export (403/404 or absent);
- is refused a company's, a request's and a contact's own page.
"""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, reverse
from django.utils import translation

from advisors import access
from advisors.models import User
from tests.module_db import rows_for_this_module

pytestmark = pytest.mark.django_db

# What a national coordinator may see: shared directories, their own things, and the national figures.
ALLOWED = {
    "advisors.Organisation": "the partner directory (organisations, not people)",
    "referrals.Service": "the service catalogue",
    "referrals.NeedCategory": "need categories",
    "advisors.User": "themselves only",
    "advisors.ApiToken": "their own",
    "notifications.Notification": "their own",
    "referrals.SavedView": "their own",
    "outreach.CalendarFeed": "their own",
    "dashboards.NationalSnapshot": "the national figures (aggregates)",
    "reference.CountyPopulation": "official county statistics (public aggregates)",
    "reference.CountyExportStatistic": "official county statistics (public aggregates)",
    "reference.StatisticsImport": "the log of official statistics imports",
}
NEVER = [
    "companies.Company",
    "companies.Contact",
    "referrals.AdviceRequest",
    "referrals.RequestEvent",
    "referrals.Referral",
    "effects.ExportOutcome",
    "effects.SatisfactionSurvey",
    "effects.FollowUpSurvey",
    "outreach.Campaign",
    "outreach.CampaignMember",
    "outreach.Activity",
    "outreach.FollowUp",
    "dashboards.RegionalGoal",
    "audit.AuditEntry",
    "companies.CompanyImport",
]
# API lists that list the allowed models above
API_ALLOWED = {
    "organisations",
    "services",
    "need-categories",
    "tokens",
    "notifications",
    "saved-views",
    "me",
    "counties",  # official county statistics (issue 19)
}


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("seed_demo", "--allow-production", stdout=io.StringIO())
        yield


@pytest.fixture
def nora(module_world, db):
    return User.objects.get(email="nora.national@tillvaxtverket.example")


def _secrets():
    """What must appear nowhere the national role looks: companies, people, references, free text."""
    Company = apps.get_model("companies.Company")
    Contact = apps.get_model("companies.Contact")
    AdviceRequest = apps.get_model("referrals.AdviceRequest")
    texts = set(Company.objects.order_by("pk").values_list("name", flat=True)[:60])
    texts |= set(Contact.objects.exclude(name="").order_by("pk").values_list("name", flat=True)[:60])
    texts |= set(AdviceRequest.objects.order_by("pk").values_list("reference", flat=True)[:60])
    Survey = apps.get_model("effects.SatisfactionSurvey")
    texts |= set(Survey.objects.exclude(comment="").values_list("comment", flat=True))
    return {text for text in texts if text and len(text) > 4}


def test_every_policy_shows_nothing_personal(nora):
    assert nora.is_national and not access.region_ids(nora)
    for label in access.registered_policies():
        model = apps.get_model(label)
        seen = access.visible(nora, model._base_manager.all())
        if label in NEVER or label not in ALLOWED:
            assert not seen.exists(), f"the national role sees {label}"
        elif label == "advisors.User":
            assert list(seen.values_list("pk", flat=True)) == [nora.pk]
    for label in NEVER:  # also those without a policy of their own (closed)
        model = apps.get_model(label)
        assert not access.visible(nora, model._base_manager.all()).exists(), label
    for label in (
        "companies.Company",
        "companies.Contact",
        "referrals.AdviceRequest",
        "effects.ExportOutcome",
    ):
        assert apps.get_model(label)._base_manager.exists(), f"the demo world has no {label}"
    assert access.can(nora, "view", apps.get_model("dashboards.NationalSnapshot"))


def _api_lists(patterns, prefix=""):
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_lists(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
            yield prefix + route


def test_every_api_list_is_empty_or_refused(client, nora):
    from exportcenter import api_urls

    secrets = _secrets()
    client.force_login(nora)
    paths = sorted(set(_api_lists(api_urls.urlpatterns)))
    assert "companies/" in paths and "requests/" in paths and "stats/national/" in paths
    for path in paths:
        if path in ("schema/", "docs/", ""):
            continue
        response = client.get(f"/api/v1/{path}", HTTP_ACCEPT="application/json")
        assert response.status_code in (200, 400, 403, 404, 405), (path, response.status_code)
        if response.status_code != 200:
            continue
        body = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
        text = json.dumps(body, ensure_ascii=False)
        for secret in secrets:
            assert secret not in text, (path, secret)
        if (
            isinstance(body, dict)
            and "results" in body
            and path.rstrip("/").split("/")[-1] not in API_ALLOWED
        ):
            assert body["results"] == [], path


MAIN_PAGES = [
    "worklist:home",
    "referrals:inbox",
    "referrals:unassigned",
    "referrals:referrals",
    "companies:list",
    "companies:export_csv",
    "companies:export_xlsx",
    "outreach:campaigns",
    "outreach:follow_ups",
    "dashboards:dashboard",
    "dashboards:goals",
    "dashboards:satisfaction",
    "privacy:people",
    "advisors:audit_log",
    "advisors:audit_log_export",
    "notifications:list",
    "national:dashboard",
]


def test_main_pages_and_exports_show_nothing_personal(client, nora):
    secrets = _secrets()
    client.force_login(nora)
    with translation.override("en"):
        for name in MAIN_PAGES:
            response = client.get(reverse(name))
            assert response.status_code in (200, 302, 403, 404), (name, response.status_code)
            if response.status_code == 200:
                content = b"".join(response.streaming_content) if response.streaming else response.content
                text = content.decode("utf-8", errors="ignore")
                for secret in secrets:
                    assert secret not in text, (name, secret)
        for table in ("regions", "outcomes", "region-of-the-year"):
            response = client.get(reverse("national:download", args=[table, "csv"]))
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            for secret in secrets:
                assert secret not in text, (table, secret)


def test_object_pages_are_refused(client, nora):
    Company = apps.get_model("companies.Company")
    AdviceRequest = apps.get_model("referrals.AdviceRequest")
    company = Company.objects.order_by("pk").first()
    request = AdviceRequest.objects.order_by("pk").first()
    client.force_login(nora)
    assert client.get(f"/en/companies/{company.public_id}/").status_code in (403, 404)
    assert client.get(f"/en/advisor/requests/{request.public_id}/").status_code in (403, 404)
    assert client.get(f"/api/v1/companies/{company.public_id}/").status_code in (403, 404)
    assert client.get(f"/api/v1/requests/{request.public_id}/").status_code in (403, 404)
