"""The inbox's and the request page's queries (issue 16): how many, the same however many rows, and
what each reads."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisors.models import User
from referrals import services
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.test_inbox import INBOX, detail_url, references

pytestmark = pytest.mark.django_db


INBOX_QUERIES = 10


def test_the_inbox_query_count_does_not_grow_with_rows(
    client, submit, advisor, django_assert_max_num_queries
):
    client.force_login(advisor)
    for _ in range(3):
        submit()
    client.get(INBOX, {"view": "open", "need": "buyer-credit-risk"})  # the filters' <option>s cached
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX, {"view": "open"}).status_code == 200
    for _ in range(25):
        request = submit()
        services.add_note(request=request, by=advisor, body="x")
    with CaptureQueriesContext(connection) as many:
        response = client.get(INBOX, {"view": "open", "need": "buyer-credit-risk", "q": "Företag"})
    assert response.status_code == 200 and len(references(response)) == 25  # one full page
    # The need filter checks its value (one query); nothing else grows with the rows or the filters.
    assert len(many) == len(few) + 1, [q["sql"] for q in many.captured_queries]
    # The page of rows reads the columns a row shows (selectors.INBOX_ROW_FIELDS), not every column of
    # the request, its company and its people (147 columns: 3 ms to compile).
    (rows_read,) = (
        q["sql"] for q in many.captured_queries if q["sql"].startswith('SELECT "referrals_advicere')
    )
    assert (
        '"advisors_user"."password"' not in rows_read and '"companies_company"."org_number"' not in rows_read
    )
    assert '"advisors_user"."full_name"' in rows_read and '"companies_company"."name"' in rows_read
    # The advisor filter's people, by name: their names, not their organisations or passwords.
    by_name = 'ORDER BY "advisors_user"."full_name" ASC, "advisors_user"."id" ASC'
    (people,) = (q["sql"] for q in many.captured_queries if q["sql"].endswith(by_name))
    assert (
        '"advisors_user"."password"' not in people and "advisors_organisation" not in people.split("WHERE")[0]
    )
    # Session, user, the user's regions (access and the base layout), the menu's count and the bell (one
    # query), the capped count, the view counts (one query), the saved views, the advisor filter's
    # people, and the page of rows with the last event each and their needs. (The filters' and the bulk
    # form's other <option>s come from the widget cache.)
    with django_assert_max_num_queries(INBOX_QUERIES):
        client.get(INBOX, {"view": "open"})


def test_the_inbox_rows_are_made_once_a_page_not_looked_up_row_by_row(client, submit, advisor, monkeypatch):
    """A row's URLs are the page's two reversed once (exportcenter.row_urls), and its dates are formatted
    with the language's format asked once (referrals/views/inbox_rows.py): the work per row does not
    include `reverse` or the format's lookup (issue 16: they were most of a row's 0.8 ms)."""
    from django.urls.resolvers import URLResolver
    from django.utils import formats

    calls = {"reverse": 0, "get_format": 0}
    reverse, get_format = URLResolver._reverse_with_prefix, formats.get_format

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counting("reverse", reverse))
    monkeypatch.setattr(formats, "get_format", counting("get_format", get_format))
    client.force_login(advisor)
    submit()

    def counted(expected_rows):
        calls.update(reverse=0, get_format=0)
        html = client.get(INBOX, {"view": "open"}).content.decode()
        assert html.count('<tr id="row-') == expected_rows
        assert html.count(">Take it<") == expected_rows  # each row's claim form has its own URL
        return dict(calls)

    one = counted(1)
    for _ in range(11):
        submit()
    assert counted(12) == one


# The request page's queries (issue 16: at most 15 a page, whatever the data): session, user, the
# user's regions with their counties (the access checks and the base layout's region), the menu's
# referral count and the bell (one query); the request with its needs, the audit entry, the
# organisations of the assign and refer forms, the routing partners (with their workload) and their
# services, the timeline, the outreach panel's activities and follow-ups, and the assign form's
# advisors. A request with referrals adds its referral chain with their needs (and its co-handlers, if
# any): a fixed number, however many.
# 14, the canned replies offered for writing to the company, and the email panel's messages (issue 20; the
# timeline's files are read only when an entry has some).
REQUEST_PAGE_QUERIES = 15
REQUEST_PAGE_QUERIES_WITH_REFERRALS = REQUEST_PAGE_QUERIES + 2


def test_the_request_page_query_count_is_the_same_with_3_and_30_rows(
    client, submit, advisor, operator, region, need_categories, django_assert_max_num_queries
):
    """Timeline events, needs, partners (each with a service) and people do not add queries."""
    from referrals.models import Service

    staff = UserFactory(email="staff@almi.example", organisation=operator, role=User.Role.REGIONAL_STAFF)
    request = submit(needs=list(need_categories[:3]))
    client.force_login(staff)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail_url(request)).status_code == 200
        return queries

    few = count()
    assert len(few) <= REQUEST_PAGE_QUERIES, [q["sql"] for q in few.captured_queries]
    for n in range(27):
        partner = OrganisationFactory(name=f"Partner {n:02d}", slug=f"partner-{n}", regions=[region])
        UserFactory(email=f"p{n}@partner.example", organisation=partner)
        service = Service.objects.create(organisation=partner, name_sv=f"Tjänst {n}", name_en=f"Service {n}")
        service.needs.set(need_categories[:3])
        services.add_note(request=request, by=staff, body=f"Note {n}")
    request.needs.set(need_categories[:6])
    many = count()
    html = client.get(detail_url(request)).content.decode()
    assert "Note 26" in html and "Partner 26" in html
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    with django_assert_max_num_queries(REQUEST_PAGE_QUERIES):
        client.get(detail_url(request))


def test_the_request_page_panels_probes_are_answered_by_the_requests_own_query(
    client, submit, operator, need_categories
):
    """The outreach panel's probes (any activity, any open follow-up) ride on the query that reads the
    request (exportcenter.panels, `Panels.answered`): no query of their own, and no panel read when the
    answer is no. Before, one query asked them apart (14 queries, now 13)."""
    staff = UserFactory(email="staff@almi.example", organisation=operator, role=User.Role.REGIONAL_STAFF)
    request = submit(needs=list(need_categories[:1]))
    client.force_login(staff)
    client.get(detail_url(request))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(request)).status_code == 200
    sqls = [query["sql"] for query in queries.captured_queries]
    request_reads = [sql for sql in sqls if sql.startswith('SELECT "referrals_advicerequest"."id"')]
    assert len(request_reads) == 1 and "panel_probe_" in request_reads[0], request_reads
    # Read as `get()` reads (exportcenter.unique): no sort of the one row (first()'s cost 0.8 ms to compile).
    assert not re.search(r"ORDER BY [^()]* LIMIT \d+$", request_reads[0]), request_reads[0][-200:]
    assert not [sql for sql in sqls if sql.startswith("SELECT EXISTS(")], sqls
    outreach_reads = [sql for sql in sqls if re.match(r'SELECT (?:(?!FROM).)* FROM "outreach_', sql)]
    assert outreach_reads == request_reads  # only the probes inside the request's own query
    # The timeline's people by name (selectors.PAGE_TIMELINE_FIELDS), not whole.
    (timeline,) = (sql for sql in sqls if sql.startswith('SELECT "referrals_requestevent"."id"'))
    assert '"advisors_user"."password"' not in timeline and '"advisors_user"."full_name"' in timeline
    # The assign form's advisors, only shown: their names and their organisations' (forms.AssignForm).
    (advisors,) = (
        sql
        for sql in sqls
        if sql.endswith('ORDER BY "advisors_organisation"."name" ASC, "advisors_user"."full_name" ASC')
    )
    assert '"advisors_user"."password"' not in advisors and '"advisors_organisation"."email"' not in advisors


def test_the_request_page_query_count_does_not_grow_with_events(client, submit, advisor):
    request = submit()
    client.force_login(advisor)
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(request))
    for n in range(20):
        services.add_note(request=request, by=advisor, body=f"Note {n}")
        services.set_priority(request=request, by=advisor, priority="high", expected_version=None)
    services.assign(request=request, by=advisor, expected_version=None, advisor=advisor)
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail_url(request))
    assert "Note 19" in response.content.decode()
    assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]
