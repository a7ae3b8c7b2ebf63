"""The OpenAPI schema of what the viewset base does (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

A viewset on `exportcenter.api.base` documents only what is its own (summaries, bodies, its own errors,
e.g. a 409); the ETag and If-Match headers and the errors the base answers (400, 403, 404, 412, 428) are
added here.

Read-only fields are documented as their column allows (nullable, blank), and `document_errors`, a
post-processing hook, documents on every operation the errors any request can meet (see there).
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import safe_ref

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

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """What the model's column allows, also for read-only fields (REST framework drops their
        allow_null and allow_blank): a NULL column is nullable, a blank one may be ""."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        model_field = _model_field(field)
        if model_field is None:
            return schema
        if model_field.null and not getattr(field, "allow_null", False) and not schema.get("nullable"):
            schema = safe_ref({**schema, "nullable": True})
        if model_field.blank and schema.get("type") == "string":
            if "enum" in schema and "" not in schema["enum"]:
                schema = {**schema, "enum": [*schema["enum"], ""]}
            elif "format" in schema:  # "" is no URI or email address
                meta = {key: schema.pop(key) for key in ("readOnly", "title", "description") if key in schema}
                schema = {"oneOf": [schema, {"type": "string", "maxLength": 0}], **meta}
        return schema


def _model_field(field):
    """The model field a serializer field of a ModelSerializer renders, if it renders one directly."""
    serializer = getattr(field, "parent", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    return model_field if model_field.concrete and not model_field.many_to_many else None


# --- Errors every operation can answer ------------------------------------------------------------

PROBLEM = {"$ref": "#/components/schemas/Problem"}
ANY_OPERATION = {
    "400": _(
        "Invalid input: a field, a filter or the page number, or characters that cannot be read (a NUL byte "
        "or invalid UTF-8 in the address or the body, JSON nested too deep)."
    ),
    "401": _("Not signed in: the token is missing, unknown, expired or revoked."),
    "403": _("Not signed in, or you may not do this."),
    "429": _("Too many requests: wait the seconds of the Retry-After header."),
}
NOT_FOUND_OBJECT = _("No such object, or you may not see it.")
NOT_FOUND_PAGE = _("No such page of the list.")
UNSUPPORTED_MEDIA_TYPE = _("The body is not in a supported format (Content-Type).")


def document_errors(result, generator, request, public):
    """Schema post-processing: every operation documents the problem details it can answer whatever it
    does (400, 401, 403, 429), a 404 where it names an object or pages a list, a 415 where it takes a body.
    What a view documents itself wins; an error it documents without a body gets the problem details."""
    from .negotiation import PROBLEM_JSON

    def problem(description) -> dict:
        return {"description": str(description), "content": {PROBLEM_JSON: {"schema": PROBLEM}}}

    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            errors = dict(ANY_OPERATION)
            parameters = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "{" in path:
                errors["404"] = NOT_FOUND_OBJECT
            elif method == "get" and "page" in parameters:
                errors["404"] = NOT_FOUND_PAGE
            if "requestBody" in operation:
                errors["415"] = UNSUPPORTED_MEDIA_TYPE
            for code, description in errors.items():
                responses.setdefault(code, problem(description))
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400 and not response.get("content"):
                    response["content"] = problem("")["content"]  # every error has a problem-details body
            operation["responses"] = dict(sorted(responses.items()))
    return result
