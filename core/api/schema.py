"""The OpenAPI description of what every API view really answers, added in one place.

Every /api/v1/ operation gets its error responses as application/problem+json (one `Problem`
component), 429 with Retry-After, and the conditional-request and idempotency headers that
core.api.views implements: ETag on object responses, If-None-Match and 304 on retrieve,
If-Match and 412 on PUT/PATCH/DELETE, Idempotency-Key with 409/422 on every POST.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

PROBLEM_MEDIA_TYPE = "application/problem+json"

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`: `status` and `title` say it all."},
        "title": {"type": "string", "example": "Invalid input"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "Check these fields: full_name."},
        "errors": {
            "type": "object",
            "description": "Validation failures only: messages by field (`non_field_errors` for the whole input).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"full_name": ["This field may not be blank."]},
        },
    },
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field (query parameters included).",
    "401": "No token, or an unknown, revoked or expired one.",
    "403": "This token or account may not do this (a read-only token writing, or a role without the right).",
    "404": "No such object (or one the body refers to), or not one this token may see.",
    "409": "Conflicts with the current state, or a request with this Idempotency-Key is still running.",
    "410": "The cursor is older than the retained history: sync again from scratch.",
    "412": "If-Match does not match the current ETag: fetch the object again and retry.",
    "415": "The body is not JSON (or a form/multipart upload where the operation accepts one).",
    "422": "This Idempotency-Key was used with a different request.",
    "429": "Too many requests for this token: wait `Retry-After` seconds.",
}

ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "The representation's strong validator: send it as If-None-Match or If-Match.",
}
RETRY_AFTER_HEADER = {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}
REPLAYED_HEADER = {
    "schema": {"type": "string", "enum": ["true"]},
    "description": "Present when this is the stored response to an earlier request with the same Idempotency-Key.",
}


def _header_parameter(name: str, description: str) -> dict:
    return {
        "in": "header",
        "name": name,
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


IF_NONE_MATCH = _header_parameter("If-None-Match", "ETags you hold; 304 Not Modified when one is current.")
IF_MATCH = _header_parameter(
    "If-Match", "The ETag you read; 412 when the object changed since (no lost updates)."
)
IDEMPOTENCY_KEY = {
    **_header_parameter(
        "Idempotency-Key",
        "A unique value per intended request (a UUID). A retry with the same key and body returns the first "
        "response; kept at least 24 hours; private to your token.",
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


class ForgeAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None or not path.startswith("/api/v1/"):
            return operation
        action = getattr(self.view, "action", None)
        writes_objects = hasattr(self.view, "_locked_current_instance")
        responses = operation["responses"]
        parameters = operation.setdefault("parameters", [])

        if action == "retrieve":
            parameters.append(IF_NONE_MATCH)
            self._add_headers(responses, "200", {"ETag": ETAG_HEADER})
            responses["304"] = {
                "description": "Not modified: your copy is current.",
                "headers": {"ETag": ETAG_HEADER},
            }
        if writes_objects and action in ("update", "partial_update", "destroy"):
            parameters.append(IF_MATCH)
            self._add_headers(responses, "200", {"ETag": ETAG_HEADER})
        if self.method == "POST":  # every POST takes the write path of core.api.writes
            parameters.append(IDEMPOTENCY_KEY)
            for code in [code for code in responses if code.startswith("2")][:1]:
                self._add_headers(
                    responses, code, {"ETag": ETAG_HEADER, "Idempotent-Replayed": REPLAYED_HEADER}
                )
        if not parameters:
            del operation["parameters"]

        for code in self._error_codes(operation, action, writes_objects):
            responses.setdefault(code, self._problem_response(code))
        return operation

    def _error_codes(self, operation, action, writes_objects) -> list[str]:
        codes = ["401", "403", "429"]
        has_input = bool(operation.get("parameters")) or "requestBody" in operation
        if has_input or self.method in ("POST", "PUT", "PATCH"):
            codes.append("400")
        if "{" in self.path or self.method in ("POST", "PUT", "PATCH"):
            codes.append("404")  # the object, or one the body refers to, is missing or not yours
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["409", "415"]
        if writes_objects and action in ("update", "partial_update", "destroy"):
            codes += ["409", "412"]
        if self.method == "POST":
            codes.append("422")
        codes += getattr(self.view, "problem_responses", [])  # a view's own extras, e.g. 410
        return sorted(set(codes))

    def _problem_response(self, code: str) -> dict:
        component = ResolvedComponent(
            name="Problem", type=ResolvedComponent.SCHEMA, object="Problem", schema=PROBLEM_SCHEMA
        )
        self.registry.register_on_missing(component)
        response = {
            "description": ERROR_DESCRIPTIONS.get(code, "Error."),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": component.ref}},
        }
        if code == "429":
            response["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
        return response

    @staticmethod
    def _add_headers(responses: dict, code: str, headers: dict) -> None:
        if code in responses:
            responses[code].setdefault("headers", {}).update(headers)
