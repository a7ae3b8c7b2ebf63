"""The reminder machinery: one generic sweep for every kind of reminder.

A kind (`outreach/reminder_kinds.py`, `referrals/reminder_kinds.py`, registered with `@register` when
their app is ready) says three things: which targets are due on a run date
(`candidates`), who gets what about each of them (`plan`), and what the reminder says (`content`).
Everything else is shared:

1. `sweep(kind, run_date)` runs under an advisory lock per kind (`exportcenter.locks`), so that an
   overlapping sweep or a second beat returns at once. It walks the candidates' primary keys in
   keyset-paginated chunks and, after commit, queues one `send_reminders` task per chunk with the ids and
   the run date. The run date is fixed by the sweep: a chunk that waited in a backlog still works for the
   day it was meant for.
2. `send(kind, run_date, ids)` (the child task) plans the chunk's reminders and, in one transaction,
   inserts them into the ledger (`notifications.Reminder`, INSERT … ON CONFLICT DO NOTHING). Only the
   rows this call inserted get an in-app notification (always) and an outbox email (if the recipient's
   preferences allow it). A second sweep, an overlapping one, or the re-run after a worker died in the
   middle, inserts nothing for what was sent, and sends what was not.
3. The outbox delivers the emails in one task per chunk after commit (`notifications.tasks.deliver_emails`),
   retrying mail-server errors with exponential back-off.
4. `catch_up()` (the hourly `reminders-catch-up` task) sweeps again what may have been lost since: a chunk
   whose worker was killed and whose message the broker no longer holds (Redis restarted without
   persistence) or holds unacknowledged until its visibility timeout (`CELERY_VISIBILITY_TIMEOUT`). Each
   kind says whether it is caught up (`catch_up`): for today and the previous `REMINDER_CATCH_UP_DAYS`
   working days, for today only (a digest: tomorrow's supersedes it), or not at all. The ledger keeps it
   exactly once, and a reminder keeps its original occurrence date.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import lru_cache
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from exportcenter.celery import task_named
from exportcenter.locks import advisory_lock
from exportcenter.workdays import is_working_day, moment, previous_working_day

from . import kinds
from .models import Notification, Reminder
from .services import (
    EmailDraft,
    LedgerEntry,
    notify_each,
    queue_emails,
    record_reminders,
    wishes,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One line of a reminder: what, a detail (a date, a company) and a link."""

    text: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    items: list[Item]
    more: int = 0  # how many more there are than listed

    @property
    def more_text(self) -> str:
        return ngettext("… and %(count)s more", "… and %(count)s more", self.more) % {"count": self.more}


@dataclass(frozen=True)
class Content:
    """What a reminder says, in the recipient's language: the notification's title and link, and the
    email's introduction and sections."""

    title: str
    url: str
    intro: str
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Recipient:
    """Who gets a reminder: what the sender needs of a person, without a model instance per row."""

    pk: int
    email: str
    full_name: str
    preferred_language: str

    FIELDS = ("pk", "email", "full_name", "preferred_language")

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @classmethod
    def in_bulk(cls, ids) -> dict[int, "Recipient"]:
        from advisors.models import User

        return {row[0]: cls(*row) for row in User.objects.filter(pk__in=ids).values_list(*cls.FIELDS)}


@dataclass(frozen=True)
class Planned:
    """One reminder a chunk would send: its ledger entry, the person, and what the kind needs to word it."""

    entry: LedgerEntry
    recipient: Any
    payload: Any


class CatchUp(Enum):
    """What the hourly catch-up sweep (`catch_up`) does for a kind."""

    NONE = "none"  # nothing: only the scheduled sweep sends it
    TODAY = "today"  # today's occurrence only, once its time has passed (a digest: a later one supersedes it)
    # Today's and the previous REMINDER_CATCH_UP_DAYS working days': the kind's `candidates` for the latest
    # occurrence date must select what is still due and unsent from those days too (and nothing stale).
    PAST_DAYS = "past_days"


