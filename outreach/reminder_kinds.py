"""The kinds of reminder. Each says which targets are due on a run date, who is told, and in which words;
`outreach.reminders` does the rest (lock, chunks, ledger, notification, email)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from advisors.models import Organisation, User
from advisors.selectors import queues
from companies.models import Company
from exportcenter.workdays import latest_day_overdue_by, local_date, moment, previous_working_day
from notifications import kinds
from notifications.models import ReminderKind as Kind
from referrals.models import AdviceRequest

from .models import FollowUp
from .reminders import REGISTRY, Content, Item, Planned, Recipient, ReminderKind, Section, register

LISTED = 10  # items listed per section of a digest; the rest are counted


# A sweep words thousands of reminders about the same few days and pages: format and reverse each once
# per language (the caches are per process and small).


@lru_cache(maxsize=1024)
def _formatted_day(value: date, language: str) -> str:
    return date_format(value, "DATE_FORMAT")


def _day(value: date) -> str:
    return _formatted_day(value, get_language())


@lru_cache(maxsize=8192)
def _path(name: str, language: str, public_id=None) -> str:
    return reverse(name, kwargs={"public_id": public_id} if public_id else None)


def _url(name: str, public_id=None) -> str:
    return _path(name, get_language(), public_id)


def _follow_up_item(follow_up: FollowUp) -> Item:
    due = _day(follow_up.due_on)
    if follow_up.due_time:
        due = f"{due} {follow_up.due_time:%H:%M}"
    return Item(
        text=follow_up.description,
        detail=_("%(company)s, due %(date)s") % {"company": follow_up.company.name, "date": due},
        url=_url("companies:detail", follow_up.company.public_id),
    )


def _request_link(params) -> str:
    return kinds.link("referrals:request_detail", params["request"])


def _first_per(queryset, partition: str, order: list, limit: int = LISTED):
    """The first `limit` rows per `partition` value (one query, a window function)."""
    return queryset.annotate(
        position=Window(RowNumber(), partition_by=[F(partition)], order_by=[F(name) for name in order])
    ).filter(position__lte=limit)


def _counts(queryset, field: str) -> dict[int, int]:
    return dict(
        queryset.order_by().values_list(field).annotate(count=Count("pk")).values_list(field, "count")
    )


def _sent_before(run_date: date) -> "date":
    """The moment a deadline must have passed to be reminded of on `run_date`: that day's reminder time."""
    return moment(run_date, settings.REMINDER_TIME)


def _active_people() -> "Q":
    return Q(is_active=True, organisation__is_active=True)


@dataclass(frozen=True)
class DueFollowUp:
    """What a reminder says about a follow-up."""

    description: str
    due_on: date
    due_time: time | None
    company: Company


@register
class FollowUpDue(ReminderKind):
    """On the morning of the due date (the working day before a weekend or holiday), to the owner.

    A run catches up on what earlier runs missed: a follow-up added after its reminder day's run (due
    today, or on a day already past), or a day whose run never happened, is reminded by the next run,
    up to `REMINDER_CATCH_UP_DAYS` working days back (older ones are in the overdue digest). The ledger
    keeps it to once per owner and reminder day.
    """

    kind = Kind.FOLLOW_UP_DUE
    target = "outreach.followup"

    def _due(self, run_date):
        earliest = run_date
        for _day in range(settings.REMINDER_CATCH_UP_DAYS):
            earliest = previous_working_day(earliest - timedelta(days=1))
        return FollowUp.objects.open().filter(remind_on__lte=run_date, remind_on__gte=earliest)

    def candidates(self, run_date):
        return self._due(run_date).filter(
            self.not_sent_for_target(occurrence=OuterRef("remind_on"), recipient=OuterRef("owner"))
        )

    def plan(self, run_date, ids):
        # Plain rows, and each owner and company once: a chunk of hundreds shares a few of them.
        rows = list(
            self._due(run_date)
            .filter(pk__in=ids, owner__is_active=True)
            .order_by("pk")
            .values_list("pk", "owner_id", "company_id", "description", "due_on", "due_time", "remind_on")
        )
        owners = Recipient.in_bulk({row[1] for row in rows})
        companies = Company.objects.only("pk", "name", "public_id").in_bulk({row[2] for row in rows})
        planned = []
        for pk, owner_id, company_id, description, due_on, due_time, reminds_on in rows:
            follow_up = DueFollowUp(description, due_on, due_time, companies[company_id])
            planned.append(Planned(self.entry(owners[owner_id], pk, reminds_on), owners[owner_id], follow_up))
        return planned

    def params(self, planned, run_date):
        follow_up = planned.payload
        return {
            "date": follow_up.due_on.isoformat(),
            "description": follow_up.description[:120],
            "company": follow_up.company.name,
        }

    @staticmethod
    def title(params):
        return _("Follow-up due %(date)s: %(description)s (%(company)s)") % {
            **params,
            "date": kinds.day(params["date"]),
        }

    def content(self, planned, run_date):
        follow_up = planned.payload
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=self.link({}),
            intro=_("You have a follow-up due on %(date)s.") % {"date": _day(follow_up.due_on)},
            sections=[Section(_("Follow-up"), [_follow_up_item(follow_up)])],
        )


