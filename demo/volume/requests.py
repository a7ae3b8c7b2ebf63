"""Requests with their timelines, referrals, co-handling, notifications and outbox rows."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from demo import companies as companies_demo
from referrals.models import AdviceRequest, NeedCategory, ReferenceCounter, Referral

from .copying import CHUNK, _pick, _reserve_ids, _uuid
from .network import Network
from .writers import _profiles, _Writers

REQUEST_KEY = "volume-"
YEARS_BACK = 3
STATUS_WEIGHTS = {"new": 5, "triaged": 8, "in_progress": 15, "waiting_for_company": 7, "closed": 65}
OUTCOME_WEIGHTS = {"helped": 60, "referred_onward": 15, "no_further_action": 18, "duplicate": 4, "spam": 3}
CHANNEL_WEIGHTS = {"web": 70, "email": 10, "phone": 10, "meeting": 5, "outreach": 5}
PRIORITY_WEIGHTS = {"low": 10, "normal": 75, "high": 12, "urgent": 3}
MARKETS = list(companies_demo.MARKETS)
MESSAGE = "Tack för er förfrågan. Vi återkommer med förslag på nästa steg."
REPLY = "Tack! Vi har skickat underlagen."
NOTE = "Överlämning: företaget vill ha hjälp med marknadsval och finansiering."
DECLINE = "Vi har inte kapacitet just nu; föreslår en annan partner."


def count_requests() -> int:
    return AdviceRequest.objects.filter(idempotency_key__startswith=REQUEST_KEY).count()


def _next_working_day_end(moment: datetime) -> datetime:
    day = moment + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=16, minute=0, second=0, microsecond=0)


def seed_requests(target: int, network: Network, companies, *, now: datetime) -> int:
    existing = count_requests()
    if existing >= target or not len(companies[0]):
        return 0
    ids, contacts, counties = companies
    region_of = {int(code): region.pk for region in network.regions for code in network.counties[region.pk]}
    needs = list(NeedCategory.objects.filter(is_active=True).values_list("pk", flat=True))
    created = 0
    for start in range(existing, target, CHUNK):
        stop = min(start + CHUNK, target)
        with transaction.atomic():
            counters = {
                counter.year: counter
                for counter in ReferenceCounter.objects.select_for_update().filter(
                    year__gte=now.year - YEARS_BACK
                )
            }
            first_request = _reserve_ids(AdviceRequest, stop - start)
            first_referral = _reserve_ids(Referral, 2 * (stop - start))
            next_referral = first_referral
            writers = _Writers()
            # What each request's company says about itself (kept on web requests): this chunk's companies.
            positions = [
                random.Random(index * 104_729 + 7).randrange(len(ids)) for index in range(start, stop)
            ]
            profiles = _profiles([ids[position] for position in positions])
            for offset, index in enumerate(range(start, stop)):
                rng = random.Random(index * 104_729 + 7)
                request_id = first_request + offset
                position = rng.randrange(len(ids))
                company_id, contact_id = ids[position], contacts[position]
                region_id = region_of[counties[position]]
                partners = network.organisations[region_id]
                status = _pick(rng, STATUS_WEIGHTS)
                age = (
                    rng.randrange(10 * 86400) if status == "new" else rng.randrange(YEARS_BACK * 365 * 86400)
                )
                created_at = now - timedelta(seconds=age + 3600)
                year = timezone.localtime(created_at).year
                counter = counters.get(year)
                if counter is None:
                    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
                    counters[year] = counter
                counter.last_number += 1
                number = counter.last_number
                reference = f"EC-{year}-{number:06d}"
                channel = _pick(rng, CHANNEL_WEIGHTS)
                due = _next_working_day_end(created_at)
                chosen = rng.sample(needs, k=rng.randint(1, 3))
                operator = network.operator[region_id]
                events = [("created", None, "", None, {"channel": channel}, None, created_at)]
                owner_org = owner = owner_since = first_response = closed_at = missed = None
                outcome, version, moment = "", 1, created_at
                profile = profiles[company_id]
                request_params = {
                    "request": str(_uuid(rng)),
                    "reference": reference,
                    "company": profile["name"],
                }
                public_id = request_params["request"]
                if status != "new":
                    moment = created_at + timedelta(hours=rng.randint(1, 40))
                    owner_org = rng.choice(partners) if rng.random() < 0.6 else operator
                    owner_since = moment
                    triager = network.advisors[operator.pk][1]
                    events.append(
                        ("assigned", triager, "", operator.pk, {"organisation": owner_org.pk}, None, moment)
                    )
                    events.append(
                        (
                            "status_changed",
                            triager,
                            "",
                            operator.pk,
                            {"from": "new", "to": "triaged"},
                            None,
                            moment,
                        )
                    )
                    first_response, version = moment, 3
                    if moment > due:
                        missed = due
                        events.append(("deadline_missed", None, "", None, {}, None, due))
                    # Referrals: accepted, declined then re-referred, pending, or needs co-handled.
                    roll = rng.random()
                    others = [org for org in partners if org.pk != owner_org.pk]
                    if roll < 0.22 and others:
                        moment += timedelta(hours=rng.randint(1, 30))
                        sender = rng.choice(network.advisors[owner_org.pk])
                        first_to = rng.choice(others)
                        plan = (
                            ["declined", "accepted"]
                            if roll < 0.05
                            else ["pending"]
                            if roll < 0.08 and status != "closed"
                            else ["accepted"]
                        )
                        scope = "needs" if 0.16 <= roll < 0.22 else "whole"
                        to = first_to
                        for outcome_of_referral in plan:
                            referral_id = next_referral
                            next_referral += 1
                            answered = moment + timedelta(hours=rng.randint(1, 20))
                            answerer = rng.choice(network.advisors[to.pk])
                            pending = outcome_of_referral == "pending"
                            writers.referrals.add(
                                referral_id,
                                _uuid(rng),
                                request_id,
                                owner_org.pk,
                                to.pk,
                                sender,
                                scope,
                                NOTE,
                                True,
                                "phone",
                                "",
                                outcome_of_referral,
                                _next_working_day_end(moment),
                                None if pending else answered,
                                None if pending else answerer,
                                answerer if outcome_of_referral == "accepted" else None,
                                DECLINE if outcome_of_referral == "declined" else "",
                                1 if pending else 2,
                                moment,
                                moment if pending else answered,
                            )
                            referred_needs = chosen[:1] if scope == "needs" else []
                            for need in referred_needs:
                                writers.referral_needs.add(referral_id, need)
                            events.append(
                                (
                                    "referred",
                                    sender,
                                    NOTE,
                                    owner_org.pk,
                                    {"to": to.pk, "scope": scope},
                                    referral_id,
                                    moment,
                                )
                            )
                            writers.notifications.add(
                                answerer,
                                "referral_received",
                                request_params,
                                f"referral-received:{referral_id}",
                                answered if not pending else None,
                                moment,
                            )
                            if pending:
                                break
                            kind = f"referral_{outcome_of_referral}"
                            events.append((kind, answerer, "", to.pk, {"to": to.pk}, referral_id, answered))
                            moment = answered
                            if outcome_of_referral == "accepted":
                                if scope == "whole":
                                    owner_org, owner_since = to, answered
                                else:
                                    for need in referred_needs:
                                        writers.co_handling.add(
                                            request_id, to.pk, need, referral_id, answered
                                        )
                            else:
                                to = rng.choice([org for org in others if org.pk != to.pk] or others)
                            version += 1
                    if status in ("in_progress", "waiting_for_company", "closed"):
                        moment += timedelta(hours=rng.randint(1, 48))
                        owner = rng.choice(network.advisors[owner_org.pk][1:])
                        events.append(("claimed", owner, "", owner_org.pk, {}, None, moment))
                        events.append(
                            (
                                "status_changed",
                                owner,
                                "",
                                owner_org.pk,
                                {"from": "triaged", "to": "in_progress"},
                                None,
                                moment,
                            )
                        )
                        events.append(("message_to_company", owner, MESSAGE, owner_org.pk, {}, None, moment))
                        version += 2
                    if status == "waiting_for_company":
                        moment += timedelta(hours=1)
                        events.append(
                            (
                                "status_changed",
                                owner,
                                "",
                                owner_org.pk,
                                {"from": "in_progress", "to": "waiting_for_company"},
                                None,
                                moment,
                            )
                        )
                        version += 1
                    elif status in ("in_progress", "closed") and rng.random() < 0.4:
                        moment += timedelta(days=rng.randint(1, 5))
                        events.append(("message_from_company", None, REPLY, None, {}, None, moment))
                    if status == "closed":
                        moment += timedelta(days=rng.randint(1, 60))
                        outcome = _pick(rng, OUTCOME_WEIGHTS)
                        closed_at = moment
                        events.append(
                            (
                                "status_changed",
                                owner,
                                "",
                                owner_org.pk,
                                {"from": "in_progress", "to": "closed", "outcome": outcome},
                                None,
                                moment,
                            )
                        )
                        version += 1
                    moment = min(moment, now)
                elif created_at + timedelta(seconds=0) > due or now > due:
                    missed = due if now > due else None
                    if missed:
                        events.append(("deadline_missed", None, "", None, {}, None, due))
                if status == "new":
                    for person in network.advisors[operator.pk][1:2]:
                        writers.notifications.add(
                            person,
                            "new_request",
                            request_params,
                            f"new-request:{request_id}",
                            None,
                            created_at,
                        )
                language = "en" if rng.random() < 0.08 else "sv"
                writers.requests.add(
                    request_id,
                    public_id,
                    reference,
                    year,
                    number,
                    status,
                    channel,
                    region_id,
                    company_id,
                    contact_id,
                    ",".join(rng.sample(MARKETS, k=rng.randint(1, 3))),
                    "Vi vill börja exportera och behöver hjälp med marknadsval, finansiering och kontakter.",
                    rng.choice(["goods", "services", "both"]),
                    language,
                    "email",
                    profile if channel == "web" else {},
                    owner_org.pk if owner_org else None,
                    owner,
                    owner_since,
                    _pick(rng, PRIORITY_WEIGHTS),
                    outcome,
                    "" if not outcome else "Avslutat.",
                    None,
                    due,
                    first_response,
                    missed,
                    closed_at,
                    f"{REQUEST_KEY}{index}",
                    rng.random() < 0.001,
                    None,
                    version,
                    created_at,
                    max(moment, created_at),
                )
                for need in chosen:
                    writers.needs.add(request_id, need)
                for kind, actor, body, organisation, data, referral, at in events:
                    writers.events.add(
                        request_id, kind, actor, body, "all", organisation, data, referral, min(at, now)
                    )
                writers.outbox.add(
                    f"request-confirmation:{request_id}",
                    f"kontakt{index}@volume.example",
                    f"Vi har tagit emot ert ärende {reference}",
                    MESSAGE,
                    "",
                    "sent",
                    1,
                    "",
                    created_at,
                    created_at,
                    created_at + timedelta(seconds=5),
                )
            writers.flush()
            for counter in counters.values():
                counter.save(update_fields=["last_number"])
        created += stop - start
    return created
