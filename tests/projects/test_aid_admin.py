"""The admin of participations, aid and undertaking links: the lists open, aid is read-only."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.projects.aid_helpers import *  # noqa: F403 - fixtures
from tests.projects.factories import (
    DeMinimisAidFactory,
    ParticipationFactory,
    SupportFactory,
    UndertakingLinkFactory,
)


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


def test_the_admin_lists_open_and_aid_is_read_only(client, superuser, company, project):
    participation = ParticipationFactory(project=project, company=company)
    SupportFactory(participation=participation)
    aid = DeMinimisAidFactory(company=company)
    UndertakingLinkFactory()
    client.force_login(superuser)
    for name in ("participation", "deminimisaid", "undertakinglink"):
        assert client.get(reverse(f"admin:projects_{name}_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:projects_participation_change", args=[participation.pk])).status_code == 200
    )
    assert client.get(reverse("admin:projects_deminimisaid_add")).status_code == 403
    page = client.get(reverse("admin:projects_deminimisaid_change", args=[aid.pk]))
    assert page.status_code == 200 and 'name="amount"' not in page.content.decode()
