"""Canned replies: placeholders (validation and filling in, as plain text), the services, who may see, use and
keep which replies, the management pages (with bad input and their query budget), the request page's offer
(JavaScript or not) and the demo data."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisors import access
from advisors.models import User
from referrals import selectors, services
from referrals.models import CannedReply
from referrals.models.replies import Placeholder, fill, parse, validate_placeholders
from tests.factories import OrganisationFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

REPLIES = "/en/advisor/replies/"
INBOX = "/en/advisor/requests/"


@pytest.fixture
def lead(organisation):
    return UserFactory(
        email="lead@almi.example",
        full_name="Lars Larsson",
        organisation=organisation,
        role=User.Role.ORGANISATION_LEAD,
    )


@pytest.fixture
def staff(region):
    organisation = OrganisationFactory(name="Region Uppsala", slug="region-uppsala", regions=[region])
    return UserFactory(
        email="staff@region.example",
        full_name="Rita Rosén",
        organisation=organisation,
        role=User.Role.REGIONAL_STAFF,
    )


@pytest.fixture
def other_lead(region):
    """The lead of another partner in the same region (EKN)."""
    ekn = OrganisationFactory(name="EKN", slug="ekn", regions=[region])
    return UserFactory(email="lead@ekn.example", organisation=ekn, role=User.Role.ORGANISATION_LEAD)


@pytest.fixture
def far_staff(db):
    far = RegionFactory(name="Exportcenter Gävleborg", slug="gavleborg")
    organisation = OrganisationFactory(name="Region Gävleborg", slug="region-gavleborg", regions=[far])
    return UserFactory(email="staff@gavle.example", organisation=organisation, role=User.Role.REGIONAL_STAFF)


def reply_data(**overrides):
    return {
        "title": "First answer",
        "language": "en",
        "body": "Hello {company}, this is {advisor} at {partner} about {reference}.",
        "is_active": True,
        **overrides,
    }


def org_reply(user, **overrides) -> CannedReply:
    return services.create_canned_reply(by=user, organisation=user.organisation, data=reply_data(**overrides))


def region_reply(user, region, **overrides) -> CannedReply:
    return services.create_canned_reply(by=user, region=region, data=reply_data(**overrides))


def messages_of(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


# --- Placeholders ---------------------------------------------------------------------------------------

VALUES = {
    "company": "Knivsta Konsult AB",
    "reference": "EC-2026-000042",
    "advisor": "Anna",
    "partner": "Almi",
}


def test_every_placeholder_is_filled_in():
    text = "Dear {company} ({reference}),\n{advisor}, {partner}"
    assert fill(text, VALUES) == "Dear Knivsta Konsult AB (EC-2026-000042),\nAnna, Almi"
    validate_placeholders(text)  # no error


def test_doubled_braces_are_braces_and_a_text_without_placeholders_stays_as_it_is():
    assert fill("{{company}} is written {{ and }}", VALUES) == "{company} is written { and }"
    assert fill("No placeholders at all.", VALUES) == "No placeholders at all."
    assert fill("", VALUES) == ""
    validate_placeholders("{{company}} is written {{ and }}")


def test_values_are_plain_text_and_are_not_filled_in_again():
    values = {**VALUES, "company": "{advisor} & <b>Co</b> {{x}}"}
    assert fill("{company}/{advisor}", values) == "{advisor} & <b>Co</b> {{x}}/Anna"


@pytest.mark.parametrize(
    "text, unknown",
    [
        ("Hello {name}", ["name"]),
        ("{company.__class__} {company}", ["company.__class__"]),
        ("{0} {} {Company} { company }", ["0", "", "Company", " company "]),
        ("{företag} and {företag}", ["företag"]),
    ],
)
def test_an_unknown_placeholder_is_refused_and_named(text, unknown, in_english):
    assert list(parse(text).unknown) == unknown
    with pytest.raises(ValidationError) as error:
        validate_placeholders(text)
    message = error.value.messages[0]
    assert all(f"{{{name}}}" in message for name in unknown)
    assert "{company}, {reference}, {advisor}, {partner}" in message
    assert error.value.error_list[0].code == "unknown_placeholder"


@pytest.mark.parametrize("text", ["Hello {company", "Hello company}", "{{company}", "{ {company}", "a {\nb}"])
def test_an_unmatched_brace_is_refused(text, in_english):
    with pytest.raises(ValidationError) as error:
        validate_placeholders(text)
    assert error.value.error_list[-1].code == "unmatched_brace"
    assert "A brace has no partner" in error.value.messages[-1]


def test_the_placeholders_are_the_four_of_the_issue():
    assert Placeholder.values == ["company", "reference", "advisor", "partner"]


# --- Services -------------------------------------------------------------------------------------------


def test_a_lead_adds_an_organisation_reply(lead):
    reply = org_reply(lead)
    assert (reply.scope, reply.organisation, reply.region, reply.version) == (
        "organisation",
        lead.organisation,
        None,
        1,
    )
    assert reply.created_by == reply.updated_by == lead


def test_an_unknown_placeholder_is_a_field_error_of_the_text_and_nothing_is_saved(lead, in_english):
    with pytest.raises(ValidationError) as error:
        org_reply(lead, body="Hello {kompany}")
    assert "Unknown placeholder: {kompany}." in messages_of(error.value, "body")[0]
    assert not CannedReply.objects.exists()


def test_a_title_is_unique_per_owner_and_language_whatever_its_case(lead, other_lead, in_english):
    org_reply(lead, title="Första svar", language="sv")
    with pytest.raises(ValidationError) as error:
        org_reply(lead, title="  FÖRSTA SVAR ", language="sv")
    assert messages_of(error.value, "title") == ["There is already a reply with this title in this language."]
    org_reply(lead, title="Första svar", language="en")  # another language
    org_reply(other_lead, title="Första svar", language="sv")  # another organisation
    assert CannedReply.objects.count() == 3


def test_the_database_refuses_a_second_title_and_a_reply_of_two_owners(lead, region):
    from django.db import IntegrityError, transaction

    reply = org_reply(lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        CannedReply.objects.create(
            scope="organisation",
            organisation=lead.organisation,
            title="FIRST ANSWER",
            language="en",
            body="x",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CannedReply.objects.filter(pk=reply.pk).update(region=region)


def test_a_reply_needs_exactly_one_owner(lead, region):
    with pytest.raises(ValueError):
        services.create_canned_reply(by=lead, data=reply_data())
    with pytest.raises(ValueError):
        services.create_canned_reply(
            by=lead, organisation=lead.organisation, region=region, data=reply_data()
        )


def test_a_change_needs_the_version_read_and_counts_up(lead):
    reply = org_reply(lead)
    changed = services.update_canned_reply(reply=reply, by=lead, data={"title": "Hello"}, expected_version=1)
    assert (changed.title, changed.version) == ("Hello", 2)
    with pytest.raises(services.StaleCannedReply):
        services.update_canned_reply(reply=reply, by=lead, data={"title": "Again"}, expected_version=1)
    unchanged = services.update_canned_reply(
        reply=reply, by=lead, data={"title": "Hello"}, expected_version=2
    )
    assert unchanged.version == 2  # nothing changed: no new version
    with pytest.raises(services.StaleCannedReply):
        services.delete_canned_reply(reply=reply, expected_version=1)
    services.delete_canned_reply(reply=reply, expected_version=2)
    assert not CannedReply.objects.exists()
    with pytest.raises(services.StaleCannedReply):  # deleted by someone else meanwhile
        services.update_canned_reply(reply=reply, by=lead, data={"title": "Late"}, expected_version=2)


# --- Access ---------------------------------------------------------------------------------------------


@pytest.fixture
def world(lead, staff, other_lead, far_staff, advisor, region):
    """Almi's reply, EKN's reply, the home region's shared reply and the far region's shared reply."""
    far_region = far_staff.organisation.regions.get()
    return {
        "almi": org_reply(lead),
        "ekn": org_reply(other_lead),
        "home": region_reply(staff, region),
        "far": region_reply(far_staff, far_region),
    }


@pytest.mark.parametrize(
    "role, sees, keeps",
    [
        ("advisor", {"almi", "home"}, set()),
        ("lead", {"almi", "home"}, {"almi"}),
        ("other_lead", {"ekn", "home"}, {"ekn"}),
        ("staff", {"home"}, {"home"}),
        ("far_staff", {"far"}, {"far"}),
    ],
)
def test_who_sees_and_keeps_which_replies(world, role, sees, keeps, request):
    user = request.getfixturevalue(role)
    names = {reply.pk: name for name, reply in world.items()}
    visible = {
        names[pk] for pk in access.visible(user, CannedReply.objects.all()).values_list("pk", flat=True)
    }
    assert visible == sees
    for name, reply in world.items():
        fresh = CannedReply.objects.get(pk=reply.pk)
        assert access.can(user, "view", fresh) is (name in sees), name
        assert access.can(user, "change", fresh) is (name in keeps), name
        assert access.can(user, "delete", fresh) is (name in keeps), name
    kept = {
        names[pk]
        for pk in access.permitted(user, "change", CannedReply.objects.all()).values_list("pk", flat=True)
    }
    assert kept == keeps


def test_who_may_add_replies_and_for_whom(lead, staff, advisor, region, other_lead):
    assert access.can(lead, "create", CannedReply)
    assert access.can(lead, "create", CannedReply(organisation=lead.organisation))
    assert not access.can(lead, "create", CannedReply(organisation=other_lead.organisation))
    assert not access.can(lead, "create", CannedReply(region=region))
    assert access.can(staff, "create", CannedReply(region=region))
    assert not access.can(staff, "create", CannedReply(organisation=staff.organisation))
    assert not access.can(advisor, "create", CannedReply)
    assert selectors.canned_reply_owners(lead) == [lead.organisation]
    assert selectors.canned_reply_owners(staff) == [region]
    assert selectors.canned_reply_owners(advisor) == []


# --- The management pages -------------------------------------------------------------------------------


def test_the_list_shows_what_one_may_use_and_edit_links_for_what_one_keeps(client, world, lead):
    client.force_login(lead)
    html = client.get(REPLIES).content.decode()
    assert (
        html.count('<th scope="row" lang="en">First answer</th>') == 2
    )  # Almi's and the region's, not EKN's
    assert f"/advisor/replies/{world['almi'].pk}/edit/" in html
    assert f"/advisor/replies/{world['home'].pk}/edit/" not in html
    assert "/advisor/replies/new/" in html


def test_an_advisor_sees_the_list_but_may_not_add(client, world, advisor):
    client.force_login(advisor)
    response = client.get(REPLIES)
    assert response.status_code == 200
    assert "/advisor/replies/new/" not in response.content.decode()
    assert client.get(f"{REPLIES}new/").status_code == 403
    assert client.get(f"{REPLIES}{world['almi'].pk}/edit/").status_code == 403


def test_another_organisations_reply_is_not_found(client, world, lead):
    client.force_login(lead)
    for name in ("ekn", "far"):
        assert client.get(f"{REPLIES}{world[name].pk}/edit/").status_code == 404
        assert client.post(f"{REPLIES}{world[name].pk}/delete/", {"version": 1}).status_code == 404
    assert client.get(f"{REPLIES}{world['home'].pk}/edit/").status_code == 403  # seen, kept by the region
    assert client.get(f"{REPLIES}999999999/edit/").status_code == 404
    assert client.get(f"{REPLIES}99999999999999999999999/edit/").status_code == 404
    assert CannedReply.objects.count() == 4


def test_a_lead_adds_a_reply_an_unknown_placeholder_is_shown_next_to_the_text(client, lead):
    client.force_login(lead)
    page = client.get(f"{REPLIES}new/").content.decode()
    assert 'name="owner"' not in page and 'for=""' not in page  # one owner: nothing to choose
    assert "A reply of Almi Uppsala." in page
    response = client.post(f"{REPLIES}new/", reply_data(body="Hello {namn}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_body_error"' in html
    assert "Unknown placeholder: {namn}." in html
    assert 'aria-invalid="true"' in html
    assert not CannedReply.objects.exists()
    response = client.post(f"{REPLIES}new/", reply_data())
    assert response.status_code == 302
    reply = CannedReply.objects.get()
    assert (reply.organisation, reply.title, reply.created_by) == (lead.organisation, "First answer", lead)


def test_bad_input_is_a_field_error_never_a_500(client, lead):
    client.force_login(lead)
    response = client.post(f"{REPLIES}new/", reply_data(title="x" * 500, body="y" * 5001, language="fi"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_title_error"' in html and 'id="id_body_error"' in html and 'id="id_language_error"' in html
    assert client.post(f"{REPLIES}new/", reply_data(body="a\x00b")).status_code == 400
    assert not CannedReply.objects.exists()


def test_regional_staff_with_two_regions_choose_whose_reply_it_is(client, staff, region, in_english):
    second = RegionFactory(name="Exportcenter Västmanland", slug="vastmanland")
    staff.organisation.regions.add(second)
    client.force_login(staff)
    response = client.post(f"{REPLIES}new/", reply_data())
    assert "Choose whose reply it is." in response.content.decode()
    response = client.post(f"{REPLIES}new/", reply_data(owner=f"region:{second.pk}"))
    assert response.status_code == 302
    assert CannedReply.objects.get().region == second
    unknown = client.post(f"{REPLIES}new/", reply_data(title="Other", owner="organisation:1"))
    assert unknown.status_code == 200 and CannedReply.objects.count() == 1


def test_an_edit_based_on_an_old_version_is_refused_and_keeps_the_text(client, lead, in_english):
    reply = org_reply(lead)
    services.update_canned_reply(reply=reply, by=lead, data={"title": "Changed"}, expected_version=1)
    client.force_login(lead)
    response = client.post(f"{REPLIES}{reply.pk}/edit/", reply_data(title="Mine", version=1))
    html = response.content.decode()
    assert "Someone changed or deleted this reply since you opened it." in html
    assert 'value="Mine"' in html
    assert CannedReply.objects.get().title == "Changed"
    response = client.post(f"{REPLIES}{reply.pk}/edit/", reply_data(title="Mine", version=2))
    assert response.status_code == 302
    assert CannedReply.objects.get().title == "Mine"


def test_a_lead_deletes_a_reply_after_confirming(client, lead):
    reply = org_reply(lead)
    client.force_login(lead)
    page = client.get(f"{REPLIES}{reply.pk}/delete/")
    assert page.status_code == 200 and "First answer" in page.content.decode()
    assert client.post(f"{REPLIES}{reply.pk}/delete/", {"version": "7"}).status_code == 409
    assert client.post(f"{REPLIES}{reply.pk}/delete/", {"version": "x"}).status_code == 409
    assert client.post(f"{REPLIES}{reply.pk}/delete/", {"version": "1"}).status_code == 302
    assert not CannedReply.objects.exists()


def test_the_list_query_count_is_the_same_with_3_and_30_replies(client, lead, staff, region):
    client.force_login(lead)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REPLIES).status_code == 200
        return queries

    for n in range(3):
        org_reply(lead, title=f"Reply {n}")
    few = count()
    for n in range(3, 30):
        if n % 2:
            org_reply(lead, title=f"Reply {n}")
        else:
            region_reply(staff, region, title=f"Reply {n}")
    many = count()
    assert client.get(REPLIES).content.decode().count("<tr>") == 31  # the header and the 30 rows
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


# --- On the request page ------------------------------------------------------------------------------


@pytest.fixture
def owned(make_submission, operator, advisor):
    """A request in English, taken by Almi's advisor Anna Andersson."""
    request = services.submit_request(submission=make_submission(language="en"))
    services.claim(request=request, advisor=advisor)
    request.refresh_from_db()
    return request


