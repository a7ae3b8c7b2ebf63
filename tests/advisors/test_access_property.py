"""Each view rule is written once: `can(user, "view", obj)` and `visible(user, queryset)` always agree.

For every registered policy, every role and every object of a matrix world (two regions, several
organisations, every role, objects of every kind, with the edge cases: sole traders, unassigned requests,
organisation-only notes, referrals in every state, co-handling, shared and personal saved views, inactive
services...), `can(view)` equals `visible(...).filter(pk=obj.pk).exists()`. A Python fast path that drifts
from its query fails here. The world is built once per module (tests/module_db.py): its rows stay in a
transaction rolled back after the module, and each test runs in a savepoint inside it.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from advisors import access
from advisors.models import ApiToken, Organisation, Region, User
from audit.models import AuditEntry
from companies.identifiers import LegalForm
from companies.models import Company, CompanyImport, Contact
from dashboards.models import NationalSnapshot, RegionalGoal
from effects.models import ExportOutcome, FollowUpSurvey, SatisfactionSurvey
from mailboxes.models import InboundMessage, Mailbox
from notifications.models import Notification
from outreach.models import CalendarFeed, CampaignMember
from privacy.models import RetentionRun
from reference.models import CountyExportStatistic, CountyPopulation, Municipality, StatisticsImport
from referrals.models import (
    Attachment,
    CannedReply,
    CoHandling,
    NeedCategory,
    Referral,
    RequestEvent,
    SavedView,
    Service,
)
from tests.advisors.test_access import ROLES as MATRIX_ROLES
from tests.factories import (
    SOLE_TRADER_NUMBER,
    CompanyFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
    municipality,
)
from tests.module_db import rows_for_this_module
from tests.outreach.factories import ActivityFactory, CampaignFactory, FollowUpFactory, make_request
from tests.projects.factories import project_world

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
# The matrix's roles, and regional staff of the other region and a partner that serves no region.
ROLES = [*MATRIX_ROLES, "other_region_staff", "homeless", "national"]


def _build_world():
    for code, name, county in [
        ("0380", "Uppsala", "03"),
        ("0381", "Enköping", "03"),
        ("2180", "Gävle", "21"),
        ("1280", "Malmö", "12"),  # a county no region serves
    ]:
        municipality(code, name, county, f"{name} län")
    home, away = RegionFactory(slug="prop-home"), RegionFactory(slug="prop-away")
    home.counties.add("03")
    away.counties.add("21")
    org_a = OrganisationFactory(slug="prop-a", regions=[home])
    org_b = OrganisationFactory(slug="prop-b", regions=[home])
    org_r = OrganisationFactory(slug="prop-r", kind=Organisation.Kind.REGION, regions=[home])
    org_far = OrganisationFactory(slug="prop-far", regions=[away])
    org_none = OrganisationFactory(slug="prop-none")
    home.operator = org_a
    home.save()

    people = {
        "anonymous": AnonymousUser(),
        "inactive": UserFactory(email="gone@prop-a.example", organisation=org_a, is_active=False),
        "advisor": UserFactory(email="advisor@prop-a.example", organisation=org_a),
        "lead": UserFactory(
            email="lead@prop-a.example", organisation=org_a, role=User.Role.ORGANISATION_LEAD
        ),
        "other_org_advisor": UserFactory(email="advisor@prop-b.example", organisation=org_b),
        "regional_staff": UserFactory(
            email="staff@prop-r.example", organisation=org_r, role=User.Role.REGIONAL_STAFF
        ),
        "other_region_advisor": UserFactory(email="advisor@prop-far.example", organisation=org_far),
        "other_region_staff": UserFactory(
            email="staff@prop-far.example", organisation=org_far, role=User.Role.REGIONAL_STAFF
        ),
        "homeless": UserFactory(email="advisor@prop-none.example", organisation=org_none),
        # Issue 18: a national coordinator, of an organisation serving no region.
        "national": UserFactory(
            email="national@prop-none.example", organisation=org_none, role=User.Role.NATIONAL
        ),
        "superuser": UserFactory(
            email="root@prop.example", organisation=None, is_superuser=True, is_staff=True
        ),
    }
    advisor, other, far_advisor = (
        people["advisor"],
        people["other_org_advisor"],
        people["other_region_advisor"],
    )
    colleague = UserFactory(email="colleague@prop-a.example", organisation=org_a)

    # Companies and contacts: in the home region (two municipalities), a sole trader, the far region, and
    # a county no region serves.
    home_company = CompanyFactory(name="Hem AB", responsible_organisation=org_a)
    sole_trader = CompanyFactory(
        name="Karins Keramik",
        org_number=SOLE_TRADER_NUMBER,
        legal_form=LegalForm.SOLE_TRADER,
        municipality=Municipality.objects.get(code="0381"),
    )
    far_company = CompanyFactory(name="Gävle AB", municipality=Municipality.objects.get(code="2180"))
    unserved_company = CompanyFactory(name="Malmö AB", municipality=Municipality.objects.get(code="1280"))
    contacts = [
        Contact.objects.create(company=company, name="K", legal_basis="public_task", source="advisor")
        for company in (home_company, sole_trader, far_company, unserved_company)
    ]
    company_import = CompanyImport.objects.create(filename="f.csv", content="x", created_by=advisor)

    # Requests: unowned, owned by each organisation, another region's, unassigned; referred in every state.
    def request(region, owner=None, company=home_company):
        return make_request(company=company, region=region, owner_organisation=owner)

    requests = {
        "new": request(home),
        "owned_a": request(home, org_a),
        "owned_b": request(home, org_b),
        "far": request(away, org_far, far_company),
        "unassigned": request(None, company=unserved_company),
        "pending_to_far": request(home, org_a),
        "declined_by_far": request(home, org_a),
        "withdrawn_from_far": request(home, org_b),
        "far_accepted_by_a": request(away, org_far, far_company),
        "far_from_b": request(away, org_far, far_company),
        "co_handled_by_far": request(home, org_b),
    }
    now = timezone.now()

    def refer(request, source, to, status=Referral.Status.PENDING, **fields):
        answered = None if status == Referral.Status.PENDING else now
        return Referral.objects.create(
            request=request,
            from_organisation=source,
            to_organisation=to,
            created_by=source.members.first(),
            note="Please help.",
            consent_confirmed=True,
            consent_method=Referral.ConsentMethod.PHONE,
            status=status,
            due_at=now + datetime.timedelta(days=1),
            answered_at=answered,
            **fields,
        )

    referrals = [
        refer(requests["pending_to_far"], org_a, org_far),
        refer(requests["declined_by_far"], org_a, org_far, Referral.Status.DECLINED, decline_reason="No."),
        refer(requests["withdrawn_from_far"], org_b, org_far, Referral.Status.WITHDRAWN),
        refer(requests["far_accepted_by_a"], org_far, org_a, Referral.Status.ACCEPTED),
        refer(requests["far_from_b"], org_b, org_far, Referral.Status.DECLINED, decline_reason="No."),
        refer(requests["owned_b"], org_b, org_a),
    ]
    need = NeedCategory.objects.get_or_create(slug="prop-need", defaults={"name_sv": "B", "name_en": "N"})[0]
    co_handling = CoHandling.objects.create(
        request=requests["co_handled_by_far"], organisation=org_far, need=need
    )
    assert co_handling.pk

    # Timelines: notes for all partners and for one organisation only (the author's, or none).
    def note(request, visibility, organisation):
        return RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.NOTE,
            body="n",
            visibility=visibility,
            organisation=organisation,
        )

    ALL, ORG = RequestEvent.Visibility.ALL_PARTNERS, RequestEvent.Visibility.ORGANISATION
    events = [
        note(request, visibility, organisation)
        for request in requests.values()
        for visibility, organisation in [
            (ALL, org_a),
            (ORG, org_a),
            (ORG, org_b),
            (ORG, org_far),
            (ORG, None),
        ]
    ]

    saved_views = [
        SavedView.objects.create(owner=advisor, organisation=org_a, name="Mine"),
        SavedView.objects.create(owner=advisor, organisation=org_a, name="Ours", is_shared=True),
        SavedView.objects.create(owner=other, organisation=org_b, name="Theirs", is_shared=True),
        SavedView.objects.create(owner=people["superuser"], organisation=None, name="Alone", is_shared=True),
    ]
    services = [
        Service.objects.create(organisation=organisation, name_sv=name, name_en=name, is_active=active)
        for organisation in (org_a, org_b, org_far, org_none)
        for name, active in [("aktiv", True), ("inaktiv", False)]
    ]
    # Canned replies: each organisation's own, and each region's shared ones.
    canned_replies = [
        CannedReply.objects.create(scope="organisation", organisation=organisation, title="Svar", body="Hej")
        for organisation in (org_a, org_b, org_far, org_none)
    ] + [
        CannedReply.objects.create(scope="region", region=region, title="Svar", body="Hej")
        for region in (home, away)
    ]

    campaigns = [
        CampaignFactory(region=home, organisation=org_a),
        CampaignFactory(region=home, organisation=org_b),
        CampaignFactory(region=away, organisation=org_far),
    ]
    members = [
        CampaignMember.objects.create(campaign=campaign, company=company)
        for campaign in campaigns
        for company in (home_company, far_company)
    ]
    activities = [
        ActivityFactory(company=company, created_by=author)
        for company, author in [(home_company, advisor), (home_company, other), (far_company, far_advisor)]
    ]
    activities.append(ActivityFactory(company=unserved_company, created_by=advisor))
    follow_ups = [
        FollowUpFactory(owner=owner, company=company)
        for owner, company in [
            (advisor, home_company),
            (colleague, home_company),
            (other, home_company),
            (far_advisor, far_company),
        ]
    ]
    notifications = [
        Notification.objects.create(recipient=recipient, kind="follow_up_due", params={}, key=f"k{n}")
        for n, recipient in enumerate([advisor, colleague, far_advisor])
    ]
    goals = [
        RegionalGoal.objects.create(
            region=region, year=2026, kind=RegionalGoal.Kind.COMPANIES_REACHED, baseline=1, target=2
        )
        for region in (home, away)
    ]

    # The retention job's log: regional staff's (the job runs for every region).
    retention_runs = [
        RetentionRun.objects.create(
            started_at=timezone.now(), trigger="schedule", cutoff=timezone.now(), retention_months=36
        )
    ]

    # Sign-in lockouts (django-axes): of a person at home, one far away, a superuser and nobody.
    lockouts = [
        AccessAttempt.objects.create(
            username=username,
            ip_address="192.0.2.1",
            user_agent="prop",
            failures_since_start=5,
            get_data="",
            post_data="",
            http_accept="*/*",
            path_info="/login/",
        )
        for username in (
            "advisor@prop-a.example",
            "advisor@prop-far.example",
            "root@prop.example",
            "nobody@prop.example",
        )
    ]

    # Audit entries: by a person at home, about a home object by someone far away, far ones, nobody's.
    home_key, far_key = home_company.public_id.hex, far_company.public_id.hex
    audit_entries = [
        AuditEntry.objects.create(action="read", actor=actor, object_type="companies.company", object_id=key)
        for actor, key in [(advisor, home_key), (far_advisor, home_key), (far_advisor, far_key)]
    ]
    audit_entries += [
        AuditEntry.objects.create(action="read", object_type=object_type, object_id=key)
        for object_type, key in [
            ("companies.contact", contacts[0].public_id.hex),
            ("companies.contact", contacts[2].public_id.hex),
            ("referrals.advicerequest", requests["new"].reference),
            ("referrals.advicerequest", requests["far"].reference),
            ("advisors.user", str(colleague.pk)),
            ("advisors.organisation", str(org_far.pk)),
        ]
    ]
    audit_entries.append(AuditEntry.objects.create(action="sign_in_failed", actor_label="nobody@example.org"))

    # Personal API tokens: of an advisor, a lead, regional staff far away and a superuser.
    api_tokens = [
        ApiToken.objects.create(
            user=owner,
            name="prop",
            prefix=f"prop{n:04d}",
            secret_hash="0" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
        for n, owner in enumerate([advisor, colleague, far_advisor, people["superuser"]])
    ]

    # Export outcomes (issue 18): one at home, one far away, each with a partner line.
    export_outcomes = [
        ExportOutcome.objects.create(
            company=company,
            region=region,
            organisation=org,
            market="NO",
            kind="new_market",
            sells="goods",
            value_band="1m_10m",
            achieved_on=timezone.localdate(),
        )
        for company, region, org in [(home_company, home, org_a), (far_company, away, org_far)]
    ]
    outcome_partners = [outcome.partner_links.create(organisation=org_a) for outcome in export_outcomes]

    # Surveys (issue 18): a satisfaction survey and a follow-up, at home and far away.
    surveys = [
        SatisfactionSurvey.objects.create(request=requests[key], region=region, organisation=org)
        for key, region, org in [("new", home, org_a), ("far", away, org_far)]
    ]
    surveys += [
        FollowUpSurvey.objects.create(company=company, region=region, wave=6, helped_on=timezone.localdate())
        for company, region in [(home_company, home), (far_company, away)]
    ]

    # Calendar feeds: an advisor's, a colleague's and one far away.
    calendar_feeds = [
        CalendarFeed.objects.create(
            owner=owner, nonce="prop", token_hash=f"{n:064d}", renewed_at=timezone.now()
        )
        for n, owner in enumerate([advisor, colleague, far_advisor])
    ]

    # Audit entries: by a person at home, about a home object by someone far away, far ones, nobody's.
    home_key, far_key = home_company.public_id.hex, far_company.public_id.hex
    audit_entries = [
        AuditEntry.objects.create(action="read", actor=actor, object_type="companies.company", object_id=key)
        for actor, key in [(advisor, home_key), (far_advisor, home_key), (far_advisor, far_key)]
    ]
    audit_entries += [
        AuditEntry.objects.create(action="read", object_type=object_type, object_id=key)
        for object_type, key in [
            ("companies.contact", contacts[0].public_id.hex),
            ("companies.contact", contacts[2].public_id.hex),
            ("referrals.advicerequest", requests["new"].reference),
            ("referrals.advicerequest", requests["far"].reference),
            ("advisors.user", str(colleague.pk)),
            ("advisors.organisation", str(org_far.pk)),
        ]
    ]
    audit_entries.append(AuditEntry.objects.create(action="sign_in_failed", actor_label="nobody@example.org"))

    # The retention job's log: regional staff's (the job runs for every region).
    retention_runs = [
        RetentionRun.objects.create(
            started_at=timezone.now(), trigger="schedule", cutoff=timezone.now(), retention_months=36
        )
    ]

    # Issue 20: the region's shared mailbox, org A's own and a far one; messages on a home request, a far
    # request and on none; files on notes for all partners and for one organisation, at home and far away.
    mailboxes = [
        Mailbox.objects.create(name=name, address=address, region=region, organisation=org, kind="local")
        for name, address, region, org in [
            ("shared", "shared@home.example", home, None),
            ("a", "a@home.example", home, org_a),
            ("far", "far@away.example", away, org_far),
        ]
    ]
    inbound_messages = [
        InboundMessage.objects.create(
            mailbox=mailbox, message_id=f"<{n}@prop>", outcome="reply", request=request
        )
        for n, (mailbox, request) in enumerate(
            [(mailboxes[0], requests["new"]), (mailboxes[1], None), (mailboxes[2], requests["far"])]
        )
    ]
    attachments = [
        Attachment.objects.create(
            request=event.request,
            event=event,
            name="f.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            source="advisor",
            scan="clean",
            created_at=now,
        )
        for event in events
        if event.request in (requests["owned_a"], requests["far"]) and event.organisation in (org_a, org_b)
    ]

    objects = [
        home,
        away,
        *mailboxes,
        *inbound_messages,
        *attachments,
        *Organisation.objects.all(),
        *User.objects.all(),
        home_company,
        sole_trader,
        far_company,
        unserved_company,
        *contacts,
        company_import,
        *requests.values(),
        *referrals,
        *events,
        *saved_views,
        need,
        *services,
        *canned_replies,
        *campaigns,
        *members,
        *activities,
        *follow_ups,
        *notifications,
        *goals,
        *audit_entries,
        *retention_runs,
        *lockouts,
        *api_tokens,
        *calendar_feeds,
        *export_outcomes,
        *outcome_partners,
        *surveys,
        # Issue 18: the national figures (aggregates), one snapshot.
        NationalSnapshot.objects.create(key="prop", stamp="-", computed_at=timezone.now(), figures={}),
        # Issue 19: EU-funded projects, at home (a far partner organisation) and far away (home takes part).
        *project_world(
            home=home,
            away=away,
            home_org=org_a,
            far_org=org_far,
            home_company=home_company,
            far_company=far_company,
            by=advisor,
        ),
        # Issue 19: official county statistics (a home, a far and an unserved county) and an import.
        *[
            CountyPopulation.objects.create(county_id=c, year=2024, population=9, source="t")
            for c in ("03", "21", "12")
        ],
        *[
            CountyExportStatistic.objects.create(county_id=c, year=2024, source="t")
            for c in ("03", "21", "12")
        ],
        StatisticsImport.objects.create(
            kind="trade", source="t", vintage=datetime.date(2025, 1, 1), file_name="f.csv", imported_by="t"
        ),
    ]
    return people, objects


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for this module and rolled back after it (tests/module_db.py)."""
    with rows_for_this_module(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5]):
            built = _build_world()  # as quick as the tests' own hashing (tests/conftest.py)
        yield built


