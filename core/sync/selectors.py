"""Reads of the change feed, scoped to the reader.

A feed page is a run of numbered Change rows after the reader's cursor. Each (resource, id)
appears once per page, at its last change, and is shown as it is *now*: an upsert carrying
the object exactly as GET /api/v1/<resource>/<id>/ shows it to this reader, or a tombstone
(no data at all) when it was deleted or the reader may no longer see it. Objects are loaded
and serialised in bulk, one query per resource type on the page, so a page costs a fixed
number of queries whatever its size and however many of its objects the reader may not see.

Tombstones and who gets them: a tombstone carries only the resource name and the numeric
id. A reader gets tombstones of a resource only when it may list that resource at all, and a
deletion tombstone only when the resource's registered audience (stored on the Change row at
delete time) includes it. Where a resource registers no audience, or for "lost_access" (the
feed keeps no record of who could see an object before a change), a tombstone may reach a
reader that never saw the object. That is acceptable: it tells nothing but that an id of a
type the reader may list exists or existed, which sequential ids disclose anyway, and
applying it to a replica that lacks the id is a no-op.

A tombstone's reason comes from the feed row alone: "deleted" from a deletion row, and
"lost_access" for a change to an object the reader's queryset does not give now. The feed
never asks whether a hidden object still exists, so a reader cannot tell an object it may
not see from one that was deleted; when a hidden object was in fact deleted, its deletion
row follows on a later page (the reader gets it when the audience rule above lets it), as
the webhooks tell it (core.webhooks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, QuerySet

from core.actors import Actor
from core.api import fastlist
from core.choices import ChangeOp
from core.errors import DomainError
from core.lookups import id_in
from core.models import Change
from core.sync import registry

MAX_PAGE_SIZE = 500
DELETED = "deleted"
LOST_ACCESS = "lost_access"


class CursorExpired(DomainError):
    """The reader's cursor points before the retained history: changes may be missing."""

    status_code = 410
    title = "Gone"


@dataclass
class ChangesPage:
    changes: list[dict[str, Any]] = field(default_factory=list)
    # The position to continue from: the last row read, or the feed's head when all is read.
    last_seq: int = 0
    has_more: bool = False


def head_seq() -> int:
    """The highest number given so far (0 for an empty feed)."""
    return Change.objects.aggregate(head=Max("seq"))["head"] or 0


def check_cursor(after_seq: int, oldest: int | None) -> None:
    """410 when rows after `after_seq` have been pruned (seq numbers have no gaps); `oldest`
    is the lowest number still kept."""
    if oldest is not None and after_seq < oldest - 1:
        raise CursorExpired(
            "This cursor is older than the retained change history. Sync again from scratch: "
            "take the head cursor, list every resource, then follow the changes from that cursor."
        )


def change_rows_after(*, after_seq: int, limit: int, labels: list[str] | None = None) -> list[Change]:
    """Numbered Change rows after `after_seq`, in feed order, of registered resources only.

    Unscoped: for engines that filter per subscriber themselves (webhooks).
    """
    labels = labels if labels is not None else [entry.label for entry in registry.resources()]
    return list(
        Change.objects.filter(seq__gt=after_seq, resource__in=labels)
        .only("seq", "resource", "object_id", "op", "scope", "at", "event")
        .order_by("seq")[:limit]
    )


