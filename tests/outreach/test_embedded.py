"""The embedded default (`make run`): reminders work without Redis and without PostgreSQL.

A real worker with its beat on kombu's filesystem transport and SQLite (as bin/run-embedded starts it)
runs a queued reminder sweep; the advisory lock falls back to a cache lock there. The reminder ends up in
the ledger, the app and the mailbox once, also when the sweep is queued twice.
"""

from tests.exportcenter.test_embedded_celery import CELERY, ROOT, embedded_env, manage, sent_mail, wait_for

__all__ = ["embedded_env"]  # the fixture, imported for this module's test

SETUP = """
from django.core.management import call_command
call_command("load_reference_data", verbosity=0)
from advisors.models import Organisation, Region, User
from companies.models import Company
from outreach import services
region = Region.objects.create(name="Exportcenter Uppsala län", slug="uppsala")
region.counties.add("03")
almi = Organisation.objects.create(name="Almi Uppsala", slug="almi", email="uppsala@almi.example")
almi.regions.add(region)
anna = User.objects.create_user("anna@almi.example", full_name="Anna Andersson", organisation=almi)
company = Company.objects.create(
    name="Enköping Svets AB", legal_form="limited_company", municipality_id="0381"
)
import datetime
services.create_follow_up(
    by=anna, owner=anna, company=company, description="Ring Karin", due_on=datetime.date(2026, 11, 24)
)
from outreach.tasks import sweep_reminders
sweep_reminders.delay("follow_up_due", "2026-11-24")
sweep_reminders.delay("follow_up_due", "2026-11-24")
"""


def test_reminders_work_with_the_embedded_broker_and_sqlite(embedded_env, tmp_path):
    import subprocess

    manage(embedded_env, "shell", "-c", SETUP)
    worker = subprocess.Popen(
        [CELERY, "-A", "exportcenter", "worker", "-B", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        delivered = wait_for(lambda: any("Ring Karin" in mail for mail in sent_mail(tmp_path)), timeout=60)
        # Give the second sweep time to run (it must add nothing).
        wait_for(lambda: False, timeout=3)
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0]
    assert delivered, f"no reminder email; worker log:\n{output[-3000:]}"
    assert sum(mail.count("Ring Karin") > 0 for mail in sent_mail(tmp_path)) == 1
    counts = manage(
        embedded_env,
        "shell",
        "-c",
        "from notifications.models import Notification, OutboundEmail, Reminder; "
        "print(Reminder.objects.count(), Notification.objects.count(), "
        "list(OutboundEmail.objects.values_list('status', flat=True)))",
    )
    assert counts.strip().splitlines()[-1] == "1 1 ['sent']"
