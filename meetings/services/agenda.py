"""A meeting's agenda: items, their documents, their order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.services import require_settable
from core.tracking import audit_record, change_record, touch, tracked_create, tracked_delete, tracked_update
from meetings import permissions
from meetings.models import AgendaItem, Document, Meeting
from meetings.services.common import row_lock

AGENDA_FIELDS = {"title", "description", "duration_minutes", "presenter"}


def _check_documents(meeting: Meeting, documents: Iterable[Document]) -> list[Document]:
    documents = list(documents)
    if any(document.meeting_id != meeting.pk for document in documents):
        raise ValidationError({"documents": gettext("Link only this meeting's documents.")})
    return documents


def _set_documents(item: AgendaItem, documents: list[Document], *, actor: Actor) -> None:
    before = sorted(item.documents.values_list("pk", flat=True))
    after = sorted(document.pk for document in documents)
    if before == after:
        return
    item.documents.set(documents)
    audit_record(actor=actor, instance=item, action="documents", changes={"documents": [before, after]})
    touch(item)


@transaction.atomic
def agenda_item_create(
    *, actor: Actor, meeting: Meeting, documents: Iterable[Document] = (), **fields: Any
) -> AgendaItem:
    permissions.require_manage(actor)
    locked = row_lock(meeting)  # positions are handed out one at a time
    documents = _check_documents(locked, documents)
    last = locked.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = tracked_create(
        AgendaItem(meeting=locked, position=last + 1, **require_settable(fields, AGENDA_FIELDS)), actor=actor
    )
    _set_documents(item, documents, actor=actor)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: Actor, item: AgendaItem, documents: Iterable[Document] | None = None, **fields: Any
) -> AgendaItem:
    permissions.require_manage(actor)
    saved = tracked_update(item, actor=actor, fields=require_settable(fields, AGENDA_FIELDS))
    if documents is not None:
        _set_documents(saved, _check_documents(item.meeting, documents), actor=actor)
    return saved


@transaction.atomic
def agenda_item_delete(*, actor: Actor, item: AgendaItem) -> None:
    permissions.require_manage(actor)
    meeting = row_lock(item.meeting)
    tracked_delete(item, actor=actor)
    # Close the gap: ascending order, so each item moves into a position just vacated.
    for follower in meeting.agenda_items.filter(position__gt=item.position).order_by("position"):
        tracked_update(follower, actor=actor, fields={"position": follower.position - 1})


@transaction.atomic
def agenda_reorder(*, actor: Actor, meeting: Meeting, order: list[int]) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids (all of them, each once).

    Positions are unique per meeting, so the items first move out of the way (above every
    current position) and then into place; one audit entry records the old and new order.
    """
    permissions.require_manage(actor)
    locked = row_lock(meeting)
    items = {item.pk: item for item in locked.agenda_items.select_for_update().order_by("position")}
    if sorted(order) != sorted(items) or len(set(order)) != len(order):
        raise ValidationError({"order": gettext("List every agenda item of this meeting exactly once.")})
    before = list(items)
    if before == list(order):
        return [items[pk] for pk in order]
    offset = len(items) + max((item.position for item in items.values()), default=0)
    AgendaItem.objects.filter(meeting=locked).update(position=F("position") + offset)
    now = timezone.now()
    for position, pk in enumerate(order, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=position, updated_at=now)
        items[pk].position, items[pk].updated_at = position, now
        change_record(instance=items[pk])
    audit_record(
        actor=actor, instance=locked, action="agenda_reorder", changes={"agenda": [before, list(order)]}
    )
    return [items[pk] for pk in order]
