"""The inbox's rows, as the row template shows them (templates/referrals/partials/inbox_row.html).

A row is a dict of ready words and URLs, made in Python for the whole page at once: the template looks up
plain values and does no work of its own. Written as template lookups on the request (its company, owner,
needs and markets through model attributes), with the dates, ages, URLs, labels and the claim check as
filters and tags, a row cost 0.8-1 ms to render, most of the inbox page (issue 16); made here and shown,
about 0.45 ms. What is the same for every row (the URLs' shape, the labels, the date format, now) is made
once a page.
"""

from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.timesince import timesince

from advisors import access
from advisors.access import Action
from exportcenter.row_urls import per_row

from ..models import AdviceRequest, RequestEvent


def inbox_rows(requests, user) -> list[dict]:
    """The rows of `requests`, read with `selectors.for_inbox_rows`."""
    now = timezone.now()
    today = timezone.localdate(now)
    detail_url = per_row("referrals:request_detail")
    claim_url = per_row("referrals:request_action", action="claim")
    # The date formats of the language, asked once ({{ value|date:"SHORT_DATETIME_FORMAT" }} asks each time);
    # an ISO date for `<time datetime>` is what the `c` format gives.
    title, short = get_format("SHORT_DATETIME_FORMAT"), "j M H:i"
    priorities = dict(AdviceRequest.Priority.choices)
    events = dict(RequestEvent.Kind.choices)
    rows = []
    for advice_request in requests:
        public_id = advice_request.public_id
        company = advice_request.company
        created = timezone.localtime(advice_request.created_at)
        owner = advice_request.owner_advisor
        row = {
            "id": public_id,
            "version": str(advice_request.version),  # an int would be localised: three format lookups
            "reference": advice_request.reference,
            "url": detail_url(public_id),
            "priority": advice_request.priority,
            "priority_label": priorities.get(advice_request.priority, advice_request.priority),
            "company": company.name,
            "municipality": str(company.municipality) if company.municipality_id else "",
            "needs": ", ".join(need.name for need in advice_request.needs.all()),
            "markets": [(country.code, country.name) for country in advice_request.target_markets],
            "created_iso": created.isoformat(),
            "created_title": dateformat.format(created, title),
            "age": timesince(created, now),
            "deadline": advice_request.deadline_state_at(now, today),
            "owner_advisor": owner.full_name if owner is not None else "",
            "owner_organisation": str(advice_request.owner_organisation or ""),
            "claim_url": None,
        }
        if row["deadline"] != "responded":
            due = timezone.localtime(advice_request.first_response_due_at)
            row.update(
                due_iso=due.isoformat(),
                due_title=dateformat.format(due, title),
                due=dateformat.format(due, short),
            )
        if advice_request.last_event_kind:
            happened = timezone.localtime(advice_request.last_event_at)
            row.update(
                event=events.get(advice_request.last_event_kind, advice_request.last_event_kind),
                event_iso=happened.isoformat(),
                event_since=timesince(happened, now),
            )
        if owner is None and access.can(user, Action.CLAIM, advice_request):
            row["claim_url"] = claim_url(public_id)
        rows.append(row)
    return rows