class ReminderKind:
    """A kind of reminder. Subclasses set `kind` and `target` and implement the three methods."""

    kind: Any = ""  # a TextChoices member of the app's reminder kinds: its value and its label
    target: str = ""  # the model label of the targets, e.g. "outreach.followup"
    help_text: Any = ""  # when it comes, for the preferences page
    working_days_only = True  # a sweep on a weekend or holiday sends nothing
    catch_up = CatchUp.NONE
    time_setting = "REMINDER_TIME"  # the setting with the Stockholm time of the scheduled sweep

    def occurs_on(self, day: date) -> bool:
        """Whether the scheduled sweep runs on `day` (the catch-up sends nothing for other days)."""
        return is_working_day(day) or not self.working_days_only

    def sent_at(self, day: date) -> datetime:
        """When the scheduled sweep of `day` runs."""
        return moment(day, getattr(settings, self.time_setting))

    def candidates(self, run_date: date) -> QuerySet:
        """The targets (a queryset of the target model) that may be due on `run_date`."""
        raise NotImplementedError

    def plan(self, run_date: date, ids: list[int]) -> list[Planned]:
        """The reminders for these targets, checked again: they may have changed since the sweep."""
        raise NotImplementedError

    def content(self, planned: Planned, run_date: date) -> Content:
        """The reminder's words for the email. Called in the recipient's language."""
        raise NotImplementedError

    def params(self, planned: Planned, run_date: date) -> dict:
        """What the in-app notification stores (plain values); `title` and `link` word it when it is read."""
        raise NotImplementedError

    @staticmethod
    def title(params: dict) -> str:
        raise NotImplementedError

    @staticmethod
    def link(params: dict) -> str:
        """The path the reminder links to, in the active language. Most go to the person's follow-ups."""
        return reverse("outreach:follow_ups")

    # Helpers for kinds.

    def entry(self, recipient, target_id: int, occurrence: date) -> LedgerEntry:
        return LedgerEntry(recipient.pk, self.kind, self.target, target_id, occurrence)

    def not_sent_for_target(self, **match) -> Exists:
        """A filter for candidates: nobody was reminded of this target yet (optionally: for this
        occurrence and recipient, e.g. `occurrence=OuterRef("remind_on")`)."""
        return ~Exists(
            Reminder.objects.filter(
                kind=self.kind, target_type=self.target, target_id=OuterRef("pk"), **match
            )
        )


REGISTRY: dict[str, ReminderKind] = {}


def register(cls):
    """Class decorator: add a kind to the registry under its `kind`, and tell the notification centre how
    its notifications read and where they link (`notifications.kinds`)."""
    REGISTRY[cls.kind] = spec = cls()
    kinds.register(
        kinds.NotificationKind(
            spec.kind,
            spec.kind.label,
            title=spec.title,
            url=spec.link,
            help_text=spec.help_text,
            is_reminder=True,
        )
    )
    return cls


def kind_for(kind: str) -> ReminderKind:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise ValueError(f"Unknown reminder kind: {kind!r}") from None


# --- The sweep --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    kind: str
    run_date: date
    locked_out: bool = False
    chunks: int = 0
    targets: int = 0


