"""Sign-in lockout (django-axes): per username and client address, the same answer for unknown users,
on the portal's sign-in, /admin/ and the API; regional staff lift it; all of it in the audit log."""

import json
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from advisors import access, lockout
from advisors.models import Organisation, User
from audit.models import Action, AuditEntry
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory

LIMIT = 5


@pytest.fixture(autouse=True)
def _lockout_settings(settings):
    settings.TWO_FACTOR_REQUIRED = False  # staff reach their pages without setting up a second factor
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_MINUTES = 30
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)


def sign_in(client, email, password=TEST_PASSWORD, path="/login/", **headers):
    return client.post(path, {"username": email, "password": password}, **headers)


def fail(client, email, times, **headers):
    return [sign_in(client, email, "wrong-password", **headers) for _ in range(times)]


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


def test_the_limit_th_failure_locks_out_and_then_even_the_right_password_is_refused(client, advisor):
    answers = fail(client, advisor.email, LIMIT)
    assert [answer.status_code for answer in answers] == [200] * (LIMIT - 1) + [429]
    refused = sign_in(client, advisor.email)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30 * 60
    assert "_auth_user_id" not in client.session
    assert "30 minuter" in refused.content.decode()  # Swedish by default
    english = sign_in(client, advisor.email, path="/en/login/")
    assert "paused for 30 minutes" in english.content.decode()


def test_fewer_failures_then_the_right_password_signs_in_and_clears_the_count(client, advisor):
    fail(client, advisor.email, LIMIT - 1)
    assert sign_in(client, advisor.email).status_code == 302
    client.logout()
    fail(client, advisor.email, LIMIT - 1)  # the success reset the count (AXES_RESET_ON_SUCCESS)
    assert sign_in(client, advisor.email).status_code == 302


def test_an_unknown_address_gets_exactly_the_same_answers(client, advisor):
    known = [*fail(client, advisor.email, LIMIT), sign_in(client, advisor.email)]
    unknown = [*fail(client, "nobody@almi.example", LIMIT), sign_in(client, "nobody@almi.example")]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.get("Retry-After") for r in known] == [r.get("Retry-After") for r in unknown]
    for known_answer, unknown_answer in zip(known, unknown, strict=True):
        assert _without_tokens(known_answer.content.decode()) == _without_tokens(
            unknown_answer.content.decode()
        ).replace("nobody@almi.example", advisor.email)


def test_case_and_spaces_do_not_make_a_new_username(client, advisor):
    fail(client, advisor.email, 2)
    fail(client, advisor.email.upper(), 2)
    assert sign_in(client, f"  {advisor.email.title()} ", "wrong").status_code == 429
    assert AccessAttempt.objects.values("username").distinct().count() == 1


