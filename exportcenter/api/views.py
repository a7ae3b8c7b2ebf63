"""Views of the API itself (the endpoints are in each app's api.py): the index, the documentation and the
answer to an unknown address."""

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .permissions import DocsPermission


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def unknown_endpoint(request):
    """Below /api/v1/, an address that names no endpoint is a 404 in problem details too."""
    raise exceptions.NotFound


INDEX = inline_serializer(
    "ApiIndex",
    {
        "endpoints": serializers.DictField(
            child=serializers.URLField(), help_text=_("Each endpoint by name, with its address.")
        ),
        "schema": serializers.URLField(help_text=_("The OpenAPI 3 schema.")),
        "docs": serializers.URLField(help_text=_("The documentation (Swagger UI).")),
    },
)


def endpoint_index(router, extra: dict[str, str]):
    """The view of `/api/v1/`: every list endpoint of the router, and `extra` ({name: URL name})."""

    @extend_schema(
        summary=_("Index of the API"),
        description=_("The API's endpoints by name, with links to the schema and the documentation."),
        responses=INDEX,
    )
    @api_view(["GET"])
    def api_index(request):
        endpoints = {
            prefix: reverse(f"{basename}-list", request=request)
            for prefix, _viewset, basename in router.registry
        }
        endpoints.update({name: reverse(url_name, request=request) for name, url_name in extra.items()})
        return Response(
            {
                "endpoints": dict(sorted(endpoints.items())),
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            }
        )

    return api_index


class SchemaView(SpectacularAPIView):
    permission_classes = [DocsPermission]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI. Someone signed out is sent to sign in (the page is for people, not programs)."""

    permission_classes = [DocsPermission]

    def permission_denied(self, request, message=None, code=None):
        if not request.user.is_authenticated:
            raise _SignInFirst
        super().permission_denied(request, message, code)

    def handle_exception(self, exc):
        if isinstance(exc, _SignInFirst):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


class _SignInFirst(exceptions.NotAuthenticated):
    pass
