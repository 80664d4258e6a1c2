from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

from core.errors import DomainError, Forbidden, NotFound

T = TypeVar("T")


def call_service(form: forms.BaseForm, service: Callable[[], T]) -> T | None:
    """Run a service for a valid form; its ValidationError lands on the form's fields.

    Returns what the service returned, or None when it refused (the form then has errors
    and the view re-renders it). Other refusals (a conflict, a failed precondition) go on top
    of the form; "not found" and "not allowed" are not about the input and become pages.
    """
    try:
        return service()
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return None
        for field, errors in exc.error_dict.items():
            # A rule about a field the form does not show is reported at the top.
            form.add_error(field if field in form.fields else None, errors)
        return None


def run_action(request, service: Callable[[], object], *, success: str) -> bool:
    """A one-button action (retry, resend, withdraw): a refusal becomes an error message on
    the page the user goes back to, a success a confirmation. Returns whether it went through.
    "Not found" and "not allowed" propagate, as in `call_service`."""
    try:
        service()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value
