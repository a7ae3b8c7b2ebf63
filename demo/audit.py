"""Demo audit log: a few days of reads, exports and a failed sign-in by the demo people, so that the audit
log page has something to search. Idempotent: each entry carries a `demo` key in its details."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from advisors.models import User
from audit.models import AuditEntry, Channel, object_key
from audit.services import Action
from companies.models import Company
from referrals.models import AdviceRequest


def _entry(
    key: str, *, days_ago: float, action, actor=None, obj=None, channel=Channel.PAGE, path="", **details
):
    if AuditEntry.objects.filter(details__demo=key).exists():
        return 0
    fields = {}
    if obj is not None:
        fields = {
            "object_type": obj._meta.label_lower,
            "object_id": object_key(obj)[:64],
            "object_label": str(obj)[:200],
        }
    AuditEntry.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        action=action,
        actor=actor,
        actor_label=actor.email if actor else details.pop("actor_label", ""),
        ip_address="192.0.2.10" if actor else "203.0.113.66",
        channel=channel,
        path=path,
        details={"demo": key, **details},
        **fields,
    )
    return 1


def seed() -> int:
    """Create the demo entries that are missing; returns how many the demo has (not the real ones)."""
    people = {user.email: user for user in User.objects.filter(email__endswith=".example")}
    anna, lars = people.get("anna.advisor@almi.example"), people.get("lars.lead@almi.example")
    bo, rita = (
        people.get("bo.advisor@business-sweden.example"),
        people.get("rita.staff@regionuppsala.example"),
    )
    company = Company.objects.active().order_by("org_number").first()
    request = AdviceRequest.objects.order_by("created_at", "pk").first()
    contact = company.contacts.order_by("pk").first() if company else None
    if not all([anna, lars, bo, rita, company, request]):
        return 0
    _entry(
        "anna-company",
        days_ago=3,
        action=Action.READ,
        actor=anna,
        obj=company,
        path=reverse("companies:detail", args=[company.public_id]),
    )
    _entry(
        "anna-export",
        days_ago=3,
        action=Action.EXPORT,
        actor=anna,
        path=reverse("companies:export_csv") + "?county=03",
        export="companies.csv",
        filter={"county": "03"},
        rows=Company.objects.active().count(),
    )
    _entry(
        "lars-request",
        days_ago=2,
        action=Action.READ,
        actor=lars,
        obj=request,
        path=reverse("referrals:request_detail", args=[request.public_id]),
    )
    _entry(
        "bo-api",
        days_ago=1,
        action=Action.READ,
        actor=bo,
        obj=company,
        channel=Channel.API,
        path=f"/api/v1/companies/{company.public_id}/",
    )
    if contact is not None:
        _entry(
            "rita-contact",
            days_ago=1,
            action=Action.READ,
            actor=rita,
            obj=contact,
            path=reverse("companies:contact_edit", args=[company.public_id, contact.public_id]),
        )
    _entry(
        "rita-report",
        days_ago=0.5,
        action=Action.EXPORT,
        actor=rita,
        path=reverse("dashboards:report"),
        export="dashboard.report",
        filter={},
        rows=42,
    )
    return AuditEntry.objects.filter(details__has_key="demo").count()
