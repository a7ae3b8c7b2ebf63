"""The moves of code-health issue 13 run on a database that holds data: the reference data (counties,
municipalities, SNI, turnover classes) from `companies` to `reference`, and the service catalogue from
`advisors` to `referrals`. Only Django's state moves; this module checks that no row, foreign key or
many-to-many link is lost on the way.

`BEFORE` is the leaf migration of each app at commit a4a94b1, the last commit before the moves. Rows are
written through that state's historical models (the code of the time), the database is migrated to the head
with Django's MigrationExecutor, and the rows are read back through today's models.

Used in-process on PostgreSQL (test_moves_keep_data.py) and, through `main()`, in a subprocess on SQLite.
"""

import json
import sys

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaf migrations at a4a94b1. `reference` did not exist: None unapplies all of it.
BEFORE = [
    ("audit", "0001_initial"),
    ("advisors", "0003_triage_duty"),
    ("companies", "0007_company_event_kinds_registered"),
    ("notifications", "0006_kinds_registered_by_their_apps"),
    ("referrals", "0006_referrals"),
    ("outreach", "0001_initial"),
    ("dashboards", "0001_initial"),
    ("reference", None),
]

# The migrations that move the models, each only in Django's state.
MOVES = [
    ("reference", "0001_initial"),
    ("advisors", "0005_region_counties_reference"),
    ("companies", "0009_reference_data_moved"),
    ("advisors", "0006_service_moved_to_referrals"),
    ("referrals", "0008_service_catalogue"),
]

# Rows of the moved tables and of the tables pointing to them. Table names are unchanged by the moves.
TABLES = [
    "companies_county",
    "companies_municipality",
    "companies_snisection",
    "companies_snicode",
    "companies_turnoverclass",
    "companies_company",
    "advisors_region_counties",
    "advisors_service",
    "advisors_service_needs",
]


