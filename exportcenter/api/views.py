"""Views of the API itself (the endpoints are in each app's api.py)."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def unknown_endpoint(request):
    """Below /api/v1/, an address that names no endpoint is a 404 in problem details too."""
    raise exceptions.NotFound
