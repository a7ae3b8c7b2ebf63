"""The API of what the company pages offer besides the register itself: merging companies
(`POST /api/v1/companies/{id}/merge/`) and the CSV import (`/api/v1/company-imports/`: dry run, apply)."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from advisors.models import User
from companies.models import Company, CompanyImport, Contact
from tests.factories import CompanyFactory, ContactFactory, OrganisationFactory, UserFactory, valid_org_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(uppsala):
    organisation = OrganisationFactory(slug="region-uppsala", regions=[uppsala])
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


@pytest.fixture
def far_staff(other_region, reference_data):
    other_region.counties.add("21")
    organisation = OrganisationFactory(slug="region-gavle", regions=[other_region])
    return UserFactory(email="staff@gavle.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def merge(client, survivor, duplicate, *, version=None, **extra):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.post(
        f"/api/v1/companies/{survivor.public_id}/merge/",
        {"duplicate": str(duplicate.public_id), **extra},
        format="json",
        **headers,
    )


# --- Merging ------------------------------------------------------------------------------------------


def test_regional_staff_merge_a_duplicate(staff):
    survivor = CompanyFactory(name="Alfa AB", website="")
    duplicate = CompanyFactory(name="Alfa Aktiebolag", website="https://alfa.example")
    ContactFactory(company=duplicate, email="anna@alfa.example")

    response = merge(api(staff), survivor, duplicate, version=survivor.version)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["company"]["id"] == str(survivor.public_id)
    assert body["company"]["website"] == "https://alfa.example"
    assert body["moved"]["contacts"] == 1
    survivor.refresh_from_db()
    assert response["ETag"] == f'"{survivor.version}"'
    assert Company.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    assert Contact.objects.get().company_id == survivor.pk


def test_merging_needs_the_version_read(staff):
    survivor, duplicate = CompanyFactory(), CompanyFactory()
    client = api(staff)
    missing = merge(client, survivor, duplicate)
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    stale = merge(client, survivor, duplicate, version=survivor.version + 1)
    assert stale.status_code == 412
    assert merge(client, survivor, duplicate, version=survivor.version, version_field=1).status_code == 200


def test_of_two_merges_from_the_same_read_the_second_is_412(staff):
    survivor, first, second = CompanyFactory(), CompanyFactory(), CompanyFactory()
    read = survivor.version
    client = api(staff)
    assert merge(client, survivor, first, version=read).status_code == 200
    assert merge(client, survivor, second, version=read).status_code == 412
    assert Company.objects.get(pk=second.pk).merged_into_id is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_of_the_same_version_merge_once(staff, is_postgres):
    if not is_postgres:
        pytest.skip("row locks: PostgreSQL")
    survivor, first, second = CompanyFactory(), CompanyFactory(), CompanyFactory()
    read = survivor.version
    statuses = []
    barrier = threading.Barrier(2)

    def run(duplicate):
        try:
            barrier.wait()
            statuses.append(merge(api(staff), survivor, duplicate, version=read).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(duplicate,)) for duplicate in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    assert Company.objects.filter(merged_into=survivor).count() == 1


def test_advisors_may_not_merge(advisor, uppsala):
    survivor, duplicate = CompanyFactory(), CompanyFactory()
    response = merge(api(advisor), survivor, duplicate, version=survivor.version)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert Company.objects.get(pk=duplicate.pk).merged_into_id is None


def test_another_regions_companies_are_404_or_a_field_error(staff, far_staff):
    home = CompanyFactory()
    far = CompanyFactory(municipality_id="2180")
    assert merge(api(staff), far, home, version=far.version).status_code == 404
    response = merge(api(staff), home, far, version=home.version)
    assert response.status_code == 400
    assert "duplicate" in response.json()["errors"]
    assert Company.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.parametrize("duplicate", ["not-a-uuid", "", None])
def test_a_bad_duplicate_is_a_field_error(staff, duplicate):
    survivor = CompanyFactory()
    response = api(staff).post(
        f"/api/v1/companies/{survivor.public_id}/merge/",
        {"duplicate": duplicate, "version": survivor.version},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "duplicate" in response.json()["errors"]


def test_a_company_cannot_be_merged_with_itself_or_twice(staff):
    survivor, duplicate = CompanyFactory(), CompanyFactory()
    itself = merge(api(staff), survivor, survivor, version=survivor.version)
    assert itself.status_code == 400
    assert merge(api(staff), survivor, duplicate, version=survivor.version).status_code == 200
    survivor.refresh_from_db()
    again = merge(api(staff), survivor, duplicate, version=survivor.version)
    assert again.status_code == 400  # a merged company is a tombstone, no longer in the register
    assert "duplicate" in again.json()["errors"]


# --- The CSV import ---------------------------------------------------------------------------------------

HEADER = "org_number,name,municipality,website,contact_name,contact_email"
NUMBER_1, NUMBER_2 = valid_org_number(801), valid_org_number(802)


def csv_file(*lines, name="companies.csv", content_type="text/csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type=content_type)


def upload(client, *lines, **kwargs):
    return client.post("/api/v1/company-imports/", {"file": csv_file(*lines, **kwargs)}, format="multipart")


def test_upload_is_a_dry_run_then_apply_writes_it_once(advisor, uppsala):
    client = api(advisor)
    response = upload(
        client,
        HEADER,
        f"{NUMBER_1},Alfa AB,0380,alfa.example,Anna Alfa,anna@alfa.example",
        f"{NUMBER_2},Beta AB,0380,,,",
    )
    assert response.status_code == 201, response.json()
    preview = response.json()
    assert preview["counts"] == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert preview["can_apply_all"] is True
    assert [row["action"] for row in preview["rows"]] == ["create", "create"]
    assert preview["import"]["status"] == "previewed"
    assert not Company.objects.exists()  # a dry run
    import_id = preview["import"]["id"]

    again = client.get(f"/api/v1/company-imports/{import_id}/")
    assert again.status_code == 200 and again.json()["counts"]["create"] == 2

    applied = client.post(f"/api/v1/company-imports/{import_id}/apply/", {}, format="json")
    assert applied.status_code == 200, applied.json()
    assert applied.json()["status"] == "applied"
    assert applied.json()["summary"]["create"] == 2
    assert Company.objects.count() == 2 and Contact.objects.count() == 1

    twice = client.post(f"/api/v1/company-imports/{import_id}/apply/", {}, format="json")
    assert twice.status_code == 409
    assert twice.json()["code"] == "applied"
    assert Company.objects.count() == 2


def test_rows_with_errors_refuse_the_file_unless_only_valid_rows_are_asked_for(advisor, uppsala):
    client = api(advisor)
    preview = upload(client, HEADER, f"{NUMBER_1},Alfa AB,0380,,,", f"{NUMBER_2},Beta AB,Atlantis,,,").json()
    assert preview["counts"]["error"] == 1
    bad_row = next(row for row in preview["rows"] if row["action"] == "error")
    assert bad_row["line"] == 3 and "municipality" in bad_row["errors"]
    url = f"/api/v1/company-imports/{preview['import']['id']}/apply/"
    refused = client.post(url, {"valid_only": False}, format="json")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"]["non_field_errors"]
    assert not Company.objects.exists()
    assert client.post(url, {"valid_only": True}, format="json").status_code == 200
    assert Company.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "lines"),
    [
        ({"name": "companies.txt", "content_type": "text/plain"}, [HEADER]),
        ({}, ["org_number,name\x00"]),
    ],
)
def test_a_file_that_is_not_a_csv_file_is_a_field_error(advisor, uppsala, kwargs, lines):
    response = upload(api(advisor), *lines, **kwargs)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not CompanyImport.objects.exists()


def test_no_file_is_a_field_error(advisor, uppsala):
    response = api(advisor).post("/api/v1/company-imports/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_header_error_is_reported_in_the_preview(advisor, uppsala):
    preview = upload(api(advisor), "name,colour", "Alfa AB,blue").json()
    assert preview["header_errors"]
    assert preview["can_apply_all"] is False


def test_someone_elses_import_is_404(advisor, uppsala, organisation):
    colleague = UserFactory(organisation=organisation)
    theirs = CompanyImport.objects.create(filename="x.csv", content=HEADER, created_by=colleague)
    client = api(advisor)
    assert client.get(f"/api/v1/company-imports/{theirs.public_id}/").status_code == 404
    assert (
        client.post(f"/api/v1/company-imports/{theirs.public_id}/apply/", {}, format="json").status_code
        == 404
    )
    assert theirs.public_id not in {
        row["id"] for row in client.get("/api/v1/company-imports/").json()["results"]
    }


def test_an_import_outside_ones_regions_is_refused(advisor, far_staff, uppsala):
    preview = upload(api(far_staff), HEADER, f"{NUMBER_1},Alfa AB,0380,,,").json()
    assert preview["counts"]["error"] == 1  # Uppsala is not Gävleborg's
    assert "municipality" in preview["rows"][0]["errors"]


def test_import_list_query_budget(advisor, uppsala, django_assert_max_num_queries):
    for n in range(20):
        CompanyImport.objects.create(filename=f"{n}.csv", content=HEADER, created_by=advisor)
    client = api(advisor)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/company-imports/")
    assert response.json()["count"] == 20
