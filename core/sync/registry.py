"""Which models the change feed and the sync tooling know about, and how each is shown.

Core never imports the apps: each app registers its synced resources from its own
`<app>/api/sync.py`, imported in its AppConfig.ready(). A registration names the API
resource (the path segment under /api/v1/), the model, the API serializer (so feed objects
have exactly the shape GET /api/v1/<resource>/<id>/ returns) and the actor-scoped queryset
(the same selector the viewset uses, so the feed shows exactly what the API shows).
"""

from __future__ import annotations

import copy
import datetime
import functools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from core.actors import Actor
from core.lookups import IdsQuery


@dataclass(frozen=True)
class SyncResource:
    resource: str
    model: type[models.Model]
    serializer_class: type
    queryset: Callable[[Actor], QuerySet]
    # Who could see an object, recorded on its deletion (core.tracking.tracked_delete), and the
    # test of that record against a reader; both optional. Without them a deletion tombstone
    # goes to every reader who may list the resource at all (see core.sync.selectors).
    audience: Callable[[models.Model], dict] | None = None
    audience_includes: Callable[[Actor, dict], bool] | None = None
    # The foreign key to the object whose visibility this one inherits (an agenda item is seen
    # by whoever sees its meeting). When that object's audience may have changed, its
    # dependents go on the feed too, so readers gain or lose them with it.
    follows: str | None = None
    # Fields whose change alters who may see the object (with every `touch`, see core.tracking).
    audience_fields: frozenset[str] = frozenset()
    # For objects that show something computed from today's date (a milestone's `status`):
    # `date_changes(since, until)` gives the ids whose representation may differ between day
    # `since` and day `until` (a superset is fine). The daily job puts them on the feed.
    date_changes: Callable[[datetime.date, datetime.date], Iterable[int]] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def visible_to(self, actor: Actor) -> QuerySet:
        """The actor's queryset of this resource, unevaluated: filter it or read it, and each
        call gives a fresh one (see _kept_queryset)."""
        return _fresh(_kept_queryset(self, *_key(actor)))

    def visible_rows(self, actor: Actor, columns: tuple[str, ...], ids: list[int]) -> list[dict]:
        """`.values(*columns)` of the objects among `ids` the actor may see, in no order: a
        feed page's read of one resource, its SQL compiled once per reader and day."""
        return _kept_ids_query(self, *_key(actor), columns).rows(ids)

    def listable_by(self, actor: Actor) -> bool:
        """False when the actor's queryset is empty by construction (`.none()`): such a
        reader gets nothing of this resource from the feed, not even tombstones."""
        return not self.visible_to(actor).query.is_empty()


@functools.lru_cache(maxsize=512)
def _kept_queryset(entry: SyncResource, reader: Actor, day: datetime.date, thread: int) -> QuerySet:
    """A reader's queryset, built once per reader and day and never evaluated itself.

    Why: building one is 1-3 ms of ORM work (the confidentiality subqueries), repeated for
    every resource of every feed page and webhook round, while partners poll every few
    seconds. A queryset holds a query, not rows, so a kept one still reads the database as it
    is at each use. That holds because a registered queryset is built from the reader and the
    day alone and runs no query while being built (tests/sync/test_registry.py checks every
    registered resource for every kind of reader); `day` is in the key for querysets that
    compare with today (a project's overdue milestones). The reader is `Actor.as_reader()`,
    so tokens and users with the same rights share. Compiling a query touches its
    subqueries' alias counts, which clones share: each thread keeps its own (one per process
    under gunicorn's sync workers and Celery's prefork pool). A kept queryset and its compiled
    query (_kept_ids_query) take 10-70 KiB: 512 of each bound them to tens of MiB a process;
    a reader pushed out is built again on its next poll.
    """
    return entry.queryset(reader)


@functools.lru_cache(maxsize=512)
def _kept_ids_query(
    entry: SyncResource, reader: Actor, day: datetime.date, thread: int, columns: tuple
) -> IdsQuery:
    # Compiled from the kept queryset, so it keeps what that keeps (and holds no rows either).
    return IdsQuery(_kept_queryset(entry, reader, day, thread).order_by().values(*columns), "pk")


