"""Domain errors raised by services and mapped in one place: to problem+json in the API
(core.api.exceptions) and to form errors or 404 pages in the web UI.

Input problems are plain `django.core.exceptions.ValidationError`s with a field dict, so
forms show them next to the field (`form.add_error(None, exc)`) and the API lists them by field.

Titles stay in English (the API's problem titles); pages translate them when they show them.
"""

from django.utils.translation import gettext_noop


class DomainError(Exception):
    status_code = 400
    title = gettext_noop("Request refused")

    def __init__(self, message: str = "", *, extra: dict | None = None) -> None:
        super().__init__(message or self.title)
        self.message = message or self.title
        # Extra members of the API's problem body (e.g. `held_by`), for clients to act on.
        self.extra = extra or {}


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it: both answer the same."""

    status_code = 404
    title = gettext_noop("Not found")


class Forbidden(DomainError):
    """The actor may see the object but not do this to it."""

    status_code = 403
    title = gettext_noop("Not allowed")


class Conflict(DomainError):
    status_code = 409
    title = gettext_noop("Conflict")


class PreconditionFailed(DomainError):
    status_code = 412
    title = gettext_noop("Precondition failed")


class StillHeld(Conflict):
    """A delete refused because other records still point at the object (a protected foreign key)."""

    title = gettext_noop("Still in use")


def still_held(exc: Exception, instance=None) -> StillHeld:
    """The domain error for Django's ProtectedError or RestrictedError: names what holds the object.

    The message counts the holders by kind and names a few; `held_by` lists them as
    {"kind": "app_label.model", "id": ..., "name": ...} for API clients (at most 20).
    """
    holders = list(getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or [])
    holders.sort(key=lambda obj: (obj._meta.label_lower, str(obj.pk)))
    counts: dict[str, int] = {}
    for holder in holders:
        counts[holder._meta.label_lower] = counts.get(holder._meta.label_lower, 0) + 1
    kinds = ", ".join(f"{count} {_kind_name(label, count)}" for label, count in counts.items())
    named = "; ".join(f"“{holder}”" for holder in holders[:3])
    more = f" and {len(holders) - 3} more" if len(holders) > 3 else ""
    subject = "It"
    if instance is not None:
        kind = str(instance._meta.verbose_name)
        subject = f"{kind[:1].upper()}{kind[1:]} “{instance}”"
    message = (
        f"{subject} cannot be deleted: it is still referred to by {kinds or 'other records'} "
        f"({named}{more}). Remove or change those first."
    )
    held_by = [
        {"kind": holder._meta.label_lower, "id": holder.pk, "name": str(holder)} for holder in holders[:20]
    ]
    return StillHeld(message, extra={"held_by": held_by})


def _kind_name(label: str, count: int) -> str:
    from django.apps import apps

    meta = apps.get_model(label)._meta
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)