def changes_page(
    *, actor: Actor, after_seq: int | None, limit: int = 100, context: dict | None = None
) -> ChangesPage:
    """The reader's next page of the feed after `after_seq` (see the module docstring);
    None starts at the oldest retained change, without the 410 check a cursor gets."""
    # The head is read first and bounds the page, so a row numbered while the page is read
    # (it gets a number above the head) is left for the next page instead of being jumped over.
    if after_seq is None:
        after_seq, head = 0, head_seq()
    else:
        bounds = Change.objects.aggregate(head=Max("seq"), oldest=Min("seq"))  # one query
        head = bounds["head"] or 0
        check_cursor(after_seq, bounds["oldest"])
    rows, listable = _page_rows(actor, after_seq=after_seq, head=head, limit=limit)
    has_more = len(rows) > limit
    rows = rows[:limit]
    last_seq = rows[-1].seq if has_more else max(head, after_seq)
    latest: dict[tuple[str, int], Change] = {}
    for row in rows:
        latest.pop((row.resource, row.object_id), None)  # keep dict order = order of last change
        latest[(row.resource, row.object_id)] = row
    shown = _current_objects(actor, listable, latest.values(), context or {})
    changes = []
    for (label, object_id), row in latest.items():
        entry = listable[label].entry
        item = {"seq": row.seq, "resource": entry.resource, "id": object_id}
        if row.op == ChangeOp.DELETE:
            if not _may_hear_of_deletion(actor, entry, row):
                continue
            item.update(op=ChangeOp.DELETE, reason=DELETED)
        elif (label, object_id) in shown:
            item.update(op=ChangeOp.UPSERT, object=shown[(label, object_id)])
        else:
            # Hidden now (or deleted since: its deletion row is further on, see the docstring).
            item.update(op=ChangeOp.DELETE, reason=LOST_ACCESS)
        changes.append(item)
    return ChangesPage(changes=changes, last_seq=last_seq, has_more=has_more)


@dataclass(frozen=True)
class _Listable:
    """A resource the reader may list, with the reader's queryset of it."""

    entry: registry.SyncResource
    queryset: QuerySet


def _page_rows(
    actor: Actor, *, after_seq: int, head: int, limit: int
) -> tuple[list[Any], dict[str, _Listable]]:
    """Up to limit + 1 rows of resources the actor may list, and those resources.

    Only the resources found on the page are asked whether the actor may list them (each
    question builds the actor's queryset, see SyncResource.listable_by); when one may not be listed, its rows are left out and
    the page is read again without it, so a page is still `limit` rows of listable resources.
    """
    labels = [entry.label for entry in registry.resources()]
    listable: dict[str, _Listable] = {}
    while True:
        # Plain tuples, not Change instances: a page is up to 501 rows read on every poll.
        rows = list(
            Change.objects.filter(seq__gt=after_seq, seq__lte=head, resource__in=labels)
            .order_by("seq")
            .values_list("seq", "resource", "object_id", "op", "scope", named=True)[: limit + 1]
        )
        unchecked = {row.resource for row in rows} - listable.keys()
        refused = set()
        for label in sorted(unchecked):
            entry = registry.for_label(label)
            # Built once per page: it answers "may list" here and is filtered by id later.
            queryset = entry.visible_to(actor)
            if queryset.query.is_empty():
                refused.add(label)
            else:
                listable[label] = _Listable(entry, queryset)
        if not refused:
            return rows, listable
        labels = [label for label in labels if label not in refused]


def _may_hear_of_deletion(actor: Actor, entry: registry.SyncResource, row) -> bool:
    if row.scope is None or entry.audience_includes is None:
        return True
    return entry.audience_includes(actor, row.scope)


def _current_objects(
    actor: Actor, listable: dict[str, _Listable], rows, context: dict
) -> dict[tuple[str, int], Any]:
    """The upserted objects as this actor sees them now, loaded and serialised in bulk per
    resource: {(label, id): representation}. An id left out is hidden from the actor or gone."""
    wanted: dict[str, list[int]] = {}
    for row in rows:
        if row.op == ChangeOp.UPSERT:
            wanted.setdefault(row.resource, []).append(row.object_id)
    shown: dict[tuple[str, int], Any] = {}
    for label, ids in wanted.items():
        entry, queryset = listable[label].entry, listable[label].queryset
        # The API's fast list path when the serializer allows it (same bytes, core.api.fastlist).
        plan = fastlist.plan_for(entry.serializer_class(instance=(), context=context), queryset)
        if plan is not None and fastlist.enabled():
            rows = entry.visible_rows(actor, plan.columns(), ids)
            pks, data = [row["pk"] for row in rows], plan.represent(rows)
        else:
            objects = list(queryset.filter(id_in("pk", ids)).order_by())
            pks, data = (
                [obj.pk for obj in objects],
                entry.serializer_class(objects, many=True, context=context).data,
            )
        for pk, representation in zip(pks, data, strict=True):
            shown[(label, pk)] = representation
    return shown
