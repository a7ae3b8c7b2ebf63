"""The OpenAPI schema of what the viewset base does (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

A viewset on `exportcenter.api.base` documents only what is its own (summaries, bodies, its own errors,
e.g. a 409); the ETag and If-Match headers and the errors the base answers (400, 403, 404, 412, 428) are
added here.
"""

from drf_spectacular.openapi import AutoSchema

from .concurrency import IF_MATCH, etag_header
from .problems import FORBIDDEN, NOT_FOUND, STALE, VALIDATION_ERROR, VERSION_MISSING

WRITES = ("POST", "PUT", "PATCH", "DELETE")


class APIAutoSchema(AutoSchema):
    def _on_base(self) -> bool:
        from .base import APIViewSet  # the base imports the access module and with it the models

        return isinstance(self.view, APIViewSet)

    def _versioned(self) -> bool:
        return hasattr(self.view, "versioned_actions")

    def _needs_version(self) -> bool:
        return (
            self._versioned()
            and getattr(self.view, "action", None) in self.view.versioned_actions
            and self.method in WRITES
        )

    def _success_code(self) -> int:
        responses = self.get_response_serializers()
        if isinstance(responses, dict) and 201 in responses:
            return 201
        return 201 if self._is_create_operation() else 200

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._needs_version():
            parameters += [IF_MATCH, etag_header(self._success_code())]
        elif self._versioned() and getattr(self.view, "action", None) in ("retrieve", "create"):
            parameters.append(etag_header(self._success_code()))
        return parameters

    def _base_errors(self) -> dict:
        if not self._on_base():
            return {}
        errors = {}
        if self.method in WRITES:
            if self.method != "DELETE" and self.get_request_serializer() is not None:
                errors[400] = VALIDATION_ERROR
            errors[403] = FORBIDDEN
        if getattr(self.view, "detail", False):
            errors[404] = NOT_FOUND
        if self._needs_version():
            errors.update({412: STALE, 428: VERSION_MISSING})
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._base_errors().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(response, str(code), None, direction)
        return responses