def _objects_of(objects, label):
    return [obj for obj in objects if obj._meta.label == label]


@pytest.mark.django_db
def test_the_world_has_objects_of_every_policy(world):
    _, objects = world
    assert {label for label in access.registered_policies() if not _objects_of(objects, label)} == set()


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(access.registered_policies()))
@pytest.mark.parametrize("role", ROLES)
def test_can_view_agrees_with_visible(world, label, role):
    people, objects = world
    user = people[role]
    disagreements = []
    for obj in _objects_of(objects, label):
        # A fresh copy: what is loaded of its relations must not change the answer.
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        by_object = access.can(user, "view", fresh)
        by_query = access.visible(user, type(obj)._default_manager.all()).filter(pk=obj.pk).exists()
        if by_object is not by_query:
            disagreements.append((str(obj), by_object, by_query))
    assert disagreements == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label",
    sorted(
        label
        for label, rules in access.registered_policies().items()
        if type(rules).combinable_filter is not access.Policy.combinable_filter
    ),
)
@pytest.mark.parametrize("role", ROLES)
def test_the_combinable_rule_sees_the_same_rows(world, label, role):
    """A policy's `combinable_filter` is the view rule written for the planner: the same rows."""
    people, objects = world
    user = people[role]
    model = type(_objects_of(objects, label)[0])
    rows = model._default_manager.all()
    plain = set(access.visible(user, rows).values_list("pk", flat=True))
    assert set(access.visible(user, rows, combinable=True).values_list("pk", flat=True)) == plain


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["advisor", "regional_staff", "other_region_advisor"])
def test_the_answer_does_not_depend_on_what_is_loaded(world, role):
    """Evaluated in memory over loaded relations, or asked of the database: the same answer."""
    people, _ = world
    user = people[role]
    for model, related in [
        (Contact, "company__municipality"),
        (CampaignMember, "campaign"),
        (RequestEvent, "request"),
        (Referral, "request"),
    ]:
        for obj in model.objects.select_related(*related.split(",")):
            expected = access.visible(user, model.objects.all()).filter(pk=obj.pk).exists()
            assert access.can(user, "view", obj) is expected, (model.__name__, obj.pk)


