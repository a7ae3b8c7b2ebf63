"""Campaigns: a target list from a company filter, frozen into members; members added, removed and moved
along; the campaign pages and /api/v1/campaigns/."""

import pytest
from django.urls import reverse

from companies.services import merge_companies
from outreach import selectors, services
from outreach.models import Campaign, CampaignMember
from reference.models import Municipality, SNICode
from tests.factories import CompanyFactory, OrganisationFactory, RegionFactory, UserFactory
from tests.outreach.factories import ActivityFactory, CampaignFactory, FollowUpFactory

CAMPAIGNS = "/en/advisor/campaigns/"


def sni(section: str) -> SNICode:
    return SNICode.objects.filter(section_id=section).order_by("code").first()


@pytest.fixture
def companies(uppsala):
    """Enköping manufacturers of various sizes and experience, and a few others."""
    enkoping, uppsala_kommun = Municipality.objects.get(code="0381"), Municipality.objects.get(code="0380")

    def make(name, *, municipality=enkoping, section="C", band="10-19", experience="never"):
        return CompanyFactory(
            name=name,
            municipality=municipality,
            sni_code=sni(section),
            employee_band=band,
            export_experience=experience,
        )

    return {
        "match_small": make("Enköping Svets AB", band="10-19"),
        "match_larger": make("Enköping Plåt AB", band="20-49"),
        "too_small": make("Enköping Mikro AB", band="5-9"),
        "too_big": make("Enköping Stor AB", band="50-99"),
        "exporter": make("Enköping Export AB", experience="regularly_few"),
        "services": make("Enköping Konsult AB", section="M"),
        "elsewhere": make("Uppsala Svets AB", municipality=uppsala_kommun),
    }


ENKOPING_FILTER = {
    "sni_section": "C",
    "employee_bands": ["10-19", "20-49"],
    "municipality": "0381",
    "export_experience": "never",
}


def test_the_target_list_is_built_from_a_company_filter(advisor, uppsala, organisation, companies):
    filterset = selectors.target_filter(advisor, ENKOPING_FILTER)
    assert filterset.is_valid(), filterset.errors
    campaign = services.create_campaign(
        by=advisor,
        region=uppsala,
        organisation=organisation,
        name="Exportlyft Enköping",
        goal="Tio behovssamtal",
        starts_on="2026-01-01",
        ends_on="2026-06-30",
        companies=filterset.qs,
        target_filter=ENKOPING_FILTER,
    )
    members = {m.company.name for m in campaign.members.select_related("company")}
    assert members == {"Enköping Svets AB", "Enköping Plåt AB"}
    assert set(campaign.members.values_list("status", flat=True)) == {CampaignMember.Status.TO_CONTACT}
    # The list is frozen: a company that matches later is not added by itself.
    CompanyFactory(
        name="Enköping Ny AB",
        municipality_id="0381",
        sni_code=sni("C"),
        employee_band="10-19",
        export_experience="never",
    )
    assert campaign.members.count() == 2


def test_the_target_list_only_holds_companies_the_creator_may_see(advisor, uppsala, organisation, companies):
    far = RegionFactory(slug="far")
    far.counties.add("21")
    CompanyFactory(
        name="Gävle Svets AB", municipality=Municipality.objects.get(code="2180"), sni_code=sni("C")
    )
    filterset = selectors.target_filter(advisor, {"sni_section": "C"})
    assert "Gävle Svets AB" not in {c.name for c in filterset.qs}


def test_members_are_added_removed_and_added_again(advisor, uppsala, organisation, companies):
    campaign = CampaignFactory(region=uppsala, organisation=organisation)
    services.add_members(
        campaign=campaign,
        companies=CompanyFactory._meta.model.objects.filter(name__startswith="Enköping S"),
        by=advisor,
    )
    assert {m.company.name for m in campaign.members.all()} == {"Enköping Svets AB", "Enköping Stor AB"}
    member = campaign.members.get(company=companies["match_small"])
    services.set_member_status(member=member, status=CampaignMember.Status.MEETING_BOOKED, by=advisor)
    services.remove_member(member=member, by=advisor)
    assert selectors.campaign_members(campaign).count() == 1
    again = services.add_members(
        campaign=campaign, companies=type(member.company).objects.filter(pk=member.company_id), by=advisor
    )
    assert again == 1
    member.refresh_from_db()
    assert member.removed_at is None and member.status == CampaignMember.Status.MEETING_BOOKED


