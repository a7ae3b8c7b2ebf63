"""The service catalogue's pages: an organisation's list, and the forms its lead uses."""

import pytest

from advisors.models import User
from referrals.models import NeedCategory, Service
from referrals.need_categories import seed_need_categories
from tests.advisors.factories import ServiceFactory
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def needs(db):
    seed_need_categories()
    return {need.slug: need for need in NeedCategory.objects.all()}


@pytest.fixture
def lead(organisation):
    return UserFactory(email="lead@almi.example", organisation=organisation, role=User.Role.ORGANISATION_LEAD)


@pytest.fixture
def other_organisation(region):
    return OrganisationFactory(name="Business Sweden", slug="business-sweden", regions=[region])


def list_url(organisation, language=""):
    return f"{language}/advisor/organisations/{organisation.slug}/services/"


def form_data(categories, **overrides):
    return {
        "name_sv": "Exportlån",
        "name_en": "Export loan",
        "description_sv": "Lån till exportföretag.",
        "description_en": "Loans to exporters.",
        "needs": [categories["working-capital"].pk],
        "employee_bands": ["1-4", "5-9"],
        "turnover_classes": ["3", "4"],
        "sni_sections": [],
        "url": "almi.example/exportlan",
        "is_active": "on",
        **overrides,
    }


def test_my_page_links_to_the_organisations_services(client, lead, organisation):
    client.force_login(lead)
    html = client.get("/advisor/").content.decode()
    assert f'href="{list_url(organisation)}"' in html


def test_a_lead_adds_a_service(client, lead, organisation, needs, reference_data):
    client.force_login(lead)
    page = client.get(f"{list_url(organisation)}new/")
    assert page.status_code == 200
    response = client.post(f"{list_url(organisation)}new/", form_data(needs))
    assert response.status_code == 302
    assert response["Location"] == list_url(organisation)
    service = Service.objects.get()
    assert (service.organisation, service.name_en, service.url) == (
        organisation,
        "Export loan",
        "https://almi.example/exportlan",
    )
    assert (service.employee_bands, service.turnover_classes, service.sni_sections) == (
        ["1-4", "5-9"],
        [3, 4],
        [],
    )
    assert list(service.needs.all()) == [needs["working-capital"]]
    listing = client.get(list_url(organisation)).content.decode()
    assert "Exportlån" in listing and "Rörelsekapital och lån" in listing


def test_bad_input_gives_localised_field_errors_not_a_500(client, lead, organisation, needs, reference_data):
    client.force_login(lead)
    response = client.post(
        f"{list_url(organisation)}new/",
        form_data(
            needs,
            name_sv="",
            needs=["not-a-number"],
            employee_bands=["1-5"],
            turnover_classes=["99"],
            sni_sections=["Ö"],
            url="http://",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "name_sv",
        "needs",
        "employee_bands",
        "turnover_classes",
        "sni_sections",
        "url",
    }
    html = response.content.decode()
    assert "Det här fältet är obligatoriskt." in html  # Swedish, the default language
    assert 'href="#id_name_sv"' in html  # the error summary links to the field
    assert 'id="id_turnover_classes_error"' in html
    assert not Service.objects.exists()
    english = client.post(f"{list_url(organisation, '/en')}new/", form_data(needs, name_sv=""))
    assert "This field is required." in english.content.decode()


def test_choosing_no_need_is_an_error(client, lead, organisation, needs, reference_data):
    client.force_login(lead)
    response = client.post(f"{list_url(organisation)}new/", form_data(needs, needs=[]))
    assert response.status_code == 200
    assert "needs" in response.context["form"].errors


def test_a_duplicate_name_is_a_field_error(client, lead, organisation, needs, reference_data):
    ServiceFactory(organisation=organisation, name_sv="Exportlån")
    client.force_login(lead)
    response = client.post(f"{list_url(organisation)}new/", form_data(needs, name_sv="EXPORTLÅN"))
    assert response.status_code == 200
    assert "name_sv" in response.context["form"].errors
    assert Service.objects.count() == 1


def test_a_lead_edits_a_service(client, lead, organisation, needs, reference_data):
    service = ServiceFactory(organisation=organisation, name_sv="Exportlån", needs=[needs["working-capital"]])
    client.force_login(lead)
    url = f"{list_url(organisation)}{service.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="version" value="1"' in page.content.decode()
    response = client.post(url, form_data(needs, name_en="Export loans", version="1", is_active=""))
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name_en, service.is_active, service.version, service.updated_by) == (
        "Export loans",
        False,
        2,
        lead,
    )
    # Switched off, it stays on the lead's list (to switch it on again) but leaves the advisors'.
    assert "Exportlån" in client.get(list_url(organisation)).content.decode()
    client.force_login(UserFactory(email="a@almi.example", organisation=organisation))
    assert "Exportlån" not in client.get(list_url(organisation)).content.decode()


