from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from core.errors import NotFound
from core.models import AuditEntry


def audit_history(objects: list[models.Model] | QuerySet, *, limit: int = 100) -> list[AuditEntry]:
    """The latest audit entries of these objects, newest first, in one query."""
    by_type: dict[int, list[str]] = {}
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        by_type.setdefault(content_type.pk, []).append(str(obj.pk))
    if not by_type:
        return []
    condition = Q()
    for type_id, ids in by_type.items():
        condition |= Q(content_type_id=type_id, object_id__in=ids)
    return list(AuditEntry.objects.filter(condition).select_related("content_type")[:limit])


def get_visible(queryset: QuerySet, pk, message: str = "", *, field: str = "pk"):
    """The object of an actor-scoped queryset (a selector's list) with this key, or NotFound.

    Hidden and missing answer the same, so "not yours" looks like "not found". A key that is
    not a whole number (for `pk`) is not found either: a bad URL or API id is never a 500.
    """
    found = None
    if field != "pk" or str(pk).isdigit():
        found = queryset.filter(**{field: pk}).first()
    if found is None:
        raise NotFound(message or f"No such {queryset.model._meta.verbose_name}.")
    return found
