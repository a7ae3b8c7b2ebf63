"""Who may read the OpenAPI schema and the Swagger UI (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"])."""

from django.conf import settings
from rest_framework.permissions import BasePermission


class DocsPermission(BasePermission):
    """Signed-in users only, unless the setting API_DOCS_PUBLIC opens the documentation to everyone."""

    def has_permission(self, request, view) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated)
