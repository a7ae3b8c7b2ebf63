"""Importing official statistics through the page: upload, dry-run preview, confirm (issue 19). Nothing is
written before the confirmation or while any row has an error; the confirmation imports exactly the file
previewed (a tampered, foreign, reused or missing token is refused with an error, never a 500)."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from advisors.models import User
from dashboards.cache import GLOBAL_STAMP
from reference import pxweb
from reference.models import CountyExportStatistic, StatisticsImport
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/en/advisor/statistics/import/"
GOOD = (
    '"Varuhandel efter region och år"\n\n"region";"år";"Varuexport, mnkr";"Exporterande SME"\n'
    '"03 Uppsala län";"2023";"57 131,8";"563"\n"03 Uppsala län";"2024";"59 823,9";".."\n'
).encode("cp1252")


def _upload(client, content=GOOD, **fields):
    data = {
        "step": "preview",
        "kind": "trade",
        "source": "SCB",
        "table": "HA0201",
        "vintage": "2025-03-01",
        "file": SimpleUploadedFile("trade.csv", content, content_type="text/csv"),
        **fields,
    }
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def staff_client(client, dash):
    client.force_login(dash.staff)
    return client


def test_preview_then_confirm(staff_client, dash, django_capture_on_commit_callbacks):
    response = _upload(staff_client)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-status="new"') == 2 and "missing" in html  # ".." shown as missing
    assert not CountyExportStatistic.objects.exists() and not StatisticsImport.objects.exists()
    before = cache.get(GLOBAL_STAMP)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = staff_client.post(URL, {"step": "confirm", "token": _token(response)})
    assert confirmed.status_code == 302
    assert cache.get(GLOBAL_STAMP) not in (None, before)  # the national snapshots are stale now
    assert CountyExportStatistic.objects.count() == 2
    log = StatisticsImport.objects.get()
    assert (log.kind, log.source, log.table, str(log.vintage), log.file_name) == (
        "trade",
        "SCB",
        "HA0201",
        "2025-03-01",
        "trade.csv",
    )
    assert "staff@region.example" in log.imported_by and log.created == 2
    page = staff_client.get(URL).content.decode()
    assert "HA0201" in page and "Imported: 2 new" in page
    # The same file again: unchanged rows, and confirming updates without duplicating.
    again = _upload(staff_client)
    assert again.content.decode().count('data-status="unchanged"') == 2
    staff_client.post(URL, {"step": "confirm", "token": _token(again)})
    assert CountyExportStatistic.objects.count() == 2 and StatisticsImport.objects.count() == 2


def test_a_double_submit_imports_once(staff_client):
    token = _token(_upload(staff_client))
    assert staff_client.post(URL, {"step": "confirm", "token": token}).status_code == 302
    second = staff_client.post(URL, {"step": "confirm", "token": token})
    assert second.status_code == 400 and "already imported or has expired" in second.content.decode()
    assert StatisticsImport.objects.count() == 1


def test_a_tampered_or_foreign_token_is_refused(staff_client, dash, client):
    token = _token(_upload(staff_client))
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "", "x\x00", "a" * 5000):
        response = staff_client.post(URL, {"step": "confirm", "token": bad})
        assert response.status_code == 400, bad[:20]
    other = UserFactory(organisation=dash.almi, role=User.Role.REGIONAL_STAFF)
    client.force_login(other)
    response = client.post(URL, {"step": "confirm", "token": token})
    assert response.status_code == 400 and "does not match a preview" in response.content.decode()
    assert not CountyExportStatistic.objects.exists()


def test_rows_with_errors_are_shown_and_nothing_can_be_confirmed(staff_client):
    bad = GOOD + '"99 Ingenstans";"2024";"1";"2"\n"03 Uppsala län";"";"1";"-2"\n'.encode()
    response = _upload(staff_client, content=bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('data-status="error"') == 2 and html.count('data-status="new"') == 2
    assert "99 is not a county code" in html and "The year is missing" in html and "negative" in html
    assert 'name="token"' not in html and "The file has errors" in html
    assert not CountyExportStatistic.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"vintage": ""}, "vintage"),
        ({"vintage": "2999-01-01"}, "vintage"),
        ({"vintage": "not a date"}, "vintage"),
        ({"kind": "weather"}, "kind"),
        ({"source": ""}, "source"),
        ({"source": "SCB\x00"}, None),  # refused before the form (exportcenter.bad_input): 400
        ({"table": "x" * 101}, "table"),
        ({"file": None}, "file"),
    ],
)
def test_bad_input_gives_field_errors(staff_client, fields, field):
    response = _upload(staff_client, **fields)
    assert response.status_code == 400
    if field:
        assert f'id="id_{field}_error"' in response.content.decode()
    assert not StatisticsImport.objects.exists()


def test_bad_files_give_errors_never_a_500(staff_client):
    for content, message in [
        (b"\x00\x01binary", "NUL bytes"),
        (b"no semicolons here", "No semicolons"),
        (b"x" * (pxweb.MAX_BYTES + 1), "larger than"),
        (b"", "empty"),
    ]:
        response = _upload(staff_client, content=content)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message


def test_who_may_import(client, dash):
    for user, status in [(dash.advisor, 403), (dash.lead, 403), (dash.staff, 200)]:
        client.force_login(user)
        assert client.get(URL).status_code == status
    nora = UserFactory(organisation=OrganisationFactory(slug="tvv"), role=User.Role.NATIONAL)
    client.force_login(nora)
    assert client.get(URL).status_code == 200
    client.force_login(dash.advisor)
    assert _upload(client).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_import_log_stays_within_its_query_budget(staff_client, django_assert_max_num_queries):
    for n in range(30):
        StatisticsImport.objects.create(
            kind="trade", source="SCB", vintage="2025-01-01", file_name=f"{n}.csv", imported_by="x"
        )
    staff_client.get(URL)
    with django_assert_max_num_queries(8):
        assert staff_client.get(URL).status_code == 200
