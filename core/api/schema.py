"""The OpenAPI description of what every API view really answers, added in one place.

Every /api/v1/ operation gets its error responses as application/problem+json (one `Problem`
component), 429 with Retry-After, and the conditional-request and idempotency headers that
core.api.views implements: ETag on object responses, If-None-Match and 304 on retrieve,
If-Match and 412 on PUT/PATCH/DELETE, Idempotency-Key with 409/422 on every POST.
"""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, append_meta, build_choice_field
from rest_framework import serializers

from core.api.fields import ChoiceOnWriteField, LinkedField

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
        self._document_empty_filters(parameters)
        if not parameters:
            del operation["parameters"]

        for code in self._error_codes(operation, action, writes_objects):
            responses.setdefault(code, self._problem_response(code))
        return operation

    def _document_empty_filters(self, parameters: list) -> None:
        """A filter given empty (`?status=`, `?updated_since=`) filters nothing, as in the web
        pages' filter forms (django-filter treats an empty value as no value): the document says
        so with `allowEmptyValue` instead of promising a 400 for a value outside the schema.
        A view names its other query parameters that read a blank as not given in
        `blank_query_parameters`."""
        filterset = getattr(self.view, "filterset_class", None)
        names = {*getattr(filterset, "base_filters", {}), *getattr(self.view, "blank_query_parameters", ())}
        for parameter in parameters:
            if parameter.get("in") == "query" and parameter["name"] in names:
                parameter["allowEmptyValue"] = True

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

    def _get_paginator(self):
        # Only list reads come in pages; a POST answering several objects (a meeting's invite,
        # the new agenda order) answers a plain array.
        if self.method != "GET":
            return None
        return super()._get_paginator()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema is None:
            return schema
        if direction == "request" and isinstance(field, ChoiceOnWriteField):
            return self._write_choices_schema(field)
        if direction == "request" and _refuses_empty_list(field) and "$ref" not in schema:
            schema = {**schema, "minItems": max(1, schema.get("minItems", 0))}
        if direction == "response" and not field.allow_null and _nullable_source(field):
            # A read-only relation or column that may be empty comes back null: say so, or a
            # generated client refuses the response.
            schema = {**schema, "nullable": True}
        return schema

    def _write_choices_schema(self, field: ChoiceOnWriteField) -> dict:
        """The request side of a ChoiceOnWriteField, as its own named enum (e.g.
        `MeetingStatusOnWriteEnum`): only the values accepted on input."""
        narrowed = serializers.ChoiceField(choices=list(field.write_choices.items()))
        enum = {key: value for key, value in build_choice_field(narrowed).items() if key != "x-spec-enum-id"}
        owner = type(field.parent).__name__.removesuffix("Serializer")
        name = f"{owner}{field.field_name.title().replace('_', '')}OnWriteEnum"
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=enum)
        self.registry.register_on_missing(component)
        meta = self._get_serializer_field_meta(field, "request")
        return append_meta(component.ref, {key: value for key, value in meta.items() if key != "readOnly"})

    @staticmethod
    def _add_headers(responses: dict, code: str, headers: dict) -> None:
        if code in responses:
            responses[code].setdefault("headers", {}).update(headers)


def _refuses_empty_list(field) -> bool:
    many = isinstance(
        field, serializers.ListField | serializers.ManyRelatedField | serializers.ListSerializer
    )
    return many and not getattr(field, "allow_empty", True)


def _nullable_source(field) -> bool:
    """Whether the model attribute a serializer field reads (through its source) may be null,
    or the field hides it as null (a link to a record the reader may not see)."""
    if isinstance(field, LinkedField):
        return True
    serializer = field.parent
    if isinstance(serializer, serializers.ListSerializer) or isinstance(field, serializers.ManyRelatedField):
        return False
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    attrs = list(getattr(field, "source_attrs", None) or [])
    if model is None or not attrs:
        return False
    for attr in attrs:
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            model_field = next((f for f in model._meta.concrete_fields if f.attname == attr), None)
        if model_field is None or model_field.many_to_many or model_field.one_to_many:
            return False
        if getattr(model_field, "null", False):
            return True
        model = model_field.related_model
        if model is None:
            return False
    return False


