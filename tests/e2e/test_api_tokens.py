"""A regional staff member creates an API token, sees it once, uses it, and revokes it."""

import re

from playwright.sync_api import expect
from rest_framework.test import APIClient

from advisors.models import ApiToken

STAFF = "rita.staff@regionuppsala.example"


def test_create_a_token_see_it_once_and_revoke_it(page, demo, sign_in_as, assert_no_axe_violations):
    sign_in_as(STAFF)
    page.goto("/en/advisor/profile/")
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/en/advisor/profile/api-tokens/")
    assert_no_axe_violations(page)

    # A name is required: the error is next to the field.
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#id_name_error")).to_be_visible()
    assert_no_axe_violations(page)  # the error state

    page.get_by_label("Name").fill("CRM integration")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    secret_field = page.get_by_label("Token", exact=True)
    secret = secret_field.input_value()
    assert re.match(r"^ec_[0-9a-f]{8}_\S{43}$", secret)
    assert_no_axe_violations(page)  # the token shown once

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/me/").json()["email"] == STAFF

    page.reload()  # shown once: a new visit has only the list
    page.goto("/en/advisor/profile/api-tokens/")
    assert page.get_by_label("Token", exact=True).count() == 0
    assert secret not in page.content()
    row = page.get_by_role("row", name=re.compile("CRM integration"))
    assert "Read and write" in row.inner_text()
    assert "Never" in row.inner_text() or ApiToken.objects.get().last_used_at is not None

    row.get_by_role("button", name="Revoke CRM integration").click()
    # The answer comes back to this same URL, so a wait on the URL alone passes before it: wait on the row.
    expect(page.get_by_role("row", name=re.compile("CRM integration"))).to_contain_text("Revoked")
    page.wait_for_url("**/en/advisor/profile/api-tokens/")
    assert_no_axe_violations(page)
    assert client.get("/api/v1/me/").status_code == 401