@pytest.mark.django_db
def test_own_field_rules_are_answered_without_a_query(world, django_assert_num_queries):
    """A rule on the object's own fields costs no query per object (list pages ask per row)."""
    people, objects = world
    user = people["advisor"]
    access.region_ids(user), access.county_ids(user)  # cached on the user, as after a page's first question
    cheap = [
        obj
        for obj in objects
        if obj._meta.label
        in {
            "advisors.Region",
            "advisors.Organisation",
            "companies.Company",
            "companies.CompanyImport",
            "referrals.SavedView",
            "referrals.NeedCategory",
            "outreach.Campaign",
            "outreach.FollowUp",
            "notifications.Notification",
            "dashboards.RegionalGoal",
        }
    ]
    in_region = [obj for obj in objects if obj._meta.label == "referrals.AdviceRequest" and obj.region_id]
    with django_assert_num_queries(0):
        for obj in cheap:
            access.can(user, "view", obj)
        for request in in_region:
            if request.region_id in access.region_ids(user):
                assert access.can(user, "view", request)


@pytest.mark.django_db
def test_a_request_of_the_users_region_is_seen_without_building_the_rest_of_the_rule(world, monkeypatch):
    """The region's condition answers can(view) on the request's own fields; the rest of the rule (its
    subqueries over referrals and co-handlings) is built only for a request of another region."""
    from advisors.access.requests import AdviceRequestPolicy

    people, objects = world
    user = people["advisor"]
    requests = _objects_of(objects, "referrals.AdviceRequest")
    mine = [r for r in requests if r.region_id in access.region_ids(user)]
    others = [r for r in requests if r.region_id not in access.region_ids(user)]
    assert mine and others
    built = []
    rule = AdviceRequestPolicy._rule
    monkeypatch.setattr(
        AdviceRequestPolicy, "_rule", lambda self, *args: built.append(1) or rule(self, *args)
    )
    assert all(access.can(user, "view", request) for request in mine)
    assert built == []
    for request in others:
        built.clear()
        access.can(user, "view", request)
        assert built  # another region's request: the referrals and co-handlings decide


