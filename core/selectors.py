from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

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
