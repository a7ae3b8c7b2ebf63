"""The embedded default (`make run`): reminders work without Redis and without PostgreSQL.

A real worker with its beat on kombu's filesystem transport and SQLite (as bin/run-embedded starts it)
runs a queued reminder sweep; the advisory lock falls back to a cache lock there. The reminder ends up in
the ledger, the app and the mailbox once, also when the sweep is queued twice.
"""

import re

from tests.exportcenter.test_embedded_celery import CELERY, ROOT, embedded_env, manage, sent_mail
from tests.waiting import wait_until

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
from notifications.tasks import sweep_reminders
sweep_reminders.delay("follow_up_due", "2026-11-24")
sweep_reminders.delay("follow_up_due", "2026-11-24")
"""


SWEEP_DONE = re.compile(r"Task [\w.]+\.sweep_reminders\[[^\]]+\] succeeded")


def test_reminders_work_with_the_embedded_broker_and_sqlite(embedded_env, tmp_path):
    import subprocess

    manage(embedded_env, "shell", "-c", SETUP)
    log = tmp_path / "worker.log"
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [CELERY, "-A", "exportcenter", "worker", "-B", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=embedded_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            delivered = wait_until(
                lambda: any("Ring Karin" in mail for mail in sent_mail(tmp_path)), timeout=60, interval=0.1
            )
            # The second sweep must have run too (and added nothing).
            wait_until(lambda: len(SWEEP_DONE.findall(log.read_text())) >= 2, timeout=30, interval=0.1)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    output = log.read_text()
    assert len(SWEEP_DONE.findall(output)) >= 2, f"both sweeps should have run; worker log:\n{output[-3000:]}"
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
