"""Benchmark: the shared inbox with many requests on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec_bench .venv/bin/python bench/inbox.py --requests 200000

Creates the database's schema if needed (migrate), seeds requests with bulk inserts until there are
`--requests` of them (kept between runs), then measures each inbox view and filter through the real view
(Django's test client): the number of queries, and the median and worst wall time of `--repeat` runs.
With `--explain` it prints PostgreSQL's plan of each list query, to show which index serves it.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcenter.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

SCENARIOS = [
    ("view=new", {"view": "new"}),
    ("view=open", {"view": "open"}),
    ("view=mine", {"view": "mine"}),
    ("view=organisation", {"view": "organisation"}),
    ("view=overdue", {"view": "overdue"}),
    ("view=closed", {"view": "closed"}),
    ("open + need", {"view": "open", "need": "buyer-credit-risk"}),
    ("open + market DE", {"view": "open", "target_market": "DE"}),
    ("open + municipality", {"view": "open", "municipality": "0380"}),
    ("open + county", {"view": "open", "county": "03"}),
    ("open + channel email", {"view": "open", "channel": "email"}),
    ("open + priority urgent", {"view": "open", "priority": "urgent"}),
    ("open + deadline overdue", {"view": "open", "deadline_state": "overdue"}),
    ("open + age older", {"view": "open", "age": "older"}),
    ("open + search word", {"view": "open", "q": "distributors"}),
    ("open + search company", {"view": "open", "q": "Verkstad"}),
    ("open + sort deadline", {"view": "open", "sort": "deadline"}),
]


def seed(total: int) -> None:
    from advisors.models import Organisation, Region, User
    from companies.models import Company
    from demo import companies as companies_demo
    from demo import partners as advisors_demo
    from referrals.models import AdviceRequest, NeedCategory
    from referrals.need_categories import seed_need_categories

    advisors_demo.seed()
    companies_demo.seed()
    seed_need_categories()
    existing = AdviceRequest.objects.count()
    if existing >= total:
        return
    rng = random.Random(42)
    region = Region.objects.get(slug="uppsala")
    companies = list(Company.objects.filter(municipality__county_id="03").values_list("pk", flat=True))
    organisations = list(Organisation.objects.serving(region).values_list("pk", flat=True))
    advisors = list(User.objects.filter(organisation__in=organisations).values_list("pk", "organisation_id"))
    needs = list(NeedCategory.objects.values_list("pk", flat=True))
    markets = ["DE", "NO", "DK", "FI", "NL", "GB", "US", "JP", "PL", "FR", "CN", "IN"]
    words = ["distributors", "financing", "customs", "trade fair", "payment", "partner", "tender", "licence"]
    now = timezone.now()
    year = now.year
    batch = 5000
    start = existing
    through = AdviceRequest.needs.through
    print(f"seeding {total - existing} requests …", flush=True)
    while start < total:
        rows = []
        for n in range(start, min(start + batch, total)):
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 730))
            status = rng.choices(
                ["new", "triaged", "in_progress", "waiting_for_company", "closed"], [5, 5, 10, 5, 75]
            )[0]
            owner = rng.choice(advisors) if status != "new" and rng.random() < 0.7 else None
            due = created + timedelta(days=1)
            responded = created + timedelta(hours=rng.randint(1, 40)) if status != "new" else None
            rows.append(
                AdviceRequest(
                    reference=f"EC-B{year}-{n:07d}",
                    year=year,
                    number=10_000_000 + n,
                    status=status,
                    channel=rng.choices(["web", "email", "phone", "meeting", "outreach"], [6, 2, 1, 1, 1])[0],
                    region=region,
                    company_id=rng.choice(companies),
                    target_markets=",".join(sorted(rng.sample(markets, k=rng.randint(1, 3)))),
                    description=f"We need help with {rng.choice(words)} and {rng.choice(words)}. #{n}",
                    owner_organisation_id=owner[1] if owner else None,
                    owner_advisor_id=owner[0] if owner else None,
                    priority=rng.choices(["low", "normal", "high", "urgent"], [1, 20, 3, 1])[0],
                    outcome="helped" if status == "closed" else "",
                    first_response_due_at=due,
                    first_response_at=responded,
                    closed_at=responded if status == "closed" else None,
                )
            )
        with transaction.atomic():
            created_rows = AdviceRequest.objects.bulk_create(rows)
            through.objects.bulk_create(
                [
                    through(advicerequest_id=row.pk, needcategory_id=need)
                    for row in created_rows
                    for need in rng.sample(needs, k=rng.randint(1, 2))
                ]
            )
            # created_at is auto_now_add: spread the requests over two years afterwards.
        start += batch
        print(f"  {start}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_advicerequest SET created_at = first_response_due_at - interval '1 day' "
            "WHERE reference LIKE 'EC-B%%'"
        )
        cursor.execute("ANALYZE")


def measure(repeat: int, explain: bool) -> None:
    from advisors.models import User
    from referrals import selectors

    advisor = User.objects.get(email="anna.advisor@almi.example")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(advisor)
    print(f"\n{'scenario':28} {'queries':>7} {'median ms':>10} {'max ms':>8}  rows on page")
    for name, params in SCENARIOS:
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/en/advisor/requests/", params)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        rows = response.content.decode().count('<tr id="row-')
        print(f"{name:28} {len(queries):>7} {statistics.median(timings):>10.1f} {max(timings):>8.1f}  {rows}")
        if explain:
            inbox = selectors.inbox_for(advisor, params.get("view", "new"), params)
            sql, args = inbox.requests[:25].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS off, COSTS off) {sql}", args)
                for (line,) in cursor.fetchall():
                    print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not settings.USING_POSTGRES:
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is created and migrated here).")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    seed(args.requests)
    from referrals.models import AdviceRequest

    print(f"{AdviceRequest.objects.count()} requests in the database")
    measure(args.repeat, args.explain)


if __name__ == "__main__":
    main()