@register
class FollowUpsOverdue(ReminderKind):
    """A daily digest of the owner's overdue follow-ups."""

    kind = Kind.FOLLOW_UPS_OVERDUE
    target = "advisors.user"

    def candidates(self, run_date):
        overdue = FollowUp.objects.overdue(run_date).filter(owner=OuterRef("pk"))
        return (
            User.objects.filter(_active_people())
            .filter(Exists(overdue))
            .filter(self.not_sent_for_target(occurrence=run_date))
        )

    def plan(self, run_date, ids):
        people = User.objects.filter(_active_people(), pk__in=ids).order_by("pk")
        overdue = FollowUp.objects.overdue(run_date).filter(owner__in=ids)
        totals = _counts(overdue, "owner")
        listed = defaultdict(list)
        for follow_up in _first_per(overdue.select_related("company"), "owner", ["due_on", "pk"]):
            listed[follow_up.owner_id].append(follow_up)
        return [
            Planned(self.entry(person, person.pk, run_date), person, (listed[person.pk], totals[person.pk]))
            for person in people
            if totals.get(person.pk)
        ]

    def params(self, planned, run_date):
        return {"count": planned.payload[1]}

    @staticmethod
    def title(params):
        return (
            ngettext(
                "You have %(count)s overdue follow-up",
                "You have %(count)s overdue follow-ups",
                params["count"],
            )
            % params
        )

    def content(self, planned, run_date):
        follow_ups, total = planned.payload
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=self.link({}),
            intro=_("These follow-ups were due before %(date)s and are still open.")
            % {"date": _day(run_date)},
            sections=[
                Section(
                    _("Overdue follow-ups"),
                    [_follow_up_item(f) for f in follow_ups],
                    more=total - len(follow_ups),
                )
            ],
        )


