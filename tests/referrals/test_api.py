from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from reference.models import Municipality
from referrals import services
from referrals.models import AdviceRequest
from tests.clock import WORKING_DAY_MORNING
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(advisor):
    client = APIClient()
    client.force_authenticate(advisor)
    return client


def submit(make_submission, n=0, **overrides):
    return services.submit_request(
        submission=make_submission(contact_email=f"p{n}@konsult.example", **overrides)
    )


@pytest.mark.time_machine(WORKING_DAY_MORNING, tick=False)
def test_list_and_detail(api, make_submission, operator):
    request = submit(make_submission)
    listing = api.get("/api/v1/requests/")
    assert listing.status_code == 200
    row = listing.json()["results"][0]
    assert (row["reference"], row["status"], row["company"]["name"]) == (
        request.reference,
        "new",
        "Knivsta Konsult AB",
    )
    assert sorted(row["needs"]) == ["buyer-credit-risk", "market-selection"]
    assert row["target_markets"] == ["DE", "NO"]
    assert row["deadline_state"] == "open"  # came in on Wednesday morning: due by the end of Thursday
    detail = api.get(f"/api/v1/requests/{request.public_id}/")
    assert detail.json()["id"] == str(request.public_id)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "new"}, 2),
        ({"status": "closed"}, 0),
        ({"need": "customs"}, 1),
        ({"target_market": "JP"}, 1),
        ({"municipality": "0330"}, 2),
        ({"county": "03"}, 2),
        ({"q": "Knivsta"}, 2),
        ({"channel": "web"}, 2),
    ],
)
def test_filters(api, make_submission, operator, need_categories, params, expected):
    submit(make_submission, 0)
    submit(make_submission, 1, needs=list(need_categories.filter(slug="customs")), target_markets=["JP"])
    response = api.get("/api/v1/requests/", params)
    assert response.status_code == 200
    assert response.json()["count"] == expected


@pytest.mark.parametrize(
    "params",
    [{"status": "bogus"}, {"need": "no-such-need"}, {"municipality": "9999"}, {"target_market": "ZZ"}],
)
def test_bad_filters_are_400_not_500(api, params, operator):
    assert api.get("/api/v1/requests/", params).status_code == 400


def test_search_by_reference(api, make_submission, operator):
    first, second = submit(make_submission, 0), submit(make_submission, 1)
    assert [
        r["reference"] for r in api.get("/api/v1/requests/", {"q": second.reference}).json()["results"]
    ] == [second.reference]
    assert first.reference != second.reference


def test_other_regions_see_nothing(make_submission, operator):
    request = submit(make_submission)
    stranger = UserFactory(
        organisation=OrganisationFactory(slug="far-api", regions=[RegionFactory(slug="far-api")])
    )
    client = APIClient()
    client.force_authenticate(stranger)
    assert client.get("/api/v1/requests/").json()["count"] == 0
    assert client.get(f"/api/v1/requests/{request.public_id}/").status_code == 404
    assert APIClient().get("/api/v1/requests/").status_code == 403


def test_the_api_is_read_only_for_now(api, make_submission, operator):
    request = submit(make_submission)
    assert api.post("/api/v1/requests/", {}).status_code == 405
    assert api.patch(f"/api/v1/requests/{request.public_id}/", {"status": "closed"}).status_code == 405


def test_deadline_state(make_submission, operator):
    request = submit(make_submission)
    AdviceRequest.objects.filter(pk=request.pk).update(
        first_response_due_at=timezone.now() - timedelta(hours=1)
    )
    request.refresh_from_db()
    assert request.deadline_state == "overdue"
    request.first_response_at = timezone.now()
    assert request.deadline_state == "responded"


def test_list_query_count_does_not_grow(api, make_submission, operator, organisation):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/requests/").status_code == 200
        return len(queries)

    count()  # the first call also caches the advisor's regions on the (reused) user object
    for n in range(3):
        submit(make_submission, n)
    few = count()
    owner = UserFactory(organisation=organisation)
    for n in range(3, 30):
        request = submit(make_submission, n, municipality=Municipality.objects.get(code="0380"))
        services.claim(request=request, advisor=owner)
    assert count() == few
    assert few <= 8


def test_the_list_reads_what_it_shows_of_the_relations(api, make_submission, operator, organisation):
    """The company's id and name, the slugs, the advisor's name and the duplicated request's reference: not
    their whole rows, nor the company's municipality (issue 16)."""
    request = submit(make_submission, 1)
    services.claim(request=request, advisor=UserFactory(organisation=organisation, full_name="Anna Berg"))
    with CaptureQueriesContext(connection) as queries:
        answer = api.get("/api/v1/requests/")
    (page,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "referrals_advicerequest"."id"')]
    assert '"companies_company"."name"' in page and '"advisors_user"."full_name"' in page
    assert '"companies_company"."website"' not in page and '"advisors_user"."password"' not in page
    assert "companies_municipality" not in page
    (row,) = answer.json()["results"]
    assert row["company"] == {"id": str(request.company.public_id), "name": request.company.name}
    assert row["owner_advisor"]["name"] == "Anna Berg" and row["owner_organisation"] == organisation.slug