def migrate_to(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def migrate_to_head() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_apps():
    nodes = [(app, name) for app, name in BEFORE if name is not None] + [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def write_old_rows(apps) -> dict:
    """Companies, a region's counties, organisations with services and their needs, an admin log entry on a
    county and one on a service, all written through the historical models of BEFORE."""
    County = apps.get_model("companies", "County")
    Municipality = apps.get_model("companies", "Municipality")
    SNICode = apps.get_model("companies", "SNICode")
    TurnoverClass = apps.get_model("companies", "TurnoverClass")
    Company = apps.get_model("companies", "Company")
    Region = apps.get_model("advisors", "Region")
    Organisation = apps.get_model("advisors", "Organisation")
    User = apps.get_model("advisors", "User")
    Service = apps.get_model("advisors", "Service")
    NeedCategory = apps.get_model("referrals", "NeedCategory")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")

    region = Region.objects.create(name="Exportcenter Flyttlän", slug="flyttlan")
    region.counties.set(County.objects.filter(code__in=["03", "21"]))
    almi = Organisation.objects.create(
        name="Almi Flytt", slug="almi-flytt", kind="almi", email="a@flytt.example"
    )
    ekn = Organisation.objects.create(name="EKN Flytt", slug="ekn-flytt", kind="ekn", email="e@flytt.example")
    almi.regions.set([region])
    ekn.regions.set([region])
    lead = User.objects.create(
        email="lead@flytt.example", full_name="Lena Lead", organisation=almi, role="organisation_lead"
    )
    finance = NeedCategory.objects.create(slug="flytt-finance", name_sv="Finansiering", name_en="Finance")
    markets = NeedCategory.objects.create(slug="flytt-markets", name_sv="Marknader", name_en="Markets")
    loan = Service.objects.create(
        organisation=almi,
        name_sv="Exportlån",
        name_en="Export loan",
        employee_bands=["10-19", "20-49"],
        turnover_classes=[3, 4],
        sni_sections=["C"],
        updated_by=lead,
        version=3,
    )
    loan.needs.set([finance, markets])
    guarantee = Service.objects.create(organisation=ekn, name_sv="Exportkreditgaranti", name_en="Guarantee")
    guarantee.needs.set([finance])
    Service.objects.create(organisation=ekn, name_sv="Avslutad tjänst", name_en="Closed", is_active=False)

    uppsala, gavle = Municipality.objects.get(code="0380"), Municipality.objects.get(code="2180")
    codes = list(SNICode.objects.order_by("code")[:3])
    turnover = list(TurnoverClass.objects.order_by("code"))
    for n, (municipality, sni, band, turnover_class) in enumerate(
        [
            (uppsala, codes[0], "10-19", turnover[3]),
            (gavle, codes[1], "500+", turnover[12]),
            (uppsala, codes[2], "", None),
            (gavle, None, "0", turnover[0]),
        ]
    ):
        Company.objects.create(
            org_number=f"55669{n:05d}",
            legal_form="limited_company",
            name=f"Flyttföretag {n} AB",
            municipality=municipality,
            sni_code=sni,
            employee_band=band,
            turnover_class=turnover_class,
            responsible_organisation=almi,
            source="advisor",
        )

    log_entries = {}
    for app_label, model, object_id in [("companies", "county", "03"), ("advisors", "service", str(loan.pk))]:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        log_entries[f"{app_label}.{model}"] = LogEntry.objects.create(
            user_id=lead.pk,
            content_type_id=content_type.pk,
            object_id=object_id,
            object_repr=object_id,
            action_flag=2,
            change_message="[]",
        ).pk
    return {"loan": loan.pk, "finance": finance.pk, "log_entries": log_entries}


def old_snapshot(apps) -> dict:
    """Everything the moves must keep, read through the historical models of BEFORE."""
    Company = apps.get_model("companies", "Company")
    Municipality = apps.get_model("companies", "Municipality")
    SNICode = apps.get_model("companies", "SNICode")
    Region = apps.get_model("advisors", "Region")
    Service = apps.get_model("advisors", "Service")
    return {
        "counts": table_counts(),
        "companies": [
            [
                c.pk,
                c.municipality_id,
                c.municipality.county_id,
                c.sni_code_id,
                c.turnover_class_id,
                c.employee_band,
            ]
            for c in Company.objects.order_by("pk")
        ],
        "municipalities": sorted([m.code, m.county_id, m.short_name] for m in Municipality.objects.all()),
        "sni_codes": sorted([s.code, s.section_id, s.division_name_en] for s in SNICode.objects.all()),
        "region_counties": sorted(
            [r.slug, sorted(r.counties.values_list("code", flat=True))] for r in Region.objects.all()
        ),
        "services": services_of(Service),
    }


def new_snapshot() -> dict:
    """The same, read through today's models."""
    from advisors.models import Region
    from companies.models import Company
    from reference.models import Municipality, SNICode
    from referrals.models import Service

    return {
        "counts": table_counts(),
        "companies": [
            [
                c.pk,
                c.municipality_id,
                c.municipality.county_id,
                c.sni_code_id,
                c.turnover_class_id,
                c.employee_band,
            ]
            for c in Company.objects.select_related("municipality").order_by("pk")
        ],
        "municipalities": sorted([m.code, m.county_id, m.short_name] for m in Municipality.objects.all()),
        "sni_codes": sorted([s.code, s.section_id, s.division_name_en] for s in SNICode.objects.all()),
        "region_counties": sorted(
            [r.slug, sorted(r.counties.values_list("code", flat=True))] for r in Region.objects.all()
        ),
        "services": services_of(Service),
    }


def services_of(Service) -> list:
    return [
        [
            s.pk,
            s.organisation_id,
            s.name_sv,
            s.employee_bands,
            s.turnover_classes,
            s.sni_sections,
            s.is_active,
            s.version,
            s.updated_by_id,
            sorted(s.needs.values_list("slug", flat=True)),
        ]
        for s in Service.objects.order_by("pk")
    ]


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (fixed names)
            counts[table] = cursor.fetchone()[0]
    return counts


def moved_log_entries(written: dict) -> dict[str, str]:
    """The app and model each admin log entry's content type names after the moves."""
    from django.contrib.admin.models import LogEntry

    return {
        old: f"{entry.content_type.app_label}.{entry.content_type.model}"
        for old, pk in written["log_entries"].items()
        for entry in [LogEntry.objects.select_related("content_type").get(pk=pk)]
    }


def run() -> dict:
    """On a database at the head with the reference data loaded: down to BEFORE, rows, up to the head."""
    migrate_to(BEFORE)
    apps = old_apps()
    written = write_old_rows(apps)
    before = old_snapshot(apps)
    migrate_to_head()
    return {
        "before": before,
        "after": new_snapshot(),
        "written": written,
        "log_entries": moved_log_entries(written),
    }


def main() -> None:
    """For a subprocess on a SQLite database: migrate it (if need be), load the reference data, run, print
    the result as JSON."""
    import io

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=io.StringIO())
    json.dump(run(), sys.stdout, default=str)


if __name__ == "__main__":
    main()