def test_an_edit_based_on_an_old_version_is_refused(client, lead, organisation, needs, reference_data):
    service = ServiceFactory(organisation=organisation, name_sv="Exportlån", needs=[needs["working-capital"]])
    Service.objects.filter(pk=service.pk).update(version=2)  # someone saved in between
    client.force_login(lead)
    response = client.post(f"{list_url(organisation)}{service.pk}/edit/", form_data(needs, version="1"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    service.refresh_from_db()
    assert service.name_en != "Export loan"


def test_advisors_see_the_list_but_not_the_forms(client, advisor, organisation, needs):
    service = ServiceFactory(organisation=organisation, name_sv="Exportlån")
    client.force_login(advisor)
    html = client.get(list_url(organisation)).content.decode()
    assert "Exportlån" in html
    assert f"{list_url(organisation)}new/" not in html
    assert "/edit/" not in html
    assert client.get(f"{list_url(organisation)}new/").status_code == 403
    assert client.post(f"{list_url(organisation)}new/", form_data(needs)).status_code == 403
    assert client.get(f"{list_url(organisation)}{service.pk}/edit/").status_code == 403


def test_a_lead_cannot_maintain_another_organisations_services(client, lead, other_organisation, needs):
    service = ServiceFactory(organisation=other_organisation, name_sv="Marknadsanalys")
    client.force_login(lead)
    assert client.get(list_url(other_organisation)).status_code == 200  # a shared directory
    assert client.get(f"{list_url(other_organisation)}new/").status_code == 403
    assert client.get(f"{list_url(other_organisation)}{service.pk}/edit/").status_code == 403
    # The edit URL names the organisation: another organisation's service is not found under it.
    assert client.get(f"{list_url(lead.organisation)}{service.pk}/edit/").status_code == 404


def test_regional_staff_maintain_services_of_their_regions_partners(
    client, region, other_organisation, needs
):
    staff_organisation = OrganisationFactory(slug="region-uppsala", kind="region", regions=[region])
    staff = UserFactory(email="staff@region.example", organisation=staff_organisation, role="regional_staff")
    client.force_login(staff)
    assert client.get(f"{list_url(other_organisation)}new/").status_code == 200


def test_the_pages_need_a_sign_in(client, organisation):
    response = client.get(list_url(organisation))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_list_query_count_does_not_grow(
    client, lead, organisation, needs, reference_data, django_assert_max_num_queries
):
    client.force_login(lead)
    categories = list(needs.values())
    for _n in range(3):
        ServiceFactory(
            organisation=organisation, needs=categories[:2], employee_bands=["1-4"], turnover_classes=[3]
        )
    with django_assert_max_num_queries(12) as few:
        client.get(list_url(organisation))
    for n in range(30):
        ServiceFactory(
            organisation=organisation, needs=categories[:3], sni_sections=["C"], is_active=n % 2 == 0
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(organisation))
    assert response.content.decode().count("/edit/") == 33


def test_the_admin_edits_services_with_checkboxes_and_counts_versions(
    client, organisation, needs, reference_data
):
    admin = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    service = ServiceFactory(organisation=organisation, name_sv="Exportlån", needs=[needs["working-capital"]])
    client.force_login(admin)
    assert client.get("/admin/referrals/service/").status_code == 200
    page = client.get(f"/admin/referrals/service/{service.pk}/change/").content.decode()
    assert 'type="checkbox" name="employee_bands" value="1-4"' in page
    response = client.post(
        f"/admin/referrals/service/{service.pk}/change/",
        {
            "organisation": organisation.pk,
            "name_sv": "Exportlån",
            "name_en": "Export loan",
            "description_sv": "",
            "description_en": "",
            "url": "",
            "needs": [needs["working-capital"].pk],
            "employee_bands": ["5-9"],
            "turnover_classes": ["4"],
            "sni_sections": ["C"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.employee_bands, service.turnover_classes, service.sni_sections) == (["5-9"], [4], ["C"])
    assert (service.version, service.updated_by) == (2, admin)