def test_the_lockout_is_per_address_behind_the_trusted_proxy(client, advisor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    fail(client, advisor.email, LIMIT, **attacker)
    assert sign_in(client, advisor.email, **attacker).status_code == 429
    # The same proxy (REMOTE_ADDR), another client: not locked out.
    assert sign_in(client, advisor.email, **colleague).status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_the_cool_off_ends_the_lockout(client, advisor, time_machine):
    time_machine.move_to("2026-03-02 09:00 +01:00")
    fail(client, advisor.email, LIMIT)
    time_machine.move_to("2026-03-02 09:29 +01:00")
    assert sign_in(client, advisor.email).status_code == 429
    time_machine.move_to("2026-03-02 10:00 +01:00")  # a refusal during the lockout restarted the cool-off
    assert sign_in(client, advisor.email).status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client, db):
    root = UserFactory(email="root@example.org", organisation=None, is_superuser=True, is_staff=True)
    for _ in range(LIMIT - 1):
        assert sign_in(client, root.email, "wrong", path="/admin/login/").status_code == 200
    assert sign_in(client, root.email, "wrong", path="/admin/login/").status_code == 429
    refused = sign_in(client, root.email, path="/admin/login/")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_api_answers_a_lockout_in_problem_details():
    request = RequestFactory().post("/api/v1/auth/", HTTP_ACCEPT_LANGUAGE="en")
    response = lockout.lockout_response(request, None, {"username": "x@example.org"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(30 * 60)
    body = json.loads(response.content)
    assert body["status"] == 429 and body["code"] == "locked_out"


def test_force_login_and_server_side_authenticate_still_work(client, advisor):
    from django.contrib.auth import authenticate

    assert authenticate(username=advisor.email, password=TEST_PASSWORD) == advisor  # no request: no lockout
    client.force_login(advisor)
    assert client.get("/advisor/").status_code == 200


# --- The audit log ------------------------------------------------------------------------------------


def test_sign_in_failure_lockout_and_sign_out_are_audited(client, advisor):
    fail(client, advisor.email.upper(), LIMIT)
    sign_in(client, advisor.email)  # refused: locked out
    failures = AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED)
    assert failures.count() == LIMIT + 1
    assert set(failures.values_list("actor_label", flat=True)) == {advisor.email}
    assert not failures.exclude(actor=None).exists()  # the typed address is not looked up
    locked = AuditEntry.objects.get(action=Action.LOCKED_OUT)
    assert (locked.actor_label, locked.ip_address, locked.path) == (advisor.email, "127.0.0.1", "/login/")

    AccessAttempt.objects.all().delete()
    sign_in(client, advisor.email)
    signed_in = AuditEntry.objects.get(action=Action.SIGN_IN)
    assert signed_in.actor == advisor
    client.post("/logout/")
    assert AuditEntry.objects.get(action=Action.SIGN_OUT).actor == advisor


# --- Regional staff lift a lockout --------------------------------------------------------------------


@pytest.fixture
def staff(region):
    centre = OrganisationFactory(slug="ec-uppsala", kind=Organisation.Kind.REGION, regions=[region])
    return UserFactory(email="staff@ec.example", organisation=centre, role=User.Role.REGIONAL_STAFF)


@pytest.fixture
def far_advisor(other_region):
    return UserFactory(
        email="advisor@far.example", organisation=OrganisationFactory(slug="far", regions=[other_region])
    )


def test_staff_see_the_lockouts_of_their_region_only(client, advisor, staff, far_advisor):
    for email in (advisor.email, far_advisor.email, "nobody@almi.example"):
        fail(client, email, LIMIT)
    fail(client, staff.email, LIMIT - 1)  # not locked out yet
    client.force_login(staff)
    page = client.get("/advisor/lockouts/")
    html = page.content.decode()
    assert page.status_code == 200
    assert advisor.email in html
    assert far_advisor.email not in html
    assert "nobody@almi.example" not in html
    assert staff.email not in html
    assert f'action="/advisor/lockouts/{advisor.pk}/unlock/"' in html


def test_staff_unlock_a_person_who_can_then_sign_in(client, advisor, staff):
    fail(client, advisor.email, LIMIT)
    assert sign_in(client, advisor.email).status_code == 429
    client.force_login(staff)
    assert client.get(f"/advisor/lockouts/{advisor.pk}/unlock/").status_code == 405
    response = client.post(f"/advisor/lockouts/{advisor.pk}/unlock/", follow=True)
    assert response.redirect_chain[-1][0] == "/advisor/lockouts/"
    assert advisor.email not in response.content.decode().split("<main")[-1].split('role="alert"')[0]
    entry = AuditEntry.objects.get(action=Action.UNLOCKED)
    assert (entry.actor, entry.object_type, entry.object_id) == (staff, "advisors.user", str(advisor.pk))
    assert entry.details == {"addresses": ["127.0.0.1"]}
    client.logout()
    assert sign_in(client, advisor.email).status_code == 302


@pytest.mark.parametrize("who", ["advisor", "lead", "other_region_staff"])
def test_only_staff_of_the_persons_region_may_unlock(client, advisor, staff, other_region, who):
    fail(client, advisor.email, LIMIT)
    if who == "advisor":
        user = UserFactory(email="colleague@almi.example", organisation=advisor.organisation)
    elif who == "lead":
        user = UserFactory(
            email="lead@almi.example", organisation=advisor.organisation, role=User.Role.ORGANISATION_LEAD
        )
    else:
        far = OrganisationFactory(slug="far-centre", kind=Organisation.Kind.REGION, regions=[other_region])
        user = UserFactory(email="staff@far.example", organisation=far, role=User.Role.REGIONAL_STAFF)
    client.force_login(user)
    assert client.post(f"/advisor/lockouts/{advisor.pk}/unlock/").status_code == 403
    assert AccessAttempt.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.UNLOCKED).exists()
    assert client.get("/advisor/lockouts/").status_code == (200 if who == "other_region_staff" else 403)


def test_staff_may_not_unlock_a_superuser(staff, db):
    root = UserFactory(email="root@example.org", organisation=staff.organisation, is_superuser=True)
    assert not access.can(staff, access.Action.UNLOCK, root)


def test_unlocking_an_unknown_person_is_a_404(client, staff):
    client.force_login(staff)
    assert client.post("/advisor/lockouts/999999/unlock/").status_code == 404


def test_the_lockouts_page_has_a_query_budget(client, staff, organisation, django_assert_max_num_queries):
    for n in range(12):
        person = UserFactory(email=f"p{n}@almi.example", organisation=organisation)
        for address in ("192.0.2.1", "192.0.2.2"):
            AccessAttempt.objects.create(
                username=person.email,
                ip_address=address,
                user_agent="test",
                failures_since_start=LIMIT,
                get_data="",
                post_data="",
                http_accept="*/*",
                path_info="/login/",
            )
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        page = client.get("/advisor/lockouts/")
    assert page.content.decode().count('/unlock/"') == 12


def test_an_old_lockout_is_not_listed(client, staff, advisor, time_machine):
    time_machine.move_to("2026-03-02 09:00 +01:00")
    fail(client, advisor.email, LIMIT)
    time_machine.move_to("2026-03-02 09:31 +01:00")
    assert lockout.current_lockouts(staff) == []


def test_a_password_based_api_authentication_would_be_locked_out_too(rf, advisor):
    """The API signs in with a session or a personal token; should a password-based authentication class
    ever be added, axes (an authentication backend) covers it as it covers the pages."""
    import base64

    from rest_framework.authentication import BasicAuthentication
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Probe(APIView):
        authentication_classes = [BasicAuthentication]
        permission_classes = [IsAuthenticated]

        def get(self, request):
            return Response({"ok": True})

    def call(password):
        token = base64.b64encode(f"{advisor.email}:{password}".encode()).decode()
        return Probe.as_view()(rf.get("/api/v1/probe/", HTTP_AUTHORIZATION=f"Basic {token}"))

    assert call(TEST_PASSWORD).status_code == 200
    assert [call("wrong").status_code for _ in range(LIMIT)] == [401] * LIMIT
    assert call(TEST_PASSWORD).status_code == 401  # the right password, refused while locked out
    assert AccessAttempt.objects.get().username == advisor.email