# OpenAPI links -------------------------------------------------------------------------------
# Added to the finished document (a drf-spectacular postprocessing hook), from its own shape, so
# every app's resources get them: wherever a response carries an object's id (its own `id`, or
# a field named after another resource, like an action item's `meeting`), a link feeds that id
# to each operation on that object (`/meetings/{id}/`, `/meetings/{id}/status/`, ...). Stateful
# testing and generated clients follow them.

_METHODS = ("get", "put", "patch", "post", "delete")


def _ref_name(schema: dict | None) -> str | None:
    ref = (schema or {}).get("$ref", "")
    return ref.rsplit("/", 1)[1] if ref.startswith("#/components/schemas/") else None


def _response_body(response: dict) -> dict | None:
    content = response.get("content") or {}
    return (content.get("application/json") or {}).get("schema")


def _object_families(paths: dict) -> dict[str, tuple[str, str]]:
    """{component name: (detail path, its parameter)} for every `/things/{param}/` whose GET
    answers that component."""
    families = {}
    for path, item in paths.items():
        params = re.findall(r"\{([^}]+)\}", path)
        if len(params) != 1 or not path.endswith(f"/{{{params[0]}}}/") or "get" not in item:
            continue
        name = _ref_name(_response_body(item["get"]["responses"].get("200", {})))
        if name:
            families[name] = (path, params[0])
    return families


def _targets(paths: dict, detail_path: str, param: str) -> list[tuple[str, str]]:
    """(operationId, method) of every operation on one object: its detail path and actions below it."""
    found = []
    for path, item in paths.items():
        if path == detail_path or (path.startswith(detail_path) and path.count("{") == 1):
            for method in _METHODS:
                if method in item and "operationId" in item[method]:
                    found.append(item[method]["operationId"])
    return found


def _id_sources(component: dict, families: dict, own: str | None) -> list[tuple[str, str]]:
    """(JSON pointer into the body, component named) for the ids a body of this component carries."""
    properties = component.get("properties", {})
    sources = []
    if own in families and families[own][1] in properties:
        sources.append((f"/{families[own][1]}", own))
    for prop, schema in properties.items():
        named = "".join(part.title() for part in prop.split("_"))
        if named != own and named in families and schema.get("type") in ("integer", "string"):
            sources.append((f"/{prop}", named))
    return sources


def add_links(result, generator, request, public):
    paths = result.get("paths", {})
    components = result.get("components", {}).get("schemas", {})
    families = _object_families(paths)
    for item in paths.values():
        for method in _METHODS:
            operation = item.get(method)
            if not operation:
                continue
            for code, response in operation["responses"].items():
                if not code.startswith("2"):
                    continue
                links = _links_for(_response_body(response), components, families, paths)
                if links:
                    response["links"] = links
    return result


def _links_for(body: dict | None, components: dict, families: dict, paths: dict) -> dict:
    prefix = ""
    if body and body.get("type") == "array":  # e.g. the invitations a meeting's invite created
        body, prefix = body.get("items"), "/0"
    own = _ref_name(body)
    if own is None or own not in components:
        return {}
    links = {}
    for pointer, named in _id_sources(components[own], families, own):
        detail_path, param = families[named]
        for operation_id in _targets(paths, detail_path, param):
            via = "" if named == own else f"_via_{pointer.strip('/')}"
            links[f"{operation_id}{via}"] = {
                "operationId": operation_id,
                "parameters": {f"path.{param}": f"$response.body#{prefix}{pointer}"},
                "description": f"`{param}` of the {named} in this response.",
            }
    return links
