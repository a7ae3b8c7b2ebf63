"""The reminders about follow-ups, and the weekly digest. Each kind says which targets are due on a run
date, who is told, and in which words; `notifications.reminders` does the rest (lock, chunks, ledger,
notification, email). The request and referral reminders are in `referrals/reminder_kinds.py`."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from advisors.models import Organisation, User
from companies.models import Company
from exportcenter.workdays import latest_day_overdue_by, previous_working_day
from notifications import kinds
from notifications.reminders import (
    CatchUp,
    Content,
    Item,
    Planned,
    Recipient,
    ReminderKind,
    Section,
    active_people,
    counts,
    day,
    first_per,
    register,
    url,
)
from referrals.models import AdviceRequest, Referral

from .models import FollowUp


class Kind(models.TextChoices):
    """The reminders about follow-ups, and the weekly digest."""

    FOLLOW_UP_DUE = "follow_up_due", gettext_lazy("Follow-up due")
    FOLLOW_UPS_OVERDUE = "follow_ups_overdue", gettext_lazy("Overdue follow-ups")
    OVERDUE_ESCALATION = "overdue_escalation", gettext_lazy("Overdue follow-ups in my organisation")
    WEEKLY_DIGEST = "weekly_digest", gettext_lazy("Weekly digest")


def _follow_up_item(follow_up: FollowUp) -> Item:
    due = day(follow_up.due_on)
    if follow_up.due_time:
        due = f"{due} {follow_up.due_time:%H:%M}"
    return Item(
        text=follow_up.description,
        detail=_("%(company)s, due %(date)s") % {"company": follow_up.company.name, "date": due},
        url=url("companies:detail", follow_up.company.public_id),
    )


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
    today, or on a day already past), or a day whose run never happened or whose chunk a killed worker
    lost, is reminded by the next run or hourly catch-up, up to `REMINDER_CATCH_UP_DAYS` working days
    back (older ones are in the overdue digest). The ledger keeps it to once per owner and reminder day.
    """

    help_text = gettext_lazy("On the morning a follow-up of yours is due (the working day before a holiday).")
    kind = Kind.FOLLOW_UP_DUE
    target = "outreach.followup"
    # The hourly catch-up sends what a lost chunk left unsent, for its own reminder day (the ledger's
    # occurrence); a follow-up done or deleted since, or whose owner left, is no longer selected.
    catch_up = CatchUp.PAST_DAYS

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
            intro=_("You have a follow-up due on %(date)s.") % {"date": day(follow_up.due_on)},
            sections=[Section(_("Follow-up"), [_follow_up_item(follow_up)])],
        )


@register
class FollowUpsOverdue(ReminderKind):
    """A daily digest of the owner's overdue follow-ups."""

    help_text = gettext_lazy("Every working day while you have overdue follow-ups.")
    kind = Kind.FOLLOW_UPS_OVERDUE
    target = "advisors.user"
    catch_up = CatchUp.TODAY  # yesterday's digest is stale: today's lists the same follow-ups

    def candidates(self, run_date):
        overdue = FollowUp.objects.overdue(run_date).filter(owner=OuterRef("pk"))
        return (
            User.objects.filter(active_people())
            .filter(Exists(overdue))
            .filter(self.not_sent_for_target(occurrence=run_date))
        )

    def plan(self, run_date, ids):
        people = User.objects.filter(active_people(), pk__in=ids).order_by("pk")
        overdue = FollowUp.objects.overdue(run_date).filter(owner__in=ids)
        totals = counts(overdue, "owner")
        listed = defaultdict(list)
        for follow_up in first_per(overdue.select_related("company"), "owner", ["due_on", "pk"]):
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
            % {"date": day(run_date)},
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

    help_text = gettext_lazy(
        "For organisation leads: follow-ups of your organisation that are several working days overdue."
    )
    kind = Kind.OVERDUE_ESCALATION
    target = "advisors.organisation"
    catch_up = CatchUp.TODAY  # as the digest: today's escalation supersedes yesterday's

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
        totals = counts(overdue, "organisation")
        listed = defaultdict(list)
        for follow_up in first_per(
            overdue.select_related("company", "owner"), "organisation", ["due_on", "pk"]
        ):
            listed[follow_up.organisation_id].append(follow_up)
        leads = User.objects.filter(
            active_people(), organisation__in=ids, role=User.Role.ORGANISATION_LEAD
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
class WeeklyDigest(ReminderKind):
    """Monday morning, per person: their open follow-ups, the requests waiting for them and the referrals
    waiting for their organisation. Nothing is sent to someone with nothing waiting."""

    help_text = gettext_lazy("Monday morning: your open follow-ups, requests and referrals.")
    kind = Kind.WEEKLY_DIGEST
    target = "advisors.user"
    working_days_only = False  # Monday's digest goes out on Easter Monday too
    # Caught up on its Monday only, after WEEKLY_DIGEST_TIME: later in the week "your week" is stale, and
    # the next Monday's digest lists what still waits.
    catch_up = CatchUp.TODAY
    time_setting = "WEEKLY_DIGEST_TIME"

    def occurs_on(self, day):
        return day.weekday() == 0

    WAITING = [AdviceRequest.Status.NEW, AdviceRequest.Status.TRIAGED, AdviceRequest.Status.IN_PROGRESS]

    def candidates(self, run_date):
        return User.objects.filter(active_people()).filter(self.not_sent_for_target(occurrence=run_date))

    def plan(self, run_date, ids):
        people = list(User.objects.filter(active_people(), pk__in=ids).order_by("pk"))
        follow_ups = FollowUp.objects.open().filter(owner__in=ids)
        requests = AdviceRequest.objects.filter(owner_advisor__in=ids, status__in=self.WAITING)
        organisations = {person.organisation_id for person in people}
        referrals = Referral.objects.filter(status=Referral.Status.PENDING, to_organisation__in=organisations)
        totals = {
            "follow_ups": counts(follow_ups, "owner"),
            "requests": counts(requests, "owner_advisor"),
            "referrals": counts(referrals, "to_organisation"),
        }
        listed = {name: defaultdict(list) for name in totals}
        for f in first_per(follow_ups.select_related("company"), "owner", ["due_on", "pk"]):
            listed["follow_ups"][f.owner_id].append(f)
        for r in first_per(
            requests.select_related("company"), "owner_advisor", ["first_response_due_at", "pk"]
        ):
            listed["requests"][r.owner_advisor_id].append(r)
        for r in first_per(
            referrals.select_related("request__company", "from_organisation"),
            "to_organisation",
            ["due_at", "pk"],
        ):
            listed["referrals"][r.to_organisation_id].append(r)
        planned = []
        for person in people:
            keys = {"follow_ups": person.pk, "requests": person.pk, "referrals": person.organisation_id}
            digest = {name: (listed[name][key], totals[name].get(key, 0)) for name, key in keys.items()}
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
                            url=url("referrals:request_detail", r.public_id),
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
