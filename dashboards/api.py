"""REST API of the dashboards: `/api/v1/stats/summary/` and one endpoint per figure, all taking the
dashboard page's period and filters (validated by the same form as the page)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from exportcenter.api.problems import NOT_FOUND, VALIDATION_ERROR, invalid_form

from . import serializers as answers
from . import stats
from .forms import PERIOD_CHOICES, SCOPE_CHOICES, DashboardQueryForm

# --- Query parameters -------------------------------------------------------------------------------

STATS_PARAMETERS = [
    OpenApiParameter("region", str, description="Region slug; default: the user's first region."),
    OpenApiParameter(
        "scope", str, enum=[key for key, _label in SCOPE_CHOICES], description="Whose figures (by role)."
    ),
    OpenApiParameter(
        "period",
        str,
        enum=[key for key, _label in PERIOD_CHOICES],
        description="Default: year, or custom when start or end is given. Start and end only go with custom.",
    ),
    OpenApiParameter("day", OpenApiTypes.DATE, description="A day in the period; default today."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day of a custom period."),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        description=(
            "Last day of a custom period (inclusive). Dates run from 2000 to five years ahead; a period "
            "is at most three years. A query that is not valid is a 400 with the errors per field; "
            "nothing is computed."
        ),
    ),
    OpenApiParameter("organisation", str, description="Owning organisation (slug)."),
    OpenApiParameter("county", str, description="County code (2 digits)."),
    OpenApiParameter("municipality", str, description="Municipality code (4 digits)."),
    OpenApiParameter("need", str, description="Need category (slug)."),
    OpenApiParameter("sni_section", str, description="SNI 2025 section (A–V)."),
    OpenApiParameter("size_band", str, description="SCB employee band, e.g. 10-19."),
]


def _resolve(request):
    form = DashboardQueryForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise invalid_form(form)
    scope, period, filters = form.resolved()
    if scope is None:
        raise Http404
    return scope, period, filters


def _stats_view(name: str, serializer, compute, description, *, many: bool = False):
    @extend_schema(
        operation_id=f"stats_{name}",
        parameters=STATS_PARAMETERS,
        responses={200: serializer(many=many), 400: VALIDATION_ERROR, 404: NOT_FOUND},
        description=description,
    )
    @api_view(["GET"])
    def view(request):
        scope, period, filters = _resolve(request)
        return Response(serializer(compute(scope, period, filters), many=many).data)

    view.__name__ = f"stats_{name}"
    return view


summary = _stats_view(
    "summary",
    answers.SummarySerializer,
    lambda scope, period, filters: {
        "period": {"start": period.start, "end": period.end},
        **stats.summary(scope, period, filters),
    },
    "Every figure of the dashboard for one scope, period and set of filters.",
)

# One view per figure of the registry (dashboards/stats.py).
VIEWS = {
    stat.name: _stats_view(stat.name, stat.serializer, stat.answer, stat.how, many=stat.many)
    for stat in stats.STATS
}
