"""Every API error as application/problem+json (RFC 9457), validation errors field by field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError, still_held

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(
    status_code: int, title: str, detail: str, errors: dict | None = None, extra: dict | None = None
) -> dict:
    body = {"type": "about:blank", "title": title, "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return body


def _field_errors(detail) -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into {"field.sub": ["message", ...]}."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not isinstance(value[0], str | exceptions.ErrorDetail):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            messages = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return flat


def _django_validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def problem_response(
    status_code: int, title: str, detail: str, errors: dict | None = None, headers=None, extra=None
):
    response = Response(
        problem_body(status_code, title, detail, errors, extra), status=status_code, headers=headers
    )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        return problem_response(400, "Invalid input", _summary(errors), errors)
    if isinstance(exc, ProtectedError | RestrictedError):
        exc = still_held(exc)  # a delete outside core.tracking: still a 409, never a 500
    if isinstance(exc, DomainError):
        return problem_response(exc.status_code, exc.title, exc.message, extra=exc.extra)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        body = problem_body(response.status_code, "Invalid input", _summary(errors), errors)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = problem_body(response.status_code, _title(response.status_code), detail)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _summary(errors: dict[str, list[str]]) -> str:
    fields = ", ".join(sorted(errors))
    return f"Check these fields: {fields}."


def _title(status_code: int) -> str:
    return {
        400: "Bad request",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Not found",
        405: "Method not allowed",
        406: "Not acceptable",
        409: "Conflict",
        412: "Precondition failed",
        415: "Unsupported media type",
        422: "Unprocessable content",
        429: "Too many requests",
    }.get(status_code, "Error")


def api_not_found(request, exception=None):
    """Django-level 404 for unknown /api/ paths, in the API's own error format."""
    body = problem_body(404, "Not found", "No such API endpoint.")
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND, content_type=PROBLEM_CONTENT_TYPE)


def api_server_error(request):
    body = problem_body(500, "Server error", "Something failed on our side; it has been logged.")
    return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
