"""A page's panels (exportcenter/panels.py): every panel's probes are asked in one query, and each panel
reads with its own answers; a panel without probes reads as before."""

import pytest
from django.db.models import Exists, OuterRef

from companies.models import Company, Contact
from exportcenter.panels import Panel, Panels, probe
from tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _contacts(name=None):
    rows = Contact.objects.filter(company=OuterRef("pk"))
    return Exists(rows.filter(name=name) if name else rows)


def test_every_panels_probes_are_one_query_and_each_panel_gets_its_answers(django_assert_num_queries):
    company = CompanyFactory()
    ContactFactory(company=company, name="Karin Berg")
    seen = {}

    def reader(name):
        def read(user, obj, found):
            seen[name] = found
            return name

        return read

    page = Panels()
    page.register(Panel("a", "a.html", reader("a"), order=2, probes=lambda: {"any": _contacts()}))
    page.register(
        Panel(
            "b",
            "b.html",
            reader("b"),
            order=1,
            probes=lambda: {"karin": _contacts("Karin Berg"), "nils": _contacts("Nils Holm")},
        )
    )
    page.register(Panel("plain", "plain.html", lambda user, obj: obj.name, order=3))
    with django_assert_num_queries(1):
        context = page.context(None, company)
    assert seen == {"a": {"any": True}, "b": {"karin": True, "nils": False}}
    assert context["a"] == "a" and context["plain"] == company.name
    assert context["panel_templates"] == ["b.html", "a.html", "plain.html"]


def test_a_page_without_probes_asks_nothing_first(django_assert_num_queries):
    page = Panels()
    page.register(Panel("plain", "plain.html", lambda user, obj: obj.pk))
    company = CompanyFactory()
    with django_assert_num_queries(0):
        assert page.context(None, company)["plain"] == company.pk


def test_probe_of_an_object_gone_answers_no(django_assert_num_queries):
    company = CompanyFactory()
    ContactFactory(company=company)
    Company.objects.filter(pk=company.pk).delete()
    with django_assert_num_queries(1):
        assert probe(company, {"contacts": _contacts()}) == {"contacts": False}
    with django_assert_num_queries(0):
        assert probe(company, {}) == {}


def test_an_object_read_with_answered_carries_the_answers_and_context_asks_nothing_first(
    django_assert_num_queries,
):
    """`Panels.answered(queryset)` asks every panel's probes in the query that reads the page's object;
    `context` then hands each panel the same answers as a probe query would, without one."""
    company = CompanyFactory()
    ContactFactory(company=company, name="Karin Berg")
    seen = {}

    def read(user, obj, found):
        seen.update(found)
        return found

    page = Panels()
    page.register(
        Panel(
            "a",
            "a.html",
            read,
            probes=lambda: {"karin": _contacts("Karin Berg"), "nils": _contacts("Nils Holm")},
        )
    )
    page.register(Panel("plain", "plain.html", lambda user, obj: obj.name, order=2))
    with django_assert_num_queries(1):
        read_once = page.answered(Company.objects.filter(pk=company.pk)).get()
    with django_assert_num_queries(0):
        context = page.context(None, read_once)
    assert seen == {"karin": True, "nils": False}
    with django_assert_num_queries(1):  # an object read without them: one query asks them, as before
        assert page.context(None, company)["a"] == seen
    assert context["plain"] == company.name