def test_the_request_offers_the_replies_in_the_companys_language_filled_in(
    client, owned, lead, staff, region, other_lead, advisor
):
    org_reply(lead, title="Almi in English", body="Dear {company}, {advisor} of {partner} on {reference}.")
    org_reply(lead, title="Almi på svenska", language="sv")
    org_reply(lead, title="Almi switched off", is_active=False)
    region_reply(staff, region, title="The region's", body="Welcome {company} & <co>!")
    org_reply(other_lead, title="EKN's own")
    offered = selectors.canned_replies_for(advisor, owned)
    assert [(reply.title, reply.shared) for reply in offered] == [
        ("Almi in English", False),
        ("The region's", True),
    ]
    assert offered[0].text == f"Dear Knivsta Konsult AB, Anna Andersson of Almi Uppsala on {owned.reference}."
    client.force_login(advisor)
    html = client.get(f"{INBOX}{owned.public_id}/").content.decode()
    assert 'data-canned-replies="id_message_body"' in html
    assert "Almi in English" in html and "The region&#x27;s" in html
    assert "Almi på svenska" not in html and "EKN&#x27;s own" not in html and "switched off" not in html
    assert 'data-text="Welcome Knivsta Konsult AB &amp; &lt;co&gt;!"' in html  # escaped, plain text
    assert "js/canned-replies" in html


