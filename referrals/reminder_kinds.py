"""The reminders about requests and referrals: a request not triaged in time, a referral not answered in
time. `notifications.reminders` does the rest (lock, chunks, ledger, notification, email)."""

from collections import defaultdict

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisors.models import User
from advisors.selectors import queues
from exportcenter.workdays import local_date
from notifications.reminders import (
    CatchUp,
    Content,
    Item,
    Planned,
    ReminderKind,
    Section,
    active_people,
    register,
    sent_before,
    url,
)

from .models import AdviceRequest, Referral
from .notices import request_link


class Kind(models.TextChoices):
    """The reminders about requests and referrals."""

    REQUEST_NOT_TRIAGED = "request_not_triaged", gettext_lazy("Request not triaged in time")
    REFERRAL_NOT_ANSWERED = "referral_not_answered", gettext_lazy("Referral not answered in time")


@register
class RequestNotTriaged(ReminderKind):
    """A request still new after its first-response deadline (one working day): to whoever owns it now
    (the owner advisor, else the owning organisation's queue, else the queue of the organisation that runs
    the center) and the owning organisation's leads."""

    help_text = gettext_lazy("A request that was not triaged within one working day.")
    kind = Kind.REQUEST_NOT_TRIAGED
    target = "referrals.advicerequest"
    # Still meaningful later: the catch-up sends it (once, for its deadline's date) while the request is
    # still new; a request triaged since is no longer selected.
    catch_up = CatchUp.PAST_DAYS

    def _late(self, run_date):
        return AdviceRequest.objects.filter(
            status=AdviceRequest.Status.NEW, first_response_due_at__lt=sent_before(run_date)
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
            active_people(), organisation__in=owners, role=User.Role.ORGANISATION_LEAD
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

    link = staticmethod(request_link)

    def content(self, planned, run_date):
        request = planned.payload
        page = url("referrals:request_detail", request.public_id)
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=page,
            intro=_(
                "The company should have reached the right partner within one working day, by %(deadline)s. "
                "The request is still new."
            )
            % {"deadline": date_format(request.first_response_due_at, "DATETIME_FORMAT")},
            sections=[
                Section(
                    _("Request"),
                    [Item(text=request.reference, detail=request.company.name, url=page)],
                )
            ],
        )


@register
class ReferralNotAnswered(ReminderKind):
    """A referral still waiting for an answer after its deadline: to the receiving organisation's queue
    and its leads."""

    help_text = gettext_lazy("A referral to your organisation that was not answered in time.")
    kind = Kind.REFERRAL_NOT_ANSWERED
    target = "referrals.referral"
    catch_up = CatchUp.PAST_DAYS  # while the referral is still pending; one answered since is not selected

    def _late(self, run_date):
        return Referral.objects.filter(status=Referral.Status.PENDING, due_at__lt=sent_before(run_date))

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
            active_people(), organisation__in=receivers, role=User.Role.ORGANISATION_LEAD
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

    link = staticmethod(request_link)

    def content(self, planned, run_date):
        referral = planned.payload
        request = referral.request
        page = url("referrals:request_detail", request.public_id)
        return Content(
            title=self.title(self.params(planned, run_date)),
            url=page,
            intro=_("%(organisation)s should have accepted or declined it by %(deadline)s.")
            % {
                "organisation": referral.to_organisation.name,
                "deadline": date_format(referral.due_at, "DATETIME_FORMAT"),
            },
            sections=[
                Section(
                    _("Referral"),
                    [Item(text=request.reference, detail=request.company.name, url=page)],
                )
            ],
        )