@register
class OverdueEscalation(ReminderKind):
    """To the organisation's leads: follow-ups overdue by OVERDUE_ESCALATION_WORKING_DAYS or more."""

    kind = Kind.OVERDUE_ESCALATION
    target = "advisors.organisation"

    def _overdue(self, run_date):
        cutoff = latest_day_overdue_by(run_date, settings.OVERDUE_ESCALATION_WORKING_DAYS)
        return FollowUp.objects.open().filter(due_on__lte=cutoff)

    def candidates(self, run_date):
        overdue = self._overdue(run_date).filter(organisation=OuterRef("pk"))
        return Organisation.objects.filter(Exists(overdue)).filter(
            self.not_sent_for_target(occurrence=run_date)
        )

    def plan(self, run_date, ids):
        overdue = self._overdue(run_date).filter(organisation__in=ids)
        totals = _counts(overdue, "organisation")
        listed = defaultdict(list)
        for follow_up in _first_per(
            overdue.select_related("company", "owner"), "organisation", ["due_on", "pk"]
        ):
            listed[follow_up.organisation_id].append(follow_up)
        leads = User.objects.filter(
            _active_people(), organisation__in=ids, role=User.Role.ORGANISATION_LEAD
        ).select_related("organisation")
        return [
            Planned(
                self.entry(lead, lead.organisation_id, run_date),
                lead,
                (lead.organisation, listed[lead.organisation_id], totals[lead.organisation_id]),
            )
            for lead in leads.order_by("organisation_id", "pk")
            if totals.get(lead.organisation_id)
        ]

    def params(self, planned, run_date):
        organisation, _follow_ups, total = planned.payload
        return {
            "count": total,
            "organisation": organisation.name,
            "days": settings.OVERDUE_ESCALATION_WORKING_DAYS,
        }

    @staticmethod
    def title(params):
        return (
            ngettext(
                "%(count)s follow-up in %(organisation)s is overdue by %(days)s working days or more",
                "%(count)s follow-ups in %(organisation)s are overdue by %(days)s working days or more",
                params["count"],
            )
            % params
        )

    def content(self, planned, run_date):
        organisation, follow_ups, total = planned.payload
        title = self.title(self.params(planned, run_date))
        items = [
            Item(text=item.text, detail=f"{item.detail} – {f.owner.full_name}", url=item.url)
            for f, item in ((f, _follow_up_item(f)) for f in follow_ups)
        ]
        return Content(
            title=title,
            url=self.link({}),
            intro=_("You are a lead of %(organisation)s. These follow-ups of your colleagues need attention.")
            % {"organisation": organisation.name},
            sections=[Section(_("Overdue follow-ups"), items, more=total - len(items))],
        )


@register
class RequestNotTriaged(ReminderKind):
    """A request still new after its first-response deadline (one working day): to whoever owns it now
    (the owner advisor, else the owning organisation's queue, else the queue of the organisation that runs
    the center) and the owning organisation's leads."""

    kind = Kind.REQUEST_NOT_TRIAGED
    target = "referrals.advicerequest"

    def _late(self, run_date):
        return AdviceRequest.objects.filter(
            status=AdviceRequest.Status.NEW, first_response_due_at__lt=_sent_before(run_date)
        )

    def candidates(self, run_date):
        return self._late(run_date).filter(self.not_sent_for_target())

    def plan(self, run_date, ids):
        requests = list(
            self._late(run_date)
            .filter(pk__in=ids)
            .select_related("region", "company", "owner_organisation", "owner_advisor")
            .order_by("pk")
        )
        operators = {r.region.operator_id for r in requests if r.region_id and r.region.operator_id}
        owners = {r.owner_organisation_id for r in requests if r.owner_organisation_id}
        queue = queues(operators | owners)
        leads = defaultdict(list)
        for person in User.objects.filter(
            _active_people(), organisation__in=owners, role=User.Role.ORGANISATION_LEAD
        ).order_by("pk"):
            leads[person.organisation_id].append(person)
        administrators = None
        planned = []
        for request in requests:
            # Whoever owns it now (the README's "who is told"), and the owning organisation's leads.
            operator = request.region.operator_id if request.region_id else None
            if request.owner_advisor_id and request.owner_advisor.is_active:
                recipients = [request.owner_advisor]
            elif request.owner_organisation_id:
                recipients = list(queue.get(request.owner_organisation_id, []))
            elif operator is not None:
                recipients = list(queue.get(operator, []))
            else:  # an unserved county: the portal's administrators hear of it
                if administrators is None:
                    administrators = list(User.objects.filter(is_active=True, is_superuser=True))
                recipients = list(administrators)
            recipients += leads.get(request.owner_organisation_id, [])
            occurrence = local_date(request.first_response_due_at)
            seen = set()
            for person in recipients:
                if person.pk not in seen:
                    seen.add(person.pk)
                    planned.append(Planned(self.entry(person, request.pk, occurrence), person, request))
        return planned

    def params(self, planned, run_date):
        request = planned.payload
        return {
            "request": str(request.public_id),
            "reference": request.reference,
            "company": request.company.name,
        }

    @staticmethod
    def title(params):
        return _("Request %(reference)s from %(company)s was not triaged in time") % params

    link = staticmethod(_request_link)

    def content(self, planned, run_date):
        request = planned.payload
        url = _url("referrals:request_detail", request.public_id)
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=url,
            intro=_(
                "The company should have reached the right partner within one working day, by %(deadline)s. "
                "The request is still new."
            )
            % {"deadline": date_format(request.first_response_due_at, "DATETIME_FORMAT")},
            sections=[
                Section(
                    _("Request"),
                    [Item(text=request.reference, detail=request.company.name, url=url)],
                )
            ],
        )


