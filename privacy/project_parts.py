"""What the projects app (issue 19) holds about one person: a sole trader's taking part in EU-funded projects,
the support it got, and its de minimis aid.

The rows stay on erasure: the funder's indicators count them, and de minimis aid must be kept on record for
ten years (Regulation (EU) 2023/2831, Article 6(4)). Free text goes, as everywhere (privacy.parts): the
participation's note and the support's description, which may quote the person.
"""

from django.utils import timezone

from exportcenter.personal_data import Row, Subject, iso
from projects.models import DeMinimisAid, Participation, Support


def collect_projects(subject: Subject) -> list[Row]:
    participations = (
        Participation.objects.filter(company_id__in=subject.company_ids)
        .select_related("project", "company")
        .prefetch_related("supports")
        .order_by("joined_on", "pk")
    )
    return [
        {
            "project": str(participation.project),
            "company": participation.company.name,
            "joined_on": iso(participation.joined_on),
            "left_on": iso(participation.left_on),
            "size_class": participation.size_class,
            "note": participation.note,
            "support": [
                {
                    "kind": support.kind,
                    "date": iso(support.given_on),
                    "hours": str(support.hours),
                    "value_sek": str(support.value_sek),
                    "description": support.description,
                }
                for support in participation.supports.all()
            ],
        }
        for participation in participations
    ]


def collect_aid(subject: Subject) -> list[Row]:
    aid = DeMinimisAid.objects.filter(company_id__in=subject.company_ids).select_related("company")
    return [
        {
            "id": str(grant.public_id),
            "company": grant.company.name,
            "granted_on": iso(grant.granted_on),
            "amount": str(grant.amount),
            "currency": grant.currency,
            "amount_eur": str(grant.amount_eur),
            "granting_body": grant.granting_body,
            "granted_outside_portal": grant.granted_outside_portal,
            "reference": grant.reference,
        }
        for grant in aid.order_by("granted_on", "pk")
    ]


def erase_projects(subject: Subject) -> int:
    participations = Participation.objects.filter(company_id__in=subject.company_ids)
    changed = participations.exclude(note="").update(note="", updated_at=timezone.now())
    supports = Support.objects.filter(participation__in=participations).exclude(description="")
    return changed + supports.update(description="")