def test_without_javascript_a_reply_fills_the_message_box(client, owned, lead, advisor, other_lead):
    reply = org_reply(lead, body="Dear {company}")
    foreign = org_reply(other_lead, title="EKN", body="Not yours")
    client.force_login(advisor)
    html = client.get(f"{INBOX}{owned.public_id}/?reply_template={reply.pk}").content.decode()
    assert "Dear Knivsta Konsult AB</textarea>" in html.split('id="id_message_body"')[1][:400]
    assert "is in the message box" in html
    for bad in (foreign.pk, "x", "1" * 40, ""):
        html = client.get(f"{INBOX}{owned.public_id}/", {"reply_template": bad}).content.decode()
        assert "Not yours" not in html.split('id="id_message_body"')[1][:400]
        assert "Dear" not in html.split('id="id_message_body"')[1][:400]


def test_a_failed_send_keeps_what_was_typed(client, owned, lead, advisor):
    reply = org_reply(lead)
    client.force_login(advisor)
    response = client.post(
        f"{INBOX}{owned.public_id}/message/?reply_template={reply.pk}",
        {"version": 999, "body": "My own words"},
        HTTP_HX_REQUEST="true",
    )
    assert "My own words</textarea>" in response.content.decode()
    assert 'data-canned-replies="id_message_body"' in response.content.decode()