def test_a_too_big_target_list_is_refused(advisor, uppsala, organisation, companies, monkeypatch):
    monkeypatch.setattr(services, "MAX_TARGETS", 3)
    with pytest.raises(services.TooManyTargets):
        services.create_campaign(
            by=advisor,
            region=uppsala,
            organisation=organisation,
            name="Alla",
            goal="",
            starts_on="2026-01-01",
            ends_on="2026-06-30",
            companies=selectors.target_filter(advisor, None).qs,
            target_filter={},
        )
    assert not Campaign.objects.exists()


def test_merging_two_members_of_one_campaign_keeps_one(advisor, uppsala, organisation, companies):
    staff = UserFactory(email="staff@region.example", organisation=organisation, role="regional_staff")
    campaign = CampaignFactory(region=uppsala, organisation=organisation)
    survivor, duplicate = companies["match_small"], companies["match_larger"]
    kept = CampaignMember.objects.create(campaign=campaign, company=survivor)
    gone = CampaignMember.objects.create(campaign=campaign, company=duplicate)
    other = CampaignMember.objects.create(
        campaign=CampaignFactory(region=uppsala, organisation=organisation), company=duplicate
    )
    activity = ActivityFactory(company=duplicate, campaign_member=gone, created_by=advisor)
    follow_up = FollowUpFactory(company=duplicate, campaign_member=gone, owner=advisor)

    merge_companies(survivor=survivor, duplicate=duplicate, by=staff)

    assert not CampaignMember.objects.filter(pk=gone.pk).exists()
    activity.refresh_from_db()
    follow_up.refresh_from_db()
    other.refresh_from_db()
    assert (activity.campaign_member_id, activity.company_id) == (kept.pk, survivor.pk)
    assert (follow_up.campaign_member_id, follow_up.company_id) == (kept.pk, survivor.pk)
    assert other.company_id == survivor.pk


# --- Pages ------------------------------------------------------------------------------------------


