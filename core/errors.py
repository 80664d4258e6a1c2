"""Domain errors raised by services and mapped in one place: to problem+json in the API
(core.api.exceptions) and to form errors or 404 pages in the web UI.

Input problems are plain `django.core.exceptions.ValidationError`s with a field dict, so
forms show them next to the field (`form.add_error(None, exc)`) and the API lists them by field.
"""


class DomainError(Exception):
    status_code = 400
    title = "Request refused"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.title)
        self.message = message or self.title


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it: both answer the same."""

    status_code = 404
    title = "Not found"


class Forbidden(DomainError):
    """The actor may see the object but not do this to it."""

    status_code = 403
    title = "Not allowed"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"


class PreconditionFailed(DomainError):
    status_code = 412
    title = "Precondition failed"
