import resource
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from dashboards import facts as dashboard_facts
from demo import volume
from reference.scb import load_samples


class Command(BaseCommand):
    help = (
        "Load volume data for benchmarks: every county's region and partners, companies, requests in every "
        "state with their timelines, referrals, co-handling, outreach and notifications. PostgreSQL only; "
        "tops up to the asked sizes (safe to re-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=10_000)
        parser.add_argument("--requests", type=int, default=20_000)
        parser.add_argument("--activities", type=int, default=None, help="Default: a fifth of --requests.")
        parser.add_argument("--follow-ups", type=int, default=None, help="Default: a tenth of --requests.")
        parser.add_argument("--campaigns", type=int, default=None, help="Default: two per region.")
        parser.add_argument(
            "--projects", type=int, default=None, help="Default: one per 2,000 --companies (at least one)."
        )
        parser.add_argument("--regions", type=int, default=21, help="One per county, in county code order.")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="Maintain every index while loading. By default, a load that at least doubles the volume "
            "data (and adds 50,000 rows or more) drops the secondary indexes of the big tables and builds "
            "them again at the end, which is several times faster.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_volume writes with COPY and needs PostgreSQL.")
        if not 1 <= options["regions"] <= 21:
            raise CommandError("--regions must be between 1 and 21.")
        call_command("load_reference_data", stdout=self.stdout)
        started, now = time.monotonic(), timezone.now()
        with connection.cursor() as cursor:  # a crash loses the last chunks, which a re-run adds
            cursor.execute("SET synchronous_commit = off")
        if pending := volume.pending_indexes():
            self._run(
                f"indexes left by an interrupted load ({len(pending)} built)",
                lambda: volume.create_indexes(pending) or 0,
            )
        network = volume.seed_network(options["regions"])
        companies_before, requests_before = volume.count_companies(), volume.count_requests()
        adding = max(0, options["companies"] - companies_before) + max(
            0, options["requests"] - requests_before
        )
        rebuild = (
            not options["keep_indexes"] and adding >= 50_000 and adding >= companies_before + requests_before
        )
        indexes = volume.drop_secondary_indexes() if rebuild else []
        # A superuser also skips the foreign-key triggers while loading (the rows are built coherent, and the
        # tests check them with the triggers on); anyone else loads with every check.
        skip_triggers = rebuild and volume.is_superuser()
        if skip_triggers:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        try:
            self._run("companies", lambda: volume.seed_companies(options["companies"], network, now=now))
            companies = volume.load_companies()
            requests = options["requests"]
            for name, target, seed in (
                ("requests", requests, volume.seed_requests),
                ("campaigns", _or(options["campaigns"], 2 * len(network.regions)), volume.seed_campaigns),
                ("activities", _or(options["activities"], requests // 5), volume.seed_activities),
                ("follow-ups", _or(options["follow_ups"], requests // 10), volume.seed_follow_ups),
                (
                    "projects",
                    _or(options["projects"], max(1, options["companies"] // 2000)),
                    volume.seed_projects,
                ),
            ):
                self._run(name, lambda seed=seed, target=target: seed(target, network, companies, now=now))
        finally:
            if skip_triggers:
                with connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role = DEFAULT")
            if indexes:
                self._run(f"indexes ({len(indexes)} rebuilt)", lambda: volume.create_indexes(indexes) or 0)
        self._run("sample county statistics", lambda: load_samples()[1].rows)
        # The dashboards read their request counts from the daily figures: COPY went around the signals.
        self._run("dashboard figures", lambda: dashboard_facts.rebuild())
        self._run("analyze", lambda: volume.analyze() or 0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"Volume data ready in {time.monotonic() - started:.1f} s, peak RSS {peak:.0f} MB."
            )
        )
        staff = next(iter(network.staff.values()))[0]
        self.stdout.write(f"Sign in as {staff.email} (regional staff) with the demo password.")

    def _run(self, name, step):
        started = time.monotonic()
        added = step()
        seconds = time.monotonic() - started
        rate = added / seconds if seconds else 0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"{name}: {added} added in {seconds:.1f} s ({rate:,.0f}/s), peak RSS {peak:.0f} MB")


def _or(value, default):
    return default if value is None else value
