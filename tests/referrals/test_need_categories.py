import pytest

from advisors.models import User
from referrals.models import NeedCategory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(organisation):
    return UserFactory(email="staff@region.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


def test_only_regional_staff_maintain_need_categories(client, advisor, staff, need_categories):
    client.force_login(advisor)
    assert client.get("/en/advisor/needs/").status_code == 403
    assert (
        client.post("/en/advisor/needs/new/", {"name_sv": "X", "name_en": "X", "position": 1}).status_code
        == 403
    )
    assert (
        "/advisor/needs/" not in client.get("/en/advisor/").content.decode()
    )  # not in the navigation either
    client.force_login(staff)
    page = client.get("/en/advisor/needs/")
    assert page.status_code == 200
    assert "Buyer credit risk, getting paid" in page.content.decode()


def test_regional_staff_edit_names_help_and_routing(client, staff, need_categories):
    client.force_login(staff)
    response = client.post(
        "/en/advisor/needs/buyer-credit-risk/",
        {
            "name_sv": "Att få betalt",
            "name_en": "Getting paid",
            "help_sv": "Om kunden inte betalar.",
            "help_en": "If the customer does not pay.",
            "primary_partner_kinds": ["ekn"],
            "secondary_partner_kinds": ["almi"],
            "position": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = NeedCategory.objects.get(slug="buyer-credit-risk")
    assert (category.name_en, category.secondary_partner_kinds) == ("Getting paid", ["almi"])


def test_adding_a_category_gives_it_a_slug_and_bad_input_is_a_field_error(client, staff, need_categories):
    client.force_login(staff)
    bad = client.post(
        "/en/advisor/needs/new/", {"name_sv": "", "name_en": "x" * 200, "primary_partner_kinds": ["nope"]}
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    assert 'id="id_name_sv_error"' in html and 'id="id_primary_partner_kinds_error"' in html
    good = client.post(
        "/en/advisor/needs/new/",
        {
            "name_sv": "Hållbarhet",
            "name_en": "Sustainability",
            "primary_partner_kinds": ["een"],
            "position": 200,
            "is_active": "on",
        },
    )
    assert good.status_code == 302
    assert NeedCategory.objects.get(slug="sustainability").name_sv == "Hållbarhet"
    assert client.get("/en/advisor/needs/no-such-need/").status_code == 404


def test_an_inactive_category_leaves_the_public_form(client, staff, need_categories):
    NeedCategory.objects.filter(slug="trade-fairs").update(is_active=False)
    assert "Trade fairs and delegations" not in client.get("/en/help-me-export/").content.decode()


def test_the_list_query_count_does_not_grow(client, staff, need_categories, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get("/en/advisor/needs/").status_code == 200
    NeedCategory.objects.bulk_create(
        [NeedCategory(slug=f"extra-{n}", name_sv=f"Extra {n}", name_en=f"Extra {n}") for n in range(40)]
    )
    with django_assert_max_num_queries(8):
        assert client.get("/en/advisor/needs/").status_code == 200


def test_the_list_shows_partner_kind_labels_and_marks_the_swedish_names(client, staff, need_categories):
    category = NeedCategory.objects.get(slug="buyer-credit-risk")
    category.primary_partner_kinds = ["business_sweden", "innovation_centre"]
    category.secondary_partner_kinds = ["other"]
    category.save()
    client.force_login(staff)
    html = client.get("/en/advisor/needs/").content.decode()
    assert "Business Sweden, Innovation centre" in html
    assert "<td>Other</td>" in html
    assert "business_sweden" not in html and "innovation_centre" not in html
    assert (
        f'<th scope="row" lang="sv"><a href="/en/advisor/needs/{category.slug}/">{category.name_sv}</a>'
        in html
    )
    swedish = client.get("/advisor/needs/").content.decode()
    assert "Business Sweden, Innovationscenter" in swedish
