"""The one base of the API's viewsets.

- Objects are found by their public id (`/api/v1/companies/<uuid>/`).
- Every object decision asks `advisors.access.can()`, for the action the viewset names: reads need "view",
  and each write action is declared in `write_access` (an undeclared one is closed).
- The list's filters apply to the list only: they never turn a detail or an action into a 404.
- `VersionedViewSet` sends the version as the ETag and wants it back on writes (If-Match or `version`):
  428 without it, 412 when stale (see `exportcenter.api.concurrency`).

- Serializers only validate and render (`ValidatingSerializer`): writes go through the app's services.

Errors answer as problem details (`exportcenter.api.problems`).
"""

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from advisors import access
from audit.services import record_read

from . import concurrency


class AccessPermission(BasePermission):
    """Asks `access.can()` for what the view says the action needs; an undeclared action is closed."""

    def has_object_permission(self, request, view, obj) -> bool:
        needed = view.access_action()
        return needed is not None and access.can(request.user, needed, obj)


class ValidatingSerializer(serializers.ModelSerializer):
    """Validates and renders only: the viewset writes through the app's services, never `save()`."""

    def create(self, validated_data):  # pragma: no cover - a bug if reached
        raise NotImplementedError(f"{type(self).__name__} does not write: the viewset calls the services.")

    def update(self, instance, validated_data):  # pragma: no cover - a bug if reached
        raise NotImplementedError(f"{type(self).__name__} does not write: the viewset calls the services.")


class APIViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and read by public id, with access from `advisors.access`."""

    permission_classes = [IsAuthenticated, AccessPermission]
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    # Reads of one object are audited (requests, companies, contacts: personal data); lists are not.
    audit_reads = False

    # What each write action needs of advisors.access; every read needs "view".
    write_access: dict[str, access.Action] = {
        "update": access.Action.CHANGE,
        "partial_update": access.Action.CHANGE,
        "destroy": access.Action.DELETE,
    }

    def access_action(self) -> access.Action | None:
        if self.request.method in SAFE_METHODS:
            return access.Action.VIEW
        return self.write_access.get(self.action)

    def get_object(self):
        obj = super().get_object()  # found and allowed: only a read that happened is recorded
        if self.audit_reads and self.action == "retrieve":
            record_read(self.request, obj)
        return obj

    def write_data(self, serializer_class, *, partial: bool = False) -> dict:
        """The request's body as `serializer_class` validates it (400 with its errors), without the
        `version`: `VersionedViewSet.required_version` reads that."""
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return data

    def filter_queryset(self, queryset):
        # The list's filters are for the list: they must not turn an object or its actions into 404s.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class VersionedViewSet(APIViewSet):
    """For objects with a `version`: the ETag on every answer about one object, the version on writes."""

    # The actions that need the version read (documented with If-Match, 412 and 428).
    versioned_actions: tuple[str, ...] = ("update", "partial_update")

    def retrieve(self, request, *args, **kwargs):
        return self.respond(self.get_object())

    def respond(self, obj, *, status: int = 200, serializer_class=None, refresh: bool = False) -> Response:
        """The object (read again from the queryset with `refresh`), with its version as the ETag."""
        if refresh:
            obj = self.get_queryset().get(pk=obj.pk)
        serializer = (
            serializer_class(obj, context=self.get_serializer_context())
            if serializer_class is not None
            else self.get_serializer(obj)
        )
        return Response(serializer.data, status=status, headers={"ETag": concurrency.etag(obj)})

    def required_version(self, obj) -> int:
        """The version the client read, which must still be the object's: 428 without one, 412 when stale."""
        return concurrency.require_version(self.request, obj)