def referral_model():
    return apps.get_model("referrals", "Referral")


@register
class ReferralNotAnswered(ReminderKind):
    """A referral still waiting for an answer after its deadline: to the receiving organisation's queue
    and its leads."""

    kind = Kind.REFERRAL_NOT_ANSWERED
    target = "referrals.referral"

    def _late(self, run_date):
        Referral = referral_model()
        return Referral.objects.filter(status=Referral.Status.PENDING, due_at__lt=_sent_before(run_date))

    def candidates(self, run_date):
        return self._late(run_date).filter(self.not_sent_for_target())

    def plan(self, run_date, ids):
        referrals = list(
            self._late(run_date)
            .filter(pk__in=ids)
            .select_related("request__company", "to_organisation", "from_organisation")
            .order_by("pk")
        )
        receivers = {r.to_organisation_id for r in referrals}
        queue = queues(receivers)
        leads = defaultdict(list)
        for person in User.objects.filter(
            _active_people(), organisation__in=receivers, role=User.Role.ORGANISATION_LEAD
        ).order_by("pk"):
            leads[person.organisation_id].append(person)
        planned = []
        for referral in referrals:
            queued = queue.get(referral.to_organisation_id, [])
            recipients = queued + [p for p in leads[referral.to_organisation_id] if p not in queued]
            occurrence = local_date(referral.due_at)
            planned += [Planned(self.entry(p, referral.pk, occurrence), p, referral) for p in recipients]
        return planned

    def params(self, planned, run_date):
        referral = planned.payload
        return {
            "request": str(referral.request.public_id),
            "reference": referral.request.reference,
            "organisation": referral.from_organisation.name,
        }

    @staticmethod
    def title(params):
        return _("The referral of %(reference)s from %(organisation)s has not been answered") % params

    link = staticmethod(_request_link)

    def content(self, planned, run_date):
        referral = planned.payload
        request = referral.request
        url = _url("referrals:request_detail", request.public_id)
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=url,
            intro=_("%(organisation)s should have accepted or declined it by %(deadline)s.")
            % {
                "organisation": referral.to_organisation.name,
                "deadline": date_format(referral.due_at, "DATETIME_FORMAT"),
            },
            sections=[
                Section(
                    _("Referral"),
                    [Item(text=request.reference, detail=request.company.name, url=url)],
                )
            ],
        )


