"""The one way services write domain objects: validated, audited, and on the change feed.

Every create, update and delete goes through `tracked_create`, `tracked_update` or
`tracked_delete`, inside the caller's transaction, so the audit entry and the change-feed
row commit (or roll back) together with the change itself.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.choices import AuditAction, ChangeOp
from core.errors import still_held
from core.models import AuditEntry, Change, TrackedModel
from core.sync import registry
from core.sync.registry import deletion_audience

M = TypeVar("M", bound=models.Model)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, for audit before/after."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


# What the audit log shows for a secret field's value (a model lists them in `audit_masked_fields`).
MASKED = "(hidden)"


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of an instance (foreign keys as ids; secrets masked)."""
    masked = getattr(instance, "audit_masked_fields", ())
    return {
        field.attname: MASKED if field.attname in masked else _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in ("created_at", "updated_at")
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def audit_record(
    *, actor: Actor, instance: models.Model, action: str, changes: dict[str, list[Any]]
) -> AuditEntry:
    """Record one write. `action` is a verb: create, update, delete, or a domain verb."""
    return AuditEntry.objects.create(
        actor_user_id=actor.user_id,
        actor_label=actor.label[:200],
        channel=actor.channel,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
        request_id=actor.request_id,
    )


def change_record(
    *,
    instance: models.Model,
    op: str = ChangeOp.UPSERT,
    scope: dict | None = None,
    audience_changed: bool = False,
    event: str = "",
) -> None:
    """Append a synced object (a TrackedModel) to the change feed; sequenced after commit.

    With `audience_changed`, the objects whose visibility follows this one's (registered with
    `follows` in core.sync.registry) go on the feed too: a reader who gains or loses a meeting
    gains or loses its agenda items with it. An `event` (registered in core.webhooks.events)
    names what happened, for webhook subscribers to that event.
    """
    if not isinstance(instance, TrackedModel):
        return
    Change.objects.create(
        resource=instance._meta.label_lower, object_id=instance.pk, op=op, scope=scope, event=event
    )
    if audience_changed and op == ChangeOp.UPSERT:
        _record_dependents(instance._meta.label_lower, [instance.pk])


def touch_all(queryset: models.QuerySet) -> int:
    """Mark every object of a queryset changed for sync, in one UPDATE and one bulk insert:
    what they show is derived from something that changed (a reference price behind each
    observation's tariff), so synced copies must fetch them again. Returns how many."""
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    if pks and issubclass(model, TrackedModel):
        queryset.update(updated_at=timezone.now())
        label = model._meta.label_lower
        Change.objects.bulk_create(
            [Change(resource=label, object_id=pk, op=ChangeOp.UPSERT) for pk in pks], batch_size=1000
        )
    return len(pks)


def _record_dependents(label: str, pks: list[int]) -> None:
    """One query per dependent resource (and level), whatever the number of objects."""
    for entry, attname in registry.dependents(label):
        child_pks = list(
            entry.model._default_manager.filter(**{f"{attname}__in": pks}).values_list("pk", flat=True)
        )
        if child_pks:
            Change.objects.bulk_create(
                [Change(resource=entry.label, object_id=pk, op=ChangeOp.UPSERT) for pk in child_pks]
            )
            _record_dependents(entry.label, child_pks)


def _save(instance: models.Model) -> None:
    instance.full_clean()
    try:
        # A savepoint, so a constraint violation leaves the caller's transaction usable.
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise integrity_to_validation(instance, exc) from exc


def integrity_to_validation(instance: models.Model, exc: IntegrityError):
    """A constraint the database enforced after the checks above passed (a race): say which."""
    from django.core.exceptions import ValidationError

    message = str(exc).lower()
    for constraint in instance._meta.constraints:
        if constraint.name.lower() in message:
            error = getattr(constraint, "violation_error_message", None) or f"Violates {constraint.name}."
            return ValidationError(error % {"name": constraint.name} if "%(name)s" in error else error)
    return ValidationError(gettext("This change conflicts with another record; reload and try again."))


def tracked_create(instance: M, *, actor: Actor, action: str = AuditAction.CREATE) -> M:
    _save(instance)
    audit_record(actor=actor, instance=instance, action=action, changes=diff({}, snapshot(instance)))
    change_record(instance=instance)
    return instance


def tracked_update(
    instance: M, *, actor: Actor, fields: dict[str, Any], action: str = AuditAction.UPDATE
) -> M:
    """Apply `fields` to a fresh, locked copy of the instance and save it if anything changed."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    before = snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    changes = diff(before, snapshot(locked))
    if not changes:
        return locked
    if isinstance(locked, TrackedModel):
        locked.updated_at = timezone.now()
    _save(locked)
    audit_record(actor=actor, instance=locked, action=action, changes=changes)
    audience_changed = bool(
        registry.audience_fields(locked._meta.label_lower) & {_field_name(locked, a) for a in changes}
    )
    change_record(instance=locked, audience_changed=audience_changed)
    return locked


def _field_name(instance: models.Model, attname: str) -> str:
    """`lead_member` for `lead_member_id`: audience fields are named as on the model."""
    for field in instance._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    return attname


def tracked_delete(instance: models.Model, *, actor: Actor, scope: dict | None = None) -> None:
    """Delete, audit, and put a tombstone on the change feed.

    `scope` (who could see the object) is stored on the tombstone so the feed sends it only to
    them; without one, the resource's registered audience is used, computed before the delete.
    """
    pk = instance.pk
    if scope is None:
        scope = deletion_audience(instance)
    changes = {key: [value, None] for key, value in snapshot(instance).items()}
    with transaction.atomic():  # a refused delete leaves no audit row behind
        audit_record(actor=actor, instance=instance, action=AuditAction.DELETE, changes=changes)
        try:
            instance.delete()
        except (models.ProtectedError, models.RestrictedError) as exc:
            raise still_held(exc, instance) from exc
    instance.pk = pk
    change_record(instance=instance, op=ChangeOp.DELETE, scope=scope)


def touch(instance: models.Model) -> None:
    """Mark an object changed for sync when something it shows (a child, its audience) changed."""
    if isinstance(instance, TrackedModel):
        type(instance)._default_manager.filter(pk=instance.pk).update(updated_at=timezone.now())
    # A touch often means the audience changed (named members, invitations, participants).
    change_record(instance=instance, audience_changed=True)