def sweep(kind: str, run_date: date | None = None, *, chunk_size: int | None = None) -> SweepResult:
    """Queue the reminders of `kind` that are due on `run_date` (default: today in Stockholm)."""
    spec = kind_for(kind)
    run_date = run_date or timezone.localdate()
    if spec.working_days_only and not is_working_day(run_date):
        return SweepResult(kind, run_date)
    size = chunk_size or settings.REMINDER_CHUNK_SIZE
    with advisory_lock(f"reminders:{kind}") as acquired:
        if not acquired:
            logger.info("Reminder sweep %s skipped: another sweep holds the lock.", kind)
            return SweepResult(kind, run_date, locked_out=True)
        chunks = targets = 0
        last = 0
        candidates = spec.candidates(run_date)
        while True:
            ids = list(candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            transaction.on_commit(
                _queue(task_named("notifications.tasks.send_reminders"), kind, run_date, ids)
            )
            chunks, targets, last = chunks + 1, targets + len(ids), ids[-1]
    logger.info("Reminder sweep %s for %s: %s targets in %s chunks.", kind, run_date, targets, chunks)
    return SweepResult(kind, run_date, chunks=chunks, targets=targets)


def catch_up_date(spec: ReminderKind, now: datetime | None = None) -> date | None:
    """The run date the catch-up sweeps `spec` for at `now`, or None: the latest day the kind occurs on
    whose scheduled time has passed, if it is today (`CatchUp.TODAY`) or no more than
    REMINDER_CATCH_UP_DAYS working days back (`CatchUp.PAST_DAYS`)."""
    if spec.catch_up is CatchUp.NONE:
        return None
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    if spec.occurs_on(today) and now >= spec.sent_at(today):
        return today
    if spec.catch_up is CatchUp.TODAY:
        return None
    earliest = today
    for _day in range(settings.REMINDER_CATCH_UP_DAYS):
        earliest = previous_working_day(earliest - timedelta(days=1))
    day = today - timedelta(days=1)
    while day >= earliest:
        if spec.occurs_on(day):
            return day
        day -= timedelta(days=1)
    return None


def catch_up(now: datetime | None = None) -> list[SweepResult]:
    """Sweep every kind that is caught up for its catch-up date (`catch_up_date`): queue what is still
    unsent (the ledger says what was sent). A sweep still running holds its kind's lock: that kind is
    skipped, as an overlapping sweep is."""
    results = []
    for kind, spec in REGISTRY.items():
        run_date = catch_up_date(spec, now)
        if run_date is None:
            continue
        result = sweep(kind, run_date)
        if result.targets:
            logger.info(
                "Reminder catch-up %s for %s: %s unsent targets queued.", kind, run_date, result.targets
            )
        results.append(result)
    return results


def _queue(task, kind: str, run_date: date, ids: list[int]):
    def publish():
        try:
            task.delay(kind, run_date.isoformat(), ids)
        except Exception:  # broker unreachable: the next sweep finds these targets still unsent
            logger.warning("Broker unavailable; %s %s reminders wait for the next sweep.", len(ids), kind)

    return publish


# --- One chunk --------------------------------------------------------------------------------------


def reminder_key(entry: LedgerEntry) -> str:
    return f"reminder:{entry.kind}:{entry.target_type}:{entry.target_id}:{entry.occurrence.isoformat()}"


def send(kind: str, run_date: date, ids: Iterable[int]) -> int:
    """Send the reminders of one chunk that nobody sent yet. Returns how many this call sent."""
    spec = kind_for(kind)
    planned = spec.plan(run_date, list(ids))
    if not planned:
        return 0
    with transaction.atomic():
        inserted = record_reminders([item.entry for item in planned])
        new = [item for item in planned if item.entry in inserted]
        if not new:
            return 0
        recipient_ids = {item.entry.recipient_id for item in new}
        silent, wanted = wishes(recipient_ids, kind)
        templates = (get_template(EMAIL_TEXT), get_template(EMAIL_HTML))
        notifications, drafts = [], []
        new.sort(key=lambda item: item.recipient.preferred_language)
        for language, items in groupby(new, key=lambda item: item.recipient.preferred_language):
            with translation.override(language):
                texts = {
                    **email_texts(),
                    "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
                }
                for item in items:
                    content = spec.content(item, run_date)
                    key = reminder_key(item.entry)
                    if item.entry.recipient_id not in silent:
                        notifications.append(
                            Notification(
                                recipient_id=item.entry.recipient_id,
                                kind=kind,
                                params=spec.params(item, run_date),
                                key=key,
                            )
                        )
                    if item.entry.recipient_id in wanted and item.recipient.email:
                        drafts.append(_email(item, content, key, templates, texts))
        notify_each(notifications)
        queue_emails(drafts)
    return len(new)


EMAIL_TEXT = "notifications/email/reminder.txt"
EMAIL_HTML = "notifications/email/reminder.html"


def email_texts() -> dict[str, str]:
    """The reminder email's fixed sentences, in the active language. A sweep renders thousands of emails:
    translating these once per language per chunk, instead of in every rendering, halves its cost."""
    return {
        "greeting": gettext("Hello %(name)s,"),
        "open": gettext("Open the portal"),
        "why": gettext("You get this email because of your reminder settings."),
        "choose": gettext("Choose which reminders you get by email"),
    }


def _email(item: Planned, content: Content, key: str, templates, texts: dict) -> EmailDraft:
    context = {
        "greeting": texts["greeting"] % {"name": item.recipient.get_short_name()},
        "content": content,
        "site_url": settings.SITE_URL,
        "texts": texts,
        "language": translation.get_language(),
    }
    text, html = templates
    return EmailDraft(
        key=f"{key}:{item.entry.recipient_id}",
        to=item.recipient.email,
        subject=content.title,
        body_text=text.render(context),
        body_html=html.render(context),
    )


# --- Helpers for kinds -------------------------------------------------------------------------------
#
# A sweep words thousands of reminders about the same few days and pages: format and reverse each once
# per language (the caches are per process and small).

LISTED = 10  # items listed per section of a digest; the rest are counted


@lru_cache(maxsize=1024)
def _formatted_day(value: date, language: str) -> str:
    return date_format(value, "DATE_FORMAT")


def day(value: date) -> str:
    return _formatted_day(value, translation.get_language())


@lru_cache(maxsize=8192)
def _path(name: str, language: str, public_id=None) -> str:
    return reverse(name, kwargs={"public_id": public_id} if public_id else None)


def url(name: str, public_id=None) -> str:
    return _path(name, translation.get_language(), public_id)


def first_per(queryset, partition: str, order: list, limit: int = LISTED):
    """The first `limit` rows per `partition` value (one query, a window function)."""
    return queryset.annotate(
        position=Window(RowNumber(), partition_by=[F(partition)], order_by=[F(name) for name in order])
    ).filter(position__lte=limit)


def counts(queryset, field: str) -> dict[int, int]:
    return dict(
        queryset.order_by().values_list(field).annotate(count=Count("pk")).values_list(field, "count")
    )


def sent_before(run_date: date):
    """The moment a deadline must have passed to be reminded of on `run_date`: that day's reminder time."""
    return moment(run_date, settings.REMINDER_TIME)


def active_people() -> Q:
    return Q(is_active=True, organisation__is_active=True)
