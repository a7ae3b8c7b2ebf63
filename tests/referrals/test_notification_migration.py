"""The migration that stores notifications as a kind and parameters, run for real on the database: rows
written by the old code (a title in one language) come out as parameters and read in either language;
nothing is lost, and the preferences keep their choices."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from notifications.models import Notification, NotificationPreference

BEFORE = [("notifications", "0004_reminders_and_preferences")]
AFTER = [("notifications", "0005_notification_params")]


@pytest.fixture
def old_state(transactional_db, owned_request):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    call_command("migrate", verbosity=0)  # leave the database at the head for the next tests


def test_old_rows_become_kind_and_parameters_and_nothing_is_lost(owned_request, advisor, old_state):
    OldNotification = old_state.get_model("notifications", "Notification")
    OldPreference = old_state.get_model("notifications", "EmailPreference")
    OldNotification.objects.all().delete()
    OldNotification.objects.create(
        recipient_id=advisor.pk,
        kind="new_request",
        title=f"Nytt ärende {owned_request.reference} från Knivsta Konsult AB",
        url=f"/advisor/requests/{owned_request.public_id}/",
        key=f"new-request:{owned_request.pk}",
    )
    OldNotification.objects.create(
        recipient_id=advisor.pk, kind="new_request", title="Något som inte går att spåra", key="lost:1"
    )
    OldPreference.objects.create(user_id=advisor.pk, kind="weekly_digest", email=False)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    call_command("migrate", verbosity=0)

    assert Notification.objects.count() == 2
    traced = Notification.objects.get(key=f"new-request:{owned_request.pk}")
    assert traced.params["reference"] == owned_request.reference
    with translation.override("en"):
        assert traced.title == f"New request {owned_request.reference} from Knivsta Konsult AB"
        assert traced.url == f"/en/advisor/requests/{owned_request.public_id}/"
    kept = Notification.objects.get(key="lost:1")
    assert kept.title == "Något som inte går att spåra"  # words kept as they were
    preference = NotificationPreference.objects.get(user=advisor, kind="weekly_digest")
    assert (preference.in_app, preference.email) == (True, False)