def test_create_a_campaign_from_a_filter_with_a_preview(client, advisor, uppsala, organisation, companies):
    client.force_login(advisor)
    form = {
        "name": "Exportlyft Enköping",
        "goal": "Tio behovssamtal",
        "region": uppsala.pk,
        "organisation": organisation.pk,
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        **ENKOPING_FILTER,
    }
    preview = client.post("/en/advisor/campaigns/new/", {**form, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "2 companies match" in html
    assert "Enköping Svets AB" in html and "Enköping Mikro AB" not in html
    assert not Campaign.objects.exists()

    response = client.post("/en/advisor/campaigns/new/", {**form, "create": "1"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/advisor/campaigns/{campaign.public_id}/"
    assert campaign.target_filter == {
        "municipality": "0381",
        "sni_section": "C",
        "employee_bands": ["10-19", "20-49"],
        "export_experience": "never",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Enköping Svets AB" in page and "Enköping Plåt AB" in page and "To contact (2)" in page


def test_the_create_form_explains_its_errors(client, advisor, uppsala, organisation, companies):
    client.force_login(advisor)
    response = client.post(
        "/en/advisor/campaigns/new/",
        {
            "name": "",
            "region": uppsala.pk,
            "organisation": organisation.pk,
            "starts_on": "2026-06-30",
            "ends_on": "2026-01-01",
            "create": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html
    assert "The campaign cannot end before it starts." in html
    assert not Campaign.objects.exists()


def test_an_advisor_cannot_create_for_another_organisation(client, advisor, uppsala, partner, companies):
    client.force_login(advisor)
    response = client.post(
        "/en/advisor/campaigns/new/",
        {
            "name": "X",
            "region": uppsala.pk,
            "organisation": partner.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "create": "1",
        },
    )
    assert response.status_code == 400  # not a choice for an advisor
    assert not Campaign.objects.exists()


def test_member_status_with_htmx_and_without(
    in_english, client, advisor, partner_advisor, uppsala, organisation, companies
):
    campaign = CampaignFactory(region=uppsala, organisation=organisation)
    member = CampaignMember.objects.create(campaign=campaign, company=companies["match_small"])
    url = reverse("outreach:member_status", args=[campaign.public_id, member.pk])
    client.force_login(partner_advisor)  # shared work: another partner of the region records contacts too
    response = client.post(url, {"status": "contacted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="member-{member.pk}"' in response.content.decode()
    assert "Saved: Contacted." in response.content.decode()
    response = client.post(url, {"status": "meeting_booked"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.status_changed_by) == ("meeting_booked", partner_advisor)


def test_only_the_owning_organisation_changes_the_target_list(
    client, advisor, partner_advisor, uppsala, organisation, companies
):
    campaign = CampaignFactory(region=uppsala, organisation=organisation)
    member = CampaignMember.objects.create(campaign=campaign, company=companies["match_small"])
    remove = reverse("outreach:member_remove", args=[campaign.public_id, member.pk])
    client.force_login(partner_advisor)
    assert client.post(remove).status_code == 403
    assert client.get(reverse("outreach:member_add", args=[campaign.public_id])).status_code == 403
    client.force_login(advisor)
    assert client.post(remove).status_code == 302
    member.refresh_from_db()
    assert member.is_removed


def test_add_a_company_found_by_name(in_english, client, advisor, uppsala, organisation, companies):
    campaign = CampaignFactory(region=uppsala, organisation=organisation)
    client.force_login(advisor)
    url = reverse("outreach:member_add", args=[campaign.public_id])
    html = client.post(url, {"q": "Konsult"}).content.decode()
    assert "Enköping Konsult AB" in html and "1 company found" in html
    client.post(url, {"company": str(companies["services"].public_id)})
    assert list(campaign.members.values_list("company__name", flat=True)) == ["Enköping Konsult AB"]


def test_other_regions_do_not_see_the_campaign(client, uppsala, organisation, companies):
    campaign = CampaignFactory(region=uppsala, organisation=organisation)
    far = OrganisationFactory(slug="far", regions=[RegionFactory(slug="far")])
    client.force_login(UserFactory(email="far@far.example", organisation=far))
    assert client.get(reverse("outreach:campaign_detail", args=[campaign.public_id])).status_code == 404
    assert campaign.name not in client.get(CAMPAIGNS).content.decode()


# --- API --------------------------------------------------------------------------------------------


def test_api_creates_a_campaign_from_a_filter(client, advisor, uppsala, organisation, companies):
    client.force_login(advisor)
    response = client.post(
        "/api/v1/campaigns/",
        {"name": "Exportlyft", "starts_on": "2026-01-01", "ends_on": "2026-06-30", "filter": ENKOPING_FILTER},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["member_count"], data["reached_count"], data["organisation"], data["region"]) == (
        2,
        0,
        organisation.slug,
        uppsala.slug,
    )
    members = client.get(f"/api/v1/campaigns/{data['id']}/members/").json()
    assert {row["company"]["name"] for row in members["results"]} == {"Enköping Svets AB", "Enköping Plåt AB"}
    member = members["results"][0]
    patched = client.patch(
        f"/api/v1/campaigns/{data['id']}/members/{member['id']}/",
        {"status": "contacted"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["status"] == "contacted"
    assert client.get(f"/api/v1/campaigns/{data['id']}/").json()["reached_count"] == 1
    assert client.delete(f"/api/v1/campaigns/{data['id']}/members/{member['id']}/").status_code == 204
    added = client.post(
        f"/api/v1/campaigns/{data['id']}/members/",
        {"company": str(companies["services"].public_id)},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["company"]["name"] == "Enköping Konsult AB"


def test_api_refuses_a_bad_filter_and_another_organisation(client, advisor, uppsala, partner, companies):
    client.force_login(advisor)
    bad = client.post(
        "/api/v1/campaigns/",
        {
            "name": "X",
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "filter": {"employee_bands": ["7-8"]},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "filter.employee_bands" in bad.json()["errors"]
    other = client.post(
        "/api/v1/campaigns/",
        {"name": "X", "starts_on": "2026-01-01", "ends_on": "2026-06-30", "organisation": partner.slug},
        content_type="application/json",
    )
    assert other.status_code == 403
    assert not Campaign.objects.exists()
