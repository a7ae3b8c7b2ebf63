"""`/api/v1/worklist/`: the worklist's sections, as on the page (read-only)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .sections import sections_for


def _request(request) -> dict:
    return {"id": str(request.public_id), "reference": request.reference, "company": request.company.name}


def _referral(referral) -> dict:
    return {
        "id": str(referral.public_id),
        "request": _request(referral.request),
        "from_organisation": referral.from_organisation.name,
        "due_at": referral.due_at,
    }


ROW = {
    "my_requests": lambda r: {
        **_request(r),
        "status": r.status,
        "first_response_due_at": r.first_response_due_at,
        "deadline_state": r.deadline_state,
    },
    "referrals_waiting": _referral,
    "referral_answers_due": _referral,
    "follow_ups": lambda f: {
        "id": str(f.public_id),
        "description": f.description,
        "company": f.company.name,
        "request": f.request.reference if f.request_id else None,
        "due_on": f.due_on,
    },
    "waiting_for_company": lambda r: {**_request(r), "waiting_since": r.waiting_since},
    "latest_replies": lambda e: {"request": _request(e.request), "body": e.body, "created_at": e.created_at},
    "team_load": lambda p: {
        "id": p.pk,
        "name": p.full_name,
        "open": p.open_count,
        "overdue": p.overdue_count,
    },
    "unassigned": lambda r: {**_request(r), "created_at": r.created_at},
    "overdue_by_partner": lambda row: {
        "organisation_id": row.organisation_id,
        "organisation": row.name,
        "overdue": row.count,
    },
    "goals": lambda g: {
        "id": g.pk,
        "kind": g.kind,
        "label": g.name or str(g.get_kind_display()),
        "baseline": g.baseline,
        "target": g.target,
        "actual": g.actual,
        "progress_percent": g.progress_percent,
    },
}


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=_("my_requests, referrals_waiting, follow_ups, ... (see the README)")
    )
    title = serializers.CharField()
    count = serializers.IntegerField(help_text=_("How many in all; `rows` holds the first ten."))
    url = serializers.CharField(help_text=_("The page with the full list."))
    rows = serializers.ListField(child=serializers.DictField())


class WorklistSerializer(serializers.Serializer):
    sections = SectionSerializer(many=True)


@extend_schema(
    responses=WorklistSerializer,
    summary="The signed-in user's worklist",
    description=(
        "The sections of the user's start page, each with its count, its first rows and the address of its "
        "full list. Which sections a user has follows the role (advisor; organisation lead; regional staff)."
    ),
)
@api_view(["GET"])
def worklist(request):
    sections = [
        {
            "key": section.key,
            "title": str(section.title),
            "count": section.count,
            "url": request.build_absolute_uri(section.url),
            "rows": [ROW[section.key](row) for row in section.rows],
        }
        for section in sections_for(request.user)
    ]
    return Response(WorklistSerializer({"sections": sections}).data)
