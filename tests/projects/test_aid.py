"""De minimis aid: the rolling three-year window, the single undertaking, currency, the override, and two
grants at once (projects.services.aid)."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEntry
from projects.models import Currency, DeMinimisAid, UndertakingLink
from projects.services import aid as services
from tests.factories import CompanyFactory
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.projects.aid_helpers import aid_data
from tests.projects.factories import DeMinimisAidFactory, ParticipationFactory, SupportFactory
from tests.threads import at_once

D = datetime.date


def grant(company, by, **overrides):
    return services.record_aid(company=company, by=by, data=aid_data(**overrides))


# --- The window ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "start"),
    [
        (D(2026, 6, 1), D(2023, 6, 2)),
        (D(2026, 1, 1), D(2023, 1, 2)),
        (
            D(2028, 2, 29),
            D(2025, 3, 1),
        ),  # 29 Feb minus three years is 28 Feb: the window starts the day after
        (D(2027, 3, 1), D(2024, 3, 2)),
    ],
)
def test_the_window_is_the_three_years_ending_on_the_grant_date(on, start, settings):
    settings.DE_MINIMIS_YEARS = 3
    assert services.window_start(on) == start


@pytest.mark.parametrize(
    ("earlier", "counts"),
    [
        (D(2022, 6, 1), False),  # exactly three years before: outside
        (D(2022, 6, 2), True),  # the day after: inside
        (D(2025, 6, 1), True),  # the same day
        (D(2024, 1, 1), True),
        (D(2021, 1, 1), False),
    ],
)
def test_an_earlier_grant_across_the_three_year_boundary(company, staff, earlier, counts):
    DeMinimisAidFactory(company=company, granted_on=earlier, amount=Decimal("295000"))
    if counts:
        with pytest.raises(services.CeilingExceeded) as error:
            grant(company, staff, granted_on=D(2025, 6, 1))
        assert error.value.ceiling.total_eur == Decimal("295000")
        assert error.value.ceiling.would_be_eur == Decimal("305000")
    else:
        assert grant(company, staff, granted_on=D(2025, 6, 1)).amount_eur == Decimal("10000")


def test_exactly_the_ceiling_is_allowed_a_cent_more_is_not(company, staff):
    DeMinimisAidFactory(company=company, granted_on=D(2024, 1, 1), amount=Decimal("290000"))
    grant(company, staff, amount=Decimal("10000"))
    with pytest.raises(services.CeilingExceeded):
        grant(company, staff, amount=Decimal("0.01"))


def test_a_late_entry_may_not_break_a_later_window(company, staff):
    # 200,000 granted 2025-06-01 is fine on its own; a 150,000 grant dated 2023-01-01, entered now, is
    # under the ceiling in its own window (nothing before it) but breaks the window ending 2025-06-01.
    DeMinimisAidFactory(company=company, granted_on=D(2025, 6, 1), amount=Decimal("200000"))
    with pytest.raises(services.CeilingExceeded) as error:
        grant(company, staff, granted_on=D(2023, 1, 1), amount=Decimal("150000"))
    assert error.value.ceiling.window_to == D(2025, 6, 1)
    # dated so that the later grant's window no longer holds it: accepted
    assert grant(company, staff, granted_on=D(2022, 6, 1), amount=Decimal("150000"))


# --- The single undertaking ------------------------------------------------------------------------------


def test_the_undertaking_is_transitive_through_links_and_mergers(company, staff):
    sister, parent, merged = CompanyFactory(), CompanyFactory(), CompanyFactory()
    stranger = CompanyFactory()
    services.link_companies(company=company, linked_company=sister, by=staff)
    services.link_companies(company=sister, linked_company=parent, by=staff)
    merged.merged_into = parent
    merged.save()
    assert services.undertaking_ids([company.pk]) == {company.pk, sister.pk, parent.pk, merged.pk}
    assert services.undertaking_ids([stranger.pk]) == {stranger.pk}
    DeMinimisAidFactory(company=merged, granted_on=D(2024, 1, 1), amount=Decimal("150000"))
    DeMinimisAidFactory(company=parent, granted_on=D(2024, 2, 1), amount=Decimal("145000"))
    DeMinimisAidFactory(company=stranger, granted_on=D(2024, 2, 1), amount=Decimal("299000"))
    with pytest.raises(services.CeilingExceeded) as error:
        grant(company, staff)
    assert error.value.ceiling.total_eur == Decimal("295000")


def test_the_undertaking_is_one_query_however_long_the_chain_and_a_cycle_ends(
    company, staff, django_assert_num_queries
):
    chain = [company, *CompanyFactory.create_batch(5)]
    for one, other in itertools.pairwise(chain):
        services.link_companies(company=other, linked_company=one, by=staff)  # both directions count
    services.link_companies(company=chain[-1], linked_company=company, by=staff)  # a cycle
    merged_away = CompanyFactory(merged_into=chain[3])
    with django_assert_num_queries(1):
        found = services.undertaking_ids([company])  # a company, or its id
    assert found == {c.pk for c in chain} | {merged_away.pk}
    with django_assert_num_queries(0):
        assert services.undertaking_ids([]) == set()


def test_aid_is_never_recorded_on_a_merged_company(company, staff):
    company.merged_into = CompanyFactory()
    company.save()
    with pytest.raises(ValidationError) as error:
        grant(company, staff)
    assert "company" in error.value.message_dict


def test_links_are_stored_once_per_pair_lower_id_first(company, staff):
    other = CompanyFactory()
    link = services.link_companies(company=other, linked_company=company, by=staff, note="Same owner")
    assert (link.company_id, link.linked_company_id) == tuple(sorted((company.pk, other.pk)))
    for a, b in ((company, other), (other, company)):
        with pytest.raises(ValidationError) as error:
            services.link_companies(company=a, linked_company=b, by=staff)
        assert "linked_company" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.link_companies(company=company, linked_company=company, by=staff)
    assert AuditEntry.objects.filter(action=services.LINK_ACTION).count() == 1
    services.unlink_companies(link=link, by=staff)
    assert not UndertakingLink.objects.exists()
    assert AuditEntry.objects.filter(action=services.UNLINK_ACTION).count() == 1


# --- Currency and bad input ------------------------------------------------------------------------------


def test_sek_is_converted_with_the_stored_rate(company, staff):
    aid = grant(company, staff, amount=Decimal("112500"), currency=Currency.SEK, sek_per_eur=Decimal("11.25"))
    assert (aid.amount_eur, aid.sek_per_eur) == (Decimal("10000.00"), Decimal("11.2500"))
    odd = grant(company, staff, amount=Decimal("100"), currency=Currency.SEK, sek_per_eur=Decimal("11.2345"))
    assert odd.amount_eur == Decimal("8.90")  # 8.9010...: half up to the cent


def test_euro_needs_no_rate_and_keeps_none(company, staff):
    aid = grant(company, staff, sek_per_eur=Decimal("11"))
    assert aid.sek_per_eur is None and aid.amount_eur == Decimal("10000")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "USD"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"amount": Decimal("1e15")}, "amount"),
        ({"currency": Currency.SEK, "sek_per_eur": None}, "sek_per_eur"),
        ({"currency": Currency.SEK, "sek_per_eur": Decimal("0")}, "sek_per_eur"),
        (
            {"currency": Currency.SEK, "sek_per_eur": Decimal("0.089")},
            "sek_per_eur",
        ),  # EUR per SEK by mistake
        ({"currency": Currency.SEK, "amount": Decimal("0.01"), "sek_per_eur": Decimal("11")}, "amount"),
        ({"granted_on": None}, "granted_on"),
        ({"granted_on": D(2999, 1, 1)}, "granted_on"),
        ({"granting_body": "  "}, "granting_body"),
        ({"granting_body": "x" * 201}, "granting_body"),
        ({"reference": "a\x00"}, "reference"),
    ],
)
def test_bad_aid_is_a_field_error_and_nothing_is_written(company, staff, overrides, field):
    with pytest.raises(ValidationError) as error:
        grant(company, staff, **overrides)
    assert field in error.value.message_dict
    assert not DeMinimisAid.objects.exists()


def test_aid_from_a_participation_and_its_support(project, company, staff):
    participation = ParticipationFactory(project=project, company=company)
    support = SupportFactory(participation=participation)
    aid = grant(company, staff, support=support)
    assert aid.project == project and aid.support == support
    with pytest.raises(ValidationError) as error:
        grant(company, staff, support=support)
    assert "support" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        grant(CompanyFactory(), staff, project=project)
    assert "project" in error.value.message_dict


# --- The override ----------------------------------------------------------------------------------------


def test_the_override_records_the_reason_and_logs_it(company, staff):
    DeMinimisAidFactory(company=company, granted_on=D(2025, 1, 1), amount=Decimal("295000"))
    with pytest.raises(services.CeilingExceeded) as error:
        grant(company, staff)
    with translation.override("en"):
        assert "EUR 305,000.00" in error.value.message and "EUR 300,000.00" in error.value.message
    aid = grant(company, staff, override_reason="Decided by the board: the earlier aid was repaid.")
    assert aid.overridden_by == staff and aid.override_reason.startswith("Decided")
    entry = AuditEntry.objects.get(action=services.OVERRIDE_ACTION)
    assert entry.actor == staff and entry.details["would_be_eur"] == "305000.00"
    with translation.override("en"):  # the audit log's pages name the action in words
        assert entry.get_action_display() == "De minimis ceiling passed"


def test_a_reason_under_the_ceiling_is_not_an_override(company, staff):
    aid = grant(company, staff, override_reason="Just in case")
    assert aid.override_reason == "" and aid.overridden_by is None
    assert not AuditEntry.objects.filter(action=services.OVERRIDE_ACTION).exists()


def test_the_status_shows_total_and_headroom(company, staff, time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
    DeMinimisAidFactory(company=company, granted_on=D(2022, 6, 1), amount=Decimal("100000"))
    DeMinimisAidFactory(company=company, granted_on=D(2024, 6, 1), amount=Decimal("120000"))
    status = services.ceiling_status({company.pk})
    assert (status.total_eur, status.remaining_eur) == (Decimal("120000"), Decimal("180000"))


# --- Two grants at once ----------------------------------------------------------------------------------


@pytest.mark.postgres  # row locks: SQLite locks the whole database for a writer
@pytest.mark.django_db(transaction=True)
def test_two_grants_at_once_cannot_both_slip_under_the_ceiling(company, staff):
    sister = CompanyFactory()
    services.link_companies(company=company, linked_company=sister, by=staff)
    DeMinimisAidFactory(company=company, granted_on=D(2025, 1, 1), amount=Decimal("150000"))

    def attempt(target):
        def call():
            try:
                return grant(target, staff, amount=Decimal("100000"))
            except services.CeilingExceeded as error:
                return error

        return call

    results = at_once(attempt(company), attempt(sister))
    assert sorted(type(r).__name__ for r in results) == ["CeilingExceeded", "DeMinimisAid"]
    assert DeMinimisAid.objects.count() == 2


def test_the_same_grant_sent_twice_is_refused_another_reference_is_not(company, staff, in_english):
    grant(company, staff)
    with pytest.raises(ValidationError) as error:
        grant(company, staff)
    assert "already recorded" in " ".join(error.value.messages)
    assert grant(company, staff, reference="2025-77")
    assert DeMinimisAid.objects.count() == 2
