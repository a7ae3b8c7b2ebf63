"""Outreach: campaigns with members, activities, follow-ups."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from outreach.models import Activity, Campaign, CampaignMember, FollowUp

from .copying import CHUNK, Copier, _copier, _reserve_ids, _uuid
from .network import Network


def seed_campaigns(target: int, network: Network, companies, *, now: datetime) -> int:
    """`target` campaigns in all, spread over the regions, each with up to 200 member companies."""
    existing = Campaign.objects.filter(name__startswith="Volym ").count()
    ids, _contacts, counties = companies
    by_county: dict[int, list[int]] = {}
    for position in range(0, len(ids), max(1, len(ids) // 200_000)):
        by_county.setdefault(counties[position], []).append(ids[position])
    members = _copier(
        CampaignMember,
        [
            "campaign_id",
            "company_id",
            "status",
            "added_by_id",
            "added_at",
            "status_changed_at",
            "status_changed_by_id",
            "removed_at",
        ],
    )
    for index in range(existing, target):
        rng = random.Random(index + 31)
        region = network.regions[index % len(network.regions)]
        organisation = rng.choice(network.organisations[region.pk])
        lead = network.advisors[organisation.pk][0]
        starts = (now - timedelta(days=rng.randrange(700))).date()
        campaign = Campaign.objects.create(
            name=f"Volym {index + 1}: exportlyft {region.name}",
            goal="Fler exporterande företag.",
            region=region,
            organisation=organisation,
            starts_on=starts,
            ends_on=starts + timedelta(days=180),
            target_filter={},
            created_by_id=lead,
        )
        pool = [company for code in network.counties[region.pk] for company in by_county.get(int(code), [])]
        for company_id in rng.sample(pool, k=min(len(pool), rng.randint(50, 200))):
            status = rng.choice(list(CampaignMember.Status.values))
            changed = status != CampaignMember.Status.TO_CONTACT
            members.add(
                campaign.pk,
                company_id,
                status,
                lead,
                now,
                now if changed else None,
                lead if changed else None,
                None,
            )
    members.flush()
    return max(0, target - existing)


def seed_activities(target: int, network: Network, companies, *, now: datetime) -> int:
    existing = Activity.objects.filter(notes__startswith="(volym)").count()
    ids = companies[0]
    orgs = [org for region in network.regions for org in network.organisations[region.pk]]
    kinds = list(Activity.Kind.values)
    participants = Activity.participants.through
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        first = _reserve_ids(Activity, stop - start)
        rows = _copier(
            Activity,
            [
                "id",
                "public_id",
                "kind",
                "company_id",
                "occurred_on",
                "campaign_member_id",
                "request_id",
                "notes",
                "outcome",
                "organisation_id",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        )
        people = Copier(participants._meta.db_table, ["activity_id", "user_id"])
        for offset, index in enumerate(range(start, stop)):
            rng = random.Random(index * 13 + 5)
            organisation = rng.choice(orgs)
            author = rng.choice(network.advisors[organisation.pk][1:])
            when = now - timedelta(days=rng.randrange(3 * 365))
            rows.add(
                first + offset,
                _uuid(rng),
                rng.choice(kinds),
                ids[rng.randrange(len(ids))],
                when.date(),
                None,
                None,
                "(volym) Samtal om exportplaner och nästa steg.",
                "",
                organisation.pk,
                author,
                when,
                when,
            )
            people.add(first + offset, author)
        rows.flush()
        people.flush()
    return max(0, target - existing)


def seed_follow_ups(target: int, network: Network, companies, *, now: datetime) -> int:
    existing = FollowUp.objects.filter(description__startswith="(volym)").count()
    ids = companies[0]
    orgs = [org for region in network.regions for org in network.organisations[region.pk]]
    today = timezone.localdate(now)
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        rows = _copier(
            FollowUp,
            [
                "public_id",
                "owner_id",
                "organisation_id",
                "company_id",
                "description",
                "due_on",
                "remind_on",
                "status",
                "completed_at",
                "completed_by_id",
                "created_by_id",
                "version",
                "created_at",
                "updated_at",
            ],
        )
        for index in range(start, stop):
            rng = random.Random(index * 17 + 3)
            organisation = rng.choice(orgs)
            owner = rng.choice(network.advisors[organisation.pk][1:])
            due = today + timedelta(days=rng.randint(-60, 60))
            status = (
                "open" if due >= today or rng.random() < 0.3 else rng.choice(["done", "done", "cancelled"])
            )
            created = now - timedelta(days=rng.randint(61, 200))
            done = status != "open"
            rows.add(
                _uuid(rng),
                owner,
                organisation.pk,
                ids[rng.randrange(len(ids))],
                "(volym) Ring upp om offerten.",
                due,
                due - timedelta(days=rng.randint(0, 3)),
                status,
                now if done else None,
                owner if done else None,
                owner,
                2 if done else 1,
                created,
                now if done else created,
            )
        rows.flush()
    return max(0, target - existing)
