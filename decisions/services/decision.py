"""Writes to the decision record: create, edit (a new text version when the text changes),
lifecycle moves (dated, by whom, audited, on the change feed) and adoption, which gives the
reference from the per-year counter row under a row lock."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.choices import AuditAction
from core.services import require_settable
from core.tracking import audit_record, touch, tracked_create, tracked_update
from decisions import permissions
from decisions.choices import DECISION_TRANSITIONS, DecisionStatus
from decisions.models import (
    Decision,
    DecisionVersion,
    ReferenceCounter,
    StatusChange,
    format_reference,
)

DECISION_FIELDS = {"title", "kind", "text", "confidentiality", "meeting", "is_example"}
DECISION_RELATED = {"restricted_to", "outcomes", "action_items", "projects"}
# Text and title are frozen once a decision is adopted or is being decided by procedure:
# members answer on exactly the text circulated.
FROZEN_STATUSES = (DecisionStatus.ADOPTED, DecisionStatus.UNDER_PROCEDURE, DecisionStatus.WITHDRAWN)


def _set_related(decision: Decision, *, actor: Actor, name: str, values: Iterable) -> bool:
    """Replace a many-to-many set, audited; True when it changed."""
    values = list(values)
    manager = getattr(decision, name)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted(obj.pk for obj in values)
    if before == after:
        return False
    manager.set(values)
    audit_record(actor=actor, instance=decision, action=AuditAction.UPDATE, changes={name: [before, after]})
    return True


def _add_version(decision: Decision, *, actor: Actor, at: datetime.datetime, note: str = "") -> None:
    tracked_create(
        DecisionVersion(
            decision=decision,
            number=decision.version,
            title=decision.title,
            text=decision.text,
            created_at=at,
            by_user_id=actor.user_id,
            by_label=actor.label[:200],
            note=note[:500],
        ),
        actor=actor,
    )


def _record_move(
    decision: Decision, *, actor: Actor, from_status: str, at: datetime.datetime, note: str = "", meeting=None
) -> None:
    tracked_create(
        StatusChange(
            decision=decision,
            from_status=from_status,
            to_status=decision.status,
            at=at,
            by_user_id=actor.user_id,
            by_label=actor.label[:200],
            note=note[:500],
            meeting=meeting,
        ),
        actor=actor,
    )


@transaction.atomic
def decision_create(*, actor: Actor, now: datetime.datetime | None = None, **fields: Any) -> Decision:
    """A new draft decision with its first text version."""
    permissions.require_manage(actor)
    now = now or timezone.now()
    related = {name: fields.pop(name) for name in DECISION_RELATED & set(fields)}
    decision = tracked_create(
        Decision(
            status=DecisionStatus.DRAFT, status_changed_at=now, **require_settable(fields, DECISION_FIELDS)
        ),
        actor=actor,
    )
    for name, values in related.items():
        _set_related(decision, actor=actor, name=name, values=values)
    _add_version(decision, actor=actor, at=now, note=_("First draft"))
    _record_move(decision, actor=actor, from_status="", at=now, note=_("Drafted"))
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: Actor,
    decision: Decision,
    now: datetime.datetime | None = None,
    version_note: str = "",
    **fields: Any,
) -> Decision:
    """Edit the record; a changed text or title is a new version (kept for the diff page)."""
    permissions.require_manage(actor)
    now = now or timezone.now()
    related = {name: fields.pop(name) for name in DECISION_RELATED & set(fields)}
    fields = require_settable(fields, DECISION_FIELDS)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    new_text = any(name in fields and fields[name] != getattr(locked, name) for name in ("text", "title"))
    if new_text and locked.status in FROZEN_STATUSES:
        field = "text" if "text" in fields and fields["text"] != locked.text else "title"
        raise ValidationError(
            {
                field: _("The text cannot change while the decision is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            }
        )
    if new_text:
        fields["version"] = locked.version + 1
    saved = tracked_update(locked, actor=actor, fields=fields) if fields else locked
    if new_text:
        _add_version(saved, actor=actor, at=now, note=version_note)
    audience_changed = "confidentiality" in fields and fields["confidentiality"] != decision.confidentiality
    for name, values in related.items():
        changed = _set_related(saved, actor=actor, name=name, values=values)
        audience_changed |= changed and name == "restricted_to"
        if changed and not audience_changed:
            touch(saved)
    if audience_changed:
        touch(saved)
    return saved


def _check_move(decision: Decision, to_status: str) -> None:
    if to_status not in DECISION_TRANSITIONS.get(decision.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A decision cannot move from “%(from)s” to “%(to)s”.")
                % {"from": decision.get_status_display(), "to": DecisionStatus(to_status).label}
            }
        )


@transaction.atomic
def decision_move(
    *,
    actor: Actor,
    decision: Decision,
    to_status: str,
    note: str = "",
    meeting=None,
    now: datetime.datetime | None = None,
    by_procedure: bool = False,
) -> Decision:
    """Move a decision along its lifecycle (tabled, withdrawn, not adopted, back to draft).

    Adoption goes through decision_adopt (it takes a reference). Moves into or out of
    "under written procedure" are the procedure services' (`by_procedure`).
    """
    permissions.require_manage(actor)
    now = now or timezone.now()
    if to_status not in DecisionStatus.values:
        raise ValidationError({"status": _("“%(value)s” is not a decision status.") % {"value": to_status}})
    if to_status == DecisionStatus.ADOPTED:
        return decision_adopt(actor=actor, decision=decision, at=now, note=note, meeting=meeting)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_move(locked, to_status)
    if not by_procedure and DecisionStatus.UNDER_PROCEDURE in (to_status, locked.status):
        raise ValidationError({"status": _("Open, withdraw or close the written procedure instead.")})
    if to_status == DecisionStatus.TABLED and meeting is None and locked.meeting_id is None:
        raise ValidationError({"meeting": _("Name the meeting where the decision is tabled.")})
    from_status = locked.status
    fields: dict[str, Any] = {"status": to_status, "status_changed_at": now}
    if meeting is not None:
        fields["meeting"] = meeting
    saved = tracked_update(locked, actor=actor, fields=fields, action=f"status:{to_status}")
    _record_move(
        saved, actor=actor, from_status=from_status, at=now, note=note, meeting=meeting or saved.meeting
    )
    return saved


def next_reference(year: int) -> int:
    """The next number of `year`, taken under a lock on the year's counter row.

    The row is created first if needed (get_or_create is race-safe on its primary key), then
    locked: a concurrent adoption waits here until this transaction ends, so numbers are
    consecutive and a rolled-back adoption gives its number back.
    """
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def decision_adopt(
    *,
    actor: Actor,
    decision: Decision,
    at: datetime.datetime | None = None,
    note: str = "",
    meeting=None,
    by_procedure: bool = False,
) -> Decision:
    """Adopt a decision at `at` (the meeting's result, or a procedure's deadline) and give it
    its reference in the year of adoption (UTC)."""
    permissions.require_manage(actor)
    at = at or timezone.now()
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    _check_move(locked, DecisionStatus.ADOPTED)
    if locked.status == DecisionStatus.UNDER_PROCEDURE and not by_procedure:
        raise ValidationError({"status": _("A decision under written procedure is adopted when it closes.")})
    year = at.astimezone(datetime.UTC).year
    number = next_reference(year)
    from_status = locked.status
    fields: dict[str, Any] = {
        "status": DecisionStatus.ADOPTED,
        "status_changed_at": at,
        "adopted_at": at,
        "reference_year": year,
        "reference_number": number,
        "reference": format_reference(year, number),
    }
    if meeting is not None:
        fields["meeting"] = meeting
    saved = tracked_update(locked, actor=actor, fields=fields, action="adopt")
    _record_move(
        saved, actor=actor, from_status=from_status, at=at, note=note, meeting=meeting or saved.meeting
    )
    return saved
