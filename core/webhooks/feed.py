"""What the webhooks read from the change feed (core.sync), behind one small interface.

The sync registry says which models are API resources, their names and each actor's
queryset; the sequencer numbers Change rows in commit order. The dispatcher needs only the
few things below, so a change in core.sync touches this module alone.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import Resolver404, resolve

from core.actors import Actor
from core.models import Change
from core.sync import registry
from core.sync.selectors import change_rows_after
from core.sync.services import changes_sequence

API_PREFIX = "/api/v1/"


@dataclass(frozen=True)
class FeedResource:
    name: str  # the API resource: the path segment under /api/v1/, the event type's prefix
    entry: registry.SyncResource

    def visible_to(self, actor: Actor) -> QuerySet:
        return self.entry.visible_to(actor)

    def listable_by(self, actor: Actor) -> bool:
        return self.entry.listable_by(actor)

    def deletion_reaches(self, actor: Actor, scope: dict | None) -> bool:
        """The change feed's rule for deletion tombstones: readers who may list the resource,
        narrowed to the audience recorded at deletion when the resource registers one."""
        if not self.entry.listable_by(actor):
            return False
        includes = self.entry.audience_includes
        return scope is None or includes is None or bool(includes(actor, scope))


def resource_for_label(label: str) -> FeedResource | None:
    entry = registry.for_label(label)
    return FeedResource(entry.resource, entry) if entry is not None else None


def resource_names() -> list[str]:
    return [entry.resource for entry in registry.resources()]


def changes_after(seq: int, *, limit: int) -> list[Change]:
    """Sequenced changes of API resources after `seq`, in feed order (not scoped to a reader)."""
    return change_rows_after(after_seq=seq, limit=limit)


def sequence_pending() -> int:
    """Number committed changes now (the sync engine's beat task does this every few seconds)."""
    return changes_sequence()


@functools.lru_cache(maxsize=128)
def lookup_field(resource: str) -> str:
    """The field the resource's detail URL is keyed on (`pk`, or e.g. `iso2` for members)."""
    try:
        match = resolve(f"{API_PREFIX}{resource}/")
    except Resolver404:
        return "pk"
    view_class = getattr(match.func, "cls", None)
    field = getattr(view_class, "lookup_field", "pk") or "pk"
    return "pk" if field == "id" else field


def object_url(resource: str, lookup: Any) -> str:
    """The absolute API URL of an object, where the partner fetches it (FORGE_SITE_URL is the
    public address of the site; without it the URL is a path)."""
    site = getattr(settings, "FORGE_SITE_URL", "").rstrip("/")
    return f"{site}{API_PREFIX}{resource}/{lookup}/"


def label_groups(changes: Iterable[Change]) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.resource, []).append(change)
    return groups