@register
class WeeklyDigest(ReminderKind):
    """Monday morning, per person: their open follow-ups, the requests waiting for them and the referrals
    waiting for their organisation. Nothing is sent to someone with nothing waiting."""

    kind = Kind.WEEKLY_DIGEST
    target = "advisors.user"
    working_days_only = False  # Monday's digest goes out on Easter Monday too

    WAITING = [AdviceRequest.Status.NEW, AdviceRequest.Status.TRIAGED, AdviceRequest.Status.IN_PROGRESS]

    def candidates(self, run_date):
        return User.objects.filter(_active_people()).filter(self.not_sent_for_target(occurrence=run_date))

    def plan(self, run_date, ids):
        people = list(User.objects.filter(_active_people(), pk__in=ids).order_by("pk"))
        follow_ups = FollowUp.objects.open().filter(owner__in=ids)
        requests = AdviceRequest.objects.filter(owner_advisor__in=ids, status__in=self.WAITING)
        Referral = referral_model()
        organisations = {person.organisation_id for person in people}
        referrals = Referral.objects.filter(status=Referral.Status.PENDING, to_organisation__in=organisations)
        counts = {
            "follow_ups": _counts(follow_ups, "owner"),
            "requests": _counts(requests, "owner_advisor"),
            "referrals": _counts(referrals, "to_organisation"),
        }
        listed = {name: defaultdict(list) for name in counts}
        for f in _first_per(follow_ups.select_related("company"), "owner", ["due_on", "pk"]):
            listed["follow_ups"][f.owner_id].append(f)
        for r in _first_per(
            requests.select_related("company"), "owner_advisor", ["first_response_due_at", "pk"]
        ):
            listed["requests"][r.owner_advisor_id].append(r)
        for r in _first_per(
            referrals.select_related("request__company", "from_organisation"),
            "to_organisation",
            ["due_at", "pk"],
        ):
            listed["referrals"][r.to_organisation_id].append(r)
        planned = []
        for person in people:
            keys = {"follow_ups": person.pk, "requests": person.pk, "referrals": person.organisation_id}
            digest = {name: (listed[name][key], counts[name].get(key, 0)) for name, key in keys.items()}
            if any(total for _items, total in digest.values()):
                planned.append(Planned(self.entry(person, person.pk, run_date), person, digest))
        return planned

    def params(self, planned, run_date):
        digest = planned.payload
        return {
            "date": run_date.isoformat(),
            "follow_ups": digest["follow_ups"][1],
            "requests": digest["requests"][1],
            "referrals": digest["referrals"][1],
        }

    @staticmethod
    def title(params):
        return _("Your week from %(date)s: %(follow_ups)s, %(requests)s, %(referrals)s") % {
            "date": kinds.day(params["date"]),
            "follow_ups": ngettext(
                "%(count)s open follow-up", "%(count)s open follow-ups", params["follow_ups"]
            )
            % {"count": params["follow_ups"]},
            "requests": ngettext("%(count)s request", "%(count)s requests", params["requests"])
            % {"count": params["requests"]},
            "referrals": ngettext("%(count)s referral", "%(count)s referrals", params["referrals"])
            % {"count": params["referrals"]},
        }

    def content(self, planned, run_date):
        digest = planned.payload
        follow_ups, follow_up_count = digest["follow_ups"]
        requests, request_count = digest["requests"]
        referrals, referral_count = digest["referrals"]
        sections = []
        if follow_up_count:
            sections.append(
                Section(
                    _("Your open follow-ups"),
                    [_follow_up_item(f) for f in follow_ups],
                    more=follow_up_count - len(follow_ups),
                )
            )
        if request_count:
            sections.append(
                Section(
                    _("Requests waiting for you"),
                    [
                        Item(
                            text=r.reference,
                            detail=f"{r.company.name} – {r.get_status_display()}",
                            url=_url("referrals:request_detail", r.public_id),
                        )
                        for r in requests
                    ],
                    more=request_count - len(requests),
                )
            )
        if referral_count:
            sections.append(
                Section(
                    _("Referrals waiting for your organisation"),
                    [
                        Item(
                            text=r.request.reference,
                            detail=_("%(company)s, from %(organisation)s")
                            % {"company": r.request.company.name, "organisation": r.from_organisation.name},
                            url=reverse(
                                "referrals:request_detail", kwargs={"public_id": r.request.public_id}
                            ),
                        )
                        for r in referrals
                    ],
                    more=referral_count - len(referrals),
                )
            )
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=self.link({}),
            intro=_("This is what waits for you this week."),
            sections=sections,
        )


HELP = {
    Kind.FOLLOW_UP_DUE: gettext_lazy(
        "On the morning a follow-up of yours is due (the working day before a holiday)."
    ),
    Kind.FOLLOW_UPS_OVERDUE: gettext_lazy("Every working day while you have overdue follow-ups."),
    Kind.OVERDUE_ESCALATION: gettext_lazy(
        "For organisation leads: follow-ups of your organisation that are several working days overdue."
    ),
    Kind.REQUEST_NOT_TRIAGED: gettext_lazy("A request that was not triaged within one working day."),
    Kind.REFERRAL_NOT_ANSWERED: gettext_lazy(
        "A referral to your organisation that was not answered in time."
    ),
    Kind.WEEKLY_DIGEST: gettext_lazy("Monday morning: your open follow-ups, requests and referrals."),
}


def register_notification_kinds() -> None:
    """Tell the notification centre how each reminder reads and where it links (OutreachConfig.ready)."""
    for spec in REGISTRY.values():
        kinds.register(
            kinds.NotificationKind(
                spec.kind,
                Kind(spec.kind).label,
                title=spec.title,
                url=spec.link,
                help_text=HELP[spec.kind],
            )
        )
