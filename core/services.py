"""Pieces every app's services share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def require_settable(fields: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """`fields` when every name in it may be set by this service; otherwise a ValidationError
    naming each field that may not (a client sending a read-only or unknown field learns which)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), _("This field cannot be set here.")))
    return fields