def test_no_replies_for_someone_who_may_not_write(client, owned, lead, other_lead):
    org_reply(other_lead)
    client.force_login(other_lead)  # EKN's lead sees the request of the region but does not handle it
    html = client.get(f"{INBOX}{owned.public_id}/").content.decode()
    assert "data-canned-replies" not in html


def test_a_request_without_replies_says_so_and_a_lead_finds_the_management_page(client, owned, lead):
    client.force_login(lead)
    html = client.get(f"{INBOX}{owned.public_id}/").content.decode()
    assert "There are no canned replies in the company's language (English) yet." in html
    assert 'href="/en/advisor/replies/"' in html


# --- Demo data ------------------------------------------------------------------------------------------


def test_the_demo_replies_are_valid_and_idempotent(reference_data):
    from demo import partners as partners_demo
    from demo import replies as replies_demo

    partners_demo.seed()
    assert replies_demo.seed() == replies_demo.seed() == CannedReply.objects.count() == 8
    for reply in CannedReply.objects.all():
        reply.full_clean()
    assert set(CannedReply.objects.values_list("language", flat=True)) == {"sv", "en"}
    assert CannedReply.objects.filter(scope="region", region__slug="uppsala").count() == 2


# --- Admin ----------------------------------------------------------------------------------------------


