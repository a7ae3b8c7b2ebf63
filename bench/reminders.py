"""Benchmark: one reminder sweep over many due follow-ups, with one real Celery worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_bench_reminders \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/reminders.py --follow-ups 100000

Creates the database's schema if needed (migrate), empties the outreach and notification tables of that
database, and bulk-inserts `--follow-ups` open follow-ups due on one working day, spread over `--owners`
advisors (a third of them read English). Then it starts `celery worker` (default: `--pool=solo`, one
process) on a queue of its own and queues the `follow_up_due` sweep for that day, as beat would.

It reports:
- the sweep: from queueing until every reminder is in the ledger with its in-app notification and its
  outbox email (the part the 2-minute target is about);
- the delivery: until the outbox has sent every email (`--email-url`, default `dummymail://`: Django's
  dummy backend, so that the mail server's speed is not measured);
- the worker's peak memory (VmHWM of the worker process, and of its pool processes with --concurrency).

The worker runs with DEBUG off, as in production.

Use a database of its own: the tables named above are emptied.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcenter.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

CELERY = str(Path(sys.executable).with_name("celery"))
WORKER_OPTIONS = ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]


def next_working_day():
    from exportcenter.workdays import next_working_day as following

    return following(date.today() + timedelta(days=30))


def seed(total: int, owners: int, due: date) -> None:
    from advisors.models import Organisation, Region, User
    from companies.models import Company
    from outreach.models import FollowUp
    from outreach.services import remind_on
    from reference.loader import load_reference_data, reference_data_loaded

    if not reference_data_loaded():
        load_reference_data()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_reminder, notifications_notification, notifications_outboundemail, "
            "outreach_followup CASCADE"
        )
    region, _ = Region.objects.get_or_create(slug="bench", defaults={"name": "Bench region"})
    region.counties.add("03")
    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-partner", defaults={"name": "Bench partner", "email": "bench@partner.example"}
    )
    organisation.regions.add(region)
    people = []
    for n in range(owners):
        person, _ = User.objects.get_or_create(
            email=f"bench{n}@partner.example",
            defaults={
                "full_name": f"Rådgivare {n}",
                "organisation": organisation,
                "preferred_language": "en" if n % 3 == 0 else "sv",
            },
        )
        people.append(person)
    companies = list(Company.objects.filter(name__startswith="Bench company")[:50])
    for n in range(len(companies), 50):
        companies.append(
            Company.objects.create(
                name=f"Bench company {n} AB", legal_form="limited_company", municipality_id="0380"
            )
        )
    batch = []
    for n in range(total):
        batch.append(
            FollowUp(
                owner=people[n % owners],
                organisation=organisation,
                company=companies[n % len(companies)],
                description=f"Följ upp offerten om export till Tyskland ({n})",
                due_on=due,
                remind_on=remind_on(due),
            )
        )
        if len(batch) == 5000:
            FollowUp.objects.bulk_create(batch)
            batch = []
    FollowUp.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # Fresh statistics of the seeded table, as autovacuum keeps them on a live database.
        cursor.execute("ANALYZE outreach_followup")


def peak_memory_kib(pid: int) -> int:
    """VmHWM of a process and of its children (the pool processes of a prefork worker)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total


def counts():
    from notifications.models import Notification, OutboundEmail, Reminder

    return (
        Reminder.objects.count(),
        Notification.objects.count(),
        OutboundEmail.objects.count(),
        OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count(),
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--follow-ups", type=int, default=100_000)
    parser.add_argument("--owners", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=1, help="1: --pool=solo; more: prefork")
    parser.add_argument("--email-url", default="dummymail://")
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    if not settings.USING_POSTGRES or not settings.REDIS_URL:
        sys.exit("Set DATABASE_URL=postgres://… and REDIS_URL=redis://… (a database of its own).")

    call_command("migrate", verbosity=0)
    due = next_working_day()
    started = time.perf_counter()
    seed(args.follow_ups, args.owners, due)
    print(f"Seeded {args.follow_ups:,} follow-ups due {due} in {time.perf_counter() - started:.1f} s.")

    queue = f"bench-reminders-{uuid.uuid4().hex[:8]}"
    # The worker runs as in production: DEBUG off (Django then keeps no log of every query).
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + uuid.uuid4().hex * 2,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": args.email_url,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    pool = (
        ["--pool=solo"] if args.concurrency == 1 else ["--pool=prefork", f"--concurrency={args.concurrency}"]
    )
    log_path = ROOT / ".run" / "bench-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            [CELERY, "-A", "exportcenter", "worker", *pool, *WORKER_OPTIONS, "-Q", queue],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            measure(worker, queue, due, args)
            print(
                f"Pool: {' '.join(pool)}; chunk size {settings.REMINDER_CHUNK_SIZE}; worker log: {log_path}"
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            forget_queue(queue)


def measure(worker, queue: str, due: date, args) -> None:
    from exportcenter.celery import app

    time.sleep(3)  # let the worker connect
    t0 = time.perf_counter()
    app.send_task(
        "notifications.tasks.sweep_reminders",
        kwargs={"kind": "follow_up_due", "run_date": due.isoformat()},
        queue=queue,
    )
    swept = None
    peak = 0
    while time.perf_counter() - t0 < args.timeout:
        time.sleep(0.5)
        peak = max(peak, peak_memory_kib(worker.pid))
        ledger, notifications, outbox, sent = counts()
        if swept is None and ledger == notifications == outbox == args.follow_ups:
            swept = time.perf_counter() - t0
            print(f"Sweep done:     {swept:6.1f} s  ({args.follow_ups / swept:,.0f} reminders/s)", flush=True)
        if sent == args.follow_ups:
            delivered = time.perf_counter() - t0
            print(f"Emails sent:    {delivered:6.1f} s  ({args.follow_ups / delivered:,.0f} emails/s)")
            break
    else:
        print(f"Timed out after {args.timeout} s: {counts()} (ledger, notifications, outbox, sent)")
    peak = max(peak, peak_memory_kib(worker.pid))
    print(f"Worker peak memory (VmHWM): {peak / 1024:.0f} MiB")


def forget_queue(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)


if __name__ == "__main__":
    main()