# --- Unknown actions --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "advisor", "superuser"])
def test_an_unknown_action_raises_instead_of_being_denied(world, role):
    people, objects = world
    region = objects[0]
    with pytest.raises(access.UnknownAction):
        access.can(people[role], "veiw", region)
    with pytest.raises(access.UnknownAction):
        access.require(people[role], "approve", region)


@pytest.mark.django_db
def test_a_known_action_a_policy_does_not_grant_is_denied(world):
    people, objects = world
    assert access.can(people["advisor"], access.Action.MERGE, objects[0]) is False
    assert access.can(people["advisor"], "view", objects[0]) is True  # strings name actions too


# --- The evaluator ----------------------------------------------------------------------------------------


def test_the_evaluator_answers_rules_on_own_fields_like_sql():
    region = Region(pk=1)
    assert access.evaluate(Q(pk__in={1, 2}), region) is True
    assert access.evaluate(Q(pk__in=frozenset()), region) is False
    assert access.evaluate(Q(), region) is True
    note = RequestEvent(visibility=RequestEvent.Visibility.ORGANISATION, organisation_id=None)
    rule = ~Q(visibility=RequestEvent.Visibility.ORGANISATION) | Q(organisation_id=5)
    assert access.evaluate(rule, note) is False
    assert access.evaluate(Q(organisation_id=None), note) is True  # Django turns `=None` into IS NULL
    assert access.evaluate(Q(organisation__isnull=True), note) is True
    assert access.evaluate(Q(organisation_id__in={None, 5}), note) is False  # NULL is never "in" a list
    assert access.evaluate(~Q(organisation_id__in={5}), note) is True  # exclude() keeps the NULL rows


def test_the_evaluator_says_unknown_rather_than_guess():
    region = Region(pk=1, name="Uppsala")
    assert access.evaluate(Q(name__icontains="upp"), region) is None  # a lookup it does not know
    assert access.evaluate(Q(pk__in=Region.objects.all()), region) is None  # a subquery
    assert access.evaluate(Q(counties__in=["03"]), region) is None  # a many-to-many relation
    assert access.evaluate(Q(pk=1) | Q(name__icontains="x"), region) is True  # one true branch decides
    assert access.evaluate(Q(pk=2) & Q(name__icontains="x"), region) is False  # one false branch decides


def test_a_rule_through_a_relation_is_answered_when_the_relation_is_loaded():
    rule = access.through("company", Q(municipality__county_id__in={"03"}))
    assert rule.children == [("company__municipality__county_id__in", {"03"})]
    company = Company(municipality=Municipality(code="0380", county_id="03"))
    assert access.evaluate(rule, Contact(company=company)) is True
    assert access.evaluate(rule, Contact(company_id=1)) is None  # not loaded: the database answers