def test_the_admin_refuses_unknown_placeholders_and_two_owners_and_counts_versions(
    client, organisation, region, in_english
):
    admin = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/referrals/cannedreply/").status_code == 200
    form = {
        "scope": "organisation",
        "organisation": organisation.pk,
        "region": "",
        "title": "First answer",
        "language": "en",
        "body": "Hello {firma}",
        "is_active": "on",
    }
    response = client.post("/admin/referrals/cannedreply/add/", form)  # the admin speaks Swedish
    assert response.status_code == 200 and "Okänd platshållare: {firma}." in response.content.decode()
    response = client.post("/admin/referrals/cannedreply/add/", {**form, "body": "Hi", "region": region.pk})
    assert "En svarsmall tillhör antingen en organisation eller en region." in response.content.decode()
    assert (
        client.post("/admin/referrals/cannedreply/add/", {**form, "body": "Hi {company}"}).status_code == 302
    )
    reply = CannedReply.objects.get()
    assert (reply.created_by, reply.version) == (admin, 1)
    assert (
        client.post(f"/admin/referrals/cannedreply/{reply.pk}/change/", {**form, "body": "Hej"}).status_code
        == 302
    )
    reply.refresh_from_db()
    assert (reply.body, reply.version, reply.updated_by) == ("Hej", 2, admin)
    assert client.get(f"/en/advisor/replies/{reply.pk}/edit/").status_code == 200  # a superuser keeps any
    assert client.get("/en/advisor/replies/new/").status_code == 200