def _key(actor: Actor) -> tuple[Actor, datetime.date, int]:
    return actor.as_reader(), timezone.localdate(), threading.get_ident()


def _fresh(queryset: QuerySet) -> QuerySet:
    """A clone whose prefetch querysets are clones too: Django's prefetching marks the
    queryset of a Prefetch it runs (hints, sticky filters), which must not be the kept one."""
    lookups = queryset._prefetch_related_lookups
    if not any(isinstance(lookup, Prefetch) and lookup.queryset is not None for lookup in lookups):
        return queryset.all()
    return queryset.prefetch_related(None).prefetch_related(*map(_fresh_lookup, lookups))


def _fresh_lookup(lookup):
    if not isinstance(lookup, Prefetch) or lookup.queryset is None:
        return lookup
    fresh = copy.copy(lookup)
    fresh.queryset = _fresh(lookup.queryset)
    return fresh


@receiver(setting_changed)
def _forget_querysets(**kwargs) -> None:
    # Time zone and confidentiality settings shape the querysets (tests change them).
    _kept_queryset.cache_clear()
    _kept_ids_query.cache_clear()


_by_resource: dict[str, SyncResource] = {}
_by_label: dict[str, SyncResource] = {}


def register(
    *,
    resource: str,
    model: type[models.Model],
    serializer_class: type,
    queryset: Callable[[Actor], QuerySet],
    audience: Callable[[models.Model], dict] | None = None,
    audience_includes: Callable[[Actor, dict], bool] | None = None,
    follows: str | None = None,
    audience_fields: set[str] | frozenset[str] = frozenset(),
    date_changes: Callable[[datetime.date, datetime.date], Iterable[int]] | None = None,
) -> SyncResource:
    entry = SyncResource(
        resource,
        model,
        serializer_class,
        queryset,
        audience,
        audience_includes,
        follows,
        frozenset(audience_fields),
        date_changes,
    )
    existing = _by_resource.get(resource)
    if existing is not None and existing.model is not model:
        raise ValueError(f"Sync resource {resource!r} is already registered for {existing.label}.")
    _by_resource[resource] = entry
    _by_label[entry.label] = entry
    return entry


def register_list(
    resource: str,
    model: type[models.Model],
    serializer_class: type,
    selector: Callable[..., QuerySet],
    **options,
) -> SyncResource:
    """`register` for the usual case: the feed reads the resource through the app's list
    selector (`selector(actor=...)`, the one its viewset lists with), so a feed object is
    what a full sync gives. `options` as for `register` (follows, audience_fields, ...)."""
    return register(
        resource=resource,
        model=model,
        serializer_class=serializer_class,
        queryset=lambda actor: selector(actor=actor),
        **options,
    )


def resources() -> list[SyncResource]:
    return sorted(_by_resource.values(), key=lambda entry: entry.resource)


def for_resource(resource: str) -> SyncResource | None:
    return _by_resource.get(resource)


def for_label(label: str) -> SyncResource | None:
    return _by_label.get(label)


def for_instance(instance: models.Model) -> SyncResource | None:
    return _by_label.get(instance._meta.label_lower)


def dependents(label: str) -> list[tuple[SyncResource, str]]:
    """(resource, foreign key attname) of the resources whose visibility follows `label`'s."""
    found = []
    for entry in _by_resource.values():
        if entry.follows is None:
            continue
        field = entry.model._meta.get_field(entry.follows)
        if field.related_model._meta.label_lower == label:
            found.append((entry, field.attname))
    return found


def audience_fields(label: str) -> frozenset[str]:
    entry = _by_label.get(label)
    return entry.audience_fields if entry is not None else frozenset()


def deletion_audience(instance: models.Model) -> dict | None:
    """What to store in Change.scope when `instance` is deleted (None: no restriction)."""
    entry = for_instance(instance)
    if entry is None or entry.audience is None:
        return None
    return entry.audience(instance)
