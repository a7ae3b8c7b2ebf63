"""Volume data for benchmarks: a national export center network at scale (`manage.py seed_volume`).

PostgreSQL only. Regions, partners and people go through the ORM (a few hundred rows); companies, requests
and everything hanging off them are written with COPY from an in-memory buffer, in chunks, so memory stays
bounded whatever the size. Rows look like those the services write: versions, references EC-YYYY-NNNNNN
taken from the year's ReferenceCounter, timelines, owner_since, first-response stamps, notifications and
outbox rows.

Re-runnable: the volume data is recognised by its own markers (organisation numbers in the 502–509 series
of limited companies, request idempotency keys "volume-N", slugs "vol-..."), counted, and topped up to the
asked size with the next deterministic indexes. It leaves seed_demo's data alone.

The package, by subject: `copying` (COPY buffers and reserved ids), `network` (regions, partners, people
and goals), `companies` (companies and their contacts), `writers` (the column lists and COPY writers of a
request and what hangs off it), `requests` (requests, their timelines, referrals, notifications and outbox),
`outreach` (campaigns, activities, follow-ups), `projects` (EU-funded projects, participations, support,
de minimis aid, undertaking links) and `bulk` (bulk-load mode: secondary indexes, ANALYZE).
"""

from .bulk import (
    BULK_TABLES,
    PENDING_INDEXES,
    analyze,
    create_indexes,
    drop_secondary_indexes,
    is_superuser,
    pending_indexes,
)
from .companies import (
    COMPANY_COLUMNS,
    CONTACT_COLUMNS,
    ORG_BASE,
    count_companies,
    load_companies,
    org_number,
    seed_companies,
)
from .copying import CHUNK, Copier
from .network import ADVISORS_PER_ORG, FIRST_NAMES, PARTNER_KINDS, Network, seed_network
from .outreach import seed_activities, seed_campaigns, seed_follow_ups
from .projects import count_projects, seed_projects
from .requests import (
    CHANNEL_WEIGHTS,
    DECLINE,
    MARKETS,
    MESSAGE,
    NOTE,
    OUTCOME_WEIGHTS,
    PRIORITY_WEIGHTS,
    REPLY,
    REQUEST_KEY,
    STATUS_WEIGHTS,
    YEARS_BACK,
    count_requests,
    seed_requests,
)
from .writers import EVENT_COLUMNS, REFERRAL_COLUMNS, REQUEST_COLUMNS

__all__ = [
    "ADVISORS_PER_ORG",
    "BULK_TABLES",
    "CHANNEL_WEIGHTS",
    "CHUNK",
    "COMPANY_COLUMNS",
    "CONTACT_COLUMNS",
    "DECLINE",
    "EVENT_COLUMNS",
    "FIRST_NAMES",
    "MARKETS",
    "MESSAGE",
    "NOTE",
    "ORG_BASE",
    "OUTCOME_WEIGHTS",
    "PARTNER_KINDS",
    "PENDING_INDEXES",
    "PRIORITY_WEIGHTS",
    "REFERRAL_COLUMNS",
    "REPLY",
    "REQUEST_COLUMNS",
    "REQUEST_KEY",
    "STATUS_WEIGHTS",
    "YEARS_BACK",
    "Copier",
    "Network",
    "analyze",
    "count_companies",
    "count_projects",
    "count_requests",
    "create_indexes",
    "drop_secondary_indexes",
    "is_superuser",
    "load_companies",
    "org_number",
    "pending_indexes",
    "seed_activities",
    "seed_campaigns",
    "seed_companies",
    "seed_follow_ups",
    "seed_network",
    "seed_projects",
    "seed_requests",
]
