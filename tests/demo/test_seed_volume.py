"""`seed_volume`: national volume data that looks like what the services write, topped up on a re-run."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max
from django.urls import reverse
from stdnum import luhn

from advisors.access import visible
from advisors.models import Organisation, Region, User
from companies.models import Company, Contact
from demo import volume
from notifications.models import Notification, OutboundEmail
from outreach.models import Activity, Campaign, CampaignMember, FollowUp
from referrals.models import AdviceRequest, CoHandling, ReferenceCounter, Referral, RequestEvent
from tests.module_db import rows_for_this_module

# seed_volume writes with COPY (and drops and rebuilds indexes): PostgreSQL only, as the command says.
pytestmark = pytest.mark.postgres


COMPANIES, REQUESTS = 200, 400


def seed(**sizes) -> str:
    out = StringIO()
    args = [f"--{name.replace('_', '-')}={value}" for name, value in sizes.items()]
    call_command("seed_volume", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock():
            output = seed(companies=COMPANIES, requests=REQUESTS, regions=3, campaigns=3)
        yield output


@pytest.fixture
def data(seeded, db):
    return seeded


def volume_requests():
    return AdviceRequest.objects.filter(idempotency_key__startswith=volume.REQUEST_KEY)


def test_every_state_with_its_timeline(data):
    requests = volume_requests()
    assert requests.count() == REQUESTS
    assert set(requests.values_list("status", flat=True)) == set(AdviceRequest.Status.values)
    assert (
        not requests.filter(events__kind=RequestEvent.Kind.CREATED)
        .values("pk")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert requests.filter(events__kind=RequestEvent.Kind.CREATED).distinct().count() == REQUESTS
    closed = requests.filter(status=AdviceRequest.Status.CLOSED)
    assert not closed.filter(closed_at__isnull=True) and not closed.filter(outcome="")
    assert closed.filter(
        events__kind=RequestEvent.Kind.STATUS_CHANGED, events__data__to="closed"
    ).distinct().count() == (closed.count())
    taken = requests.exclude(status=AdviceRequest.Status.NEW)
    assert not taken.filter(owner_organisation__isnull=True)
    assert not taken.filter(first_response_at__isnull=True)
    assert not requests.filter(status=AdviceRequest.Status.NEW, owner_organisation__isnull=False)
    assert not requests.filter(needs__isnull=True)
    assert Notification.objects.filter(kind="new_request").exists()
    for notification in Notification.objects.filter(kind="new_request")[:20]:
        request = AdviceRequest.objects.get(reference=notification.params["reference"])
        assert notification.params["company"] == request.company.name
    for request in requests.filter(channel=AdviceRequest.Channel.WEB).select_related("company")[:50]:
        assert request.submitted["org_number"] == request.company.org_number
        assert request.submitted["name"] == request.company.name
    assert OutboundEmail.objects.filter(key__startswith="request-confirmation:").count() == REQUESTS


def test_references_unique_well_formed_and_counted(data):
    rows = list(volume_requests().values_list("reference", "year", "number"))
    assert len({reference for reference, _year, _number in rows}) == len(rows)
    for reference, year, number in rows:
        assert re.fullmatch(r"EC-\d{4}-\d{6}", reference)
        assert reference == f"EC-{year}-{number:06d}"
    # The counters went up, so the next request a service makes takes a free number.
    for year, highest in AdviceRequest.objects.values_list("year").annotate(top=Max("number")):
        assert ReferenceCounter.objects.get(year=year).last_number >= highest


def test_companies_valid_and_placed(data):
    companies = Company.objects.filter(org_number__startswith="50")
    assert companies.count() == COMPANIES
    for number in companies.values_list("org_number", flat=True):
        assert len(number) == 10 and luhn.is_valid(number)
    assert Contact.objects.filter(company__in=companies, is_primary=True).count() == COMPANIES
    assert companies.values("sni_code").distinct().count() > 10
    assert companies.values("employee_band").distinct().count() > 3
    for request in volume_requests().select_related("company__municipality", "region", "owner_organisation"):
        assert request.region.counties.filter(code=request.company.municipality.county_id).exists()
        if request.owner_organisation:
            assert request.owner_organisation.regions.filter(pk=request.region_id).exists()


def test_partners_of_every_kind_in_every_region(data):
    for region in Region.objects.filter(slug__startswith="vol-"):
        kinds = set(region.organisations.values_list("kind", flat=True))
        assert {kind for kind, _label, _weight in volume.PARTNER_KINDS} <= kinds
        assert region.operator is not None
        assert User.objects.filter(organisation__regions=region, role=User.Role.REGIONAL_STAFF).exists()


def test_referrals_co_handling_and_outreach(data):
    referrals = Referral.objects.filter(request__idempotency_key__startswith=volume.REQUEST_KEY)
    assert {Referral.Status.ACCEPTED, Referral.Status.DECLINED} <= set(
        referrals.values_list("status", flat=True)
    )
    declined = referrals.filter(status=Referral.Status.DECLINED).values_list("request", flat=True)
    assert referrals.filter(request__in=declined, status=Referral.Status.ACCEPTED).exists()  # re-referred
    for event in RequestEvent.objects.filter(referral__isnull=False).select_related("referral")[:200]:
        assert event.referral.request_id == event.request_id
    for handling in CoHandling.objects.select_related("referral"):
        assert handling.referral.status == Referral.Status.ACCEPTED
        assert handling.referral.scope == Referral.Scope.NEEDS
    assert Campaign.objects.filter(name__startswith="Volym ").count() == 3
    assert CampaignMember.objects.exists()
    assert Activity.objects.count() == REQUESTS // 5
    assert FollowUp.objects.count() == REQUESTS // 10


def test_regional_staff_see_their_region_only(data):
    regions = list(Region.objects.filter(slug__startswith="vol-").order_by("slug"))
    staff = User.objects.get(role=User.Role.REGIONAL_STAFF, organisation__regions=regions[0])
    seen = visible(staff, AdviceRequest.objects.all())
    assert seen.filter(region=regions[0]).exists()
    assert not seen.filter(region=regions[1]).exists()


def test_pages_render_for_regional_staff(data, client):
    staff = User.objects.filter(role=User.Role.REGIONAL_STAFF, email__endswith=".volume.example").first()
    client.force_login(staff)
    request = visible(staff, volume_requests()).filter(referrals__isnull=False).first()
    for url in (
        reverse("referrals:inbox"),
        reverse("referrals:inbox") + "?view=open",
        reverse("referrals:request_detail", args=[request.public_id]),
        reverse("companies:detail", args=[request.company.public_id]),
        reverse("dashboards:dashboard"),
    ):
        assert client.get(url).status_code == 200, url


def test_rerun_tops_up_without_duplicates(data):
    assert "requests: 0 added" in seed(companies=COMPANIES, requests=REQUESTS, regions=3, campaigns=3)
    assert Organisation.objects.filter(slug__startswith="vol-").count() == 3 * len(volume.PARTNER_KINDS)
    seed(companies=COMPANIES + 50, requests=REQUESTS + 100, regions=3, campaigns=3)
    assert Company.objects.filter(org_number__startswith="50").count() == COMPANIES + 50
    assert volume_requests().count() == REQUESTS + 100
    assert volume_requests().values("reference").distinct().count() == REQUESTS + 100
    assert Campaign.objects.filter(name__startswith="Volym ").count() == 3


def _index_definitions() -> set[str]:
    from django.db import connection

    tables = [model._meta.db_table for model in volume.BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
        return {row[0] for row in cursor.fetchall()}


def test_bulk_mode_rebuilds_every_index_it_dropped(data):
    before = _index_definitions()
    dropped = volume.drop_secondary_indexes()
    assert dropped and len(_index_definitions()) == len(before) - len(dropped)
    assert any("request_description_fts" in definition for definition in dropped)
    assert sorted(volume.pending_indexes()) == sorted(dropped)
    volume.create_indexes(dropped)
    assert _index_definitions() == before
    assert volume.pending_indexes() == []


def test_a_run_after_an_interrupted_bulk_load_builds_the_dropped_indexes(data):
    before = _index_definitions()
    volume.drop_secondary_indexes()  # ... and the load was killed before it built them again
    output = seed(companies=COMPANIES, requests=REQUESTS, regions=3, campaigns=3)
    assert "indexes left by an interrupted load" in output
    assert _index_definitions() == before
