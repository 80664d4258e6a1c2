"""Reference prices: adopted by a decision, one period at a time per product.

A new reference price replaces the one in force: an open-ended period that starts earlier is
closed on the day before the new one starts. Any other overlap is refused, naming the period
it clashes with. On PostgreSQL an exclusion constraint (migration 0002) refuses overlaps too,
for writes that bypass this module.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import Actor
from core.services import require_settable
from core.tracking import touch_all, tracked_create, tracked_delete, tracked_update
from decisions.choices import DecisionStatus
from decisions.models import Decision
from decisions.permissions import decision_visible_q
from markets import permissions, reminders
from markets.models import Product, ReferencePrice
from markets.pricing import parse_price

FIELDS = {"amount", "valid_from", "valid_until", "adopted_by", "note", "is_example"}
ONE_DAY = datetime.timedelta(days=1)


def _overlaps(a_from, a_until, b_from, b_until) -> bool:
    return a_from <= (b_until or datetime.date.max) and b_from <= (a_until or datetime.date.max)


def _clash_message(other: ReferencePrice) -> str:
    return _("Overlaps the reference price %(price)s adopted by %(decision)s.") % {
        "price": str(other),
        "decision": other.adopted_by.reference or other.adopted_by.title,
    }


def _check_decision(actor: Actor, decision: Decision | None) -> None:
    if decision is None or not Decision.objects.filter(decision_visible_q(actor), pk=decision.pk).exists():
        raise ValidationError({"adopted_by": _("No such decision.")})
    if decision.status != DecisionStatus.ADOPTED:
        raise ValidationError({"adopted_by": _("The decision is not adopted.")})


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    fields = require_settable(fields, FIELDS)
    if "amount" in fields and not isinstance(fields["amount"], Decimal):
        fields["amount"] = parse_price(fields["amount"], field="amount")
    if not isinstance(fields.get("valid_from"), datetime.date):
        raise ValidationError({"valid_from": _("Give the first day the price applies (YYYY-MM-DD).")})
    until = fields.get("valid_until")
    if until is not None and until < fields["valid_from"]:
        raise ValidationError({"valid_until": _("A period cannot end before it starts.")})
    return fields


def _make_room(
    actor: Actor, product: Product, valid_from, valid_until, exclude: int | None, replace: bool
) -> None:
    """Refuse an overlap, naming it; on create, close the open period it replaces."""
    others = ReferencePrice.objects.select_for_update().filter(product=product).select_related("adopted_by")
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others.order_by("valid_from"):
        if not _overlaps(valid_from, valid_until, other.valid_from, other.valid_until):
            continue
        if replace and other.valid_until is None and other.valid_from < valid_from:
            tracked_update(other, actor=actor, fields={"valid_until": valid_from - ONE_DAY}, action="replace")
            continue
        raise ValidationError({"valid_from": _clash_message(other)})


@contextmanager
def _alerting(product_id: int, start: datetime.date, end: datetime.date | None):
    """Around a change of the product's reference prices between two days: afterwards, the
    followers of the product hear of each price there whose line they now cross."""
    before = reminders.standings_between(product_id, start, end)
    yield
    reminders.alerts_after_reference_change(product_id=product_id, start=start, end=end, before=before)
    # Their reference and tariff are part of each observation's representation.
    touch_all(reminders.observations_between(product_id, start, end))


@transaction.atomic
def reference_price_create(*, actor: Actor, product: Product, **fields: Any) -> ReferencePrice:
    permissions.require_manage(actor)
    fields = _clean(fields)
    _check_decision(actor, fields.get("adopted_by"))
    Product.objects.select_for_update().filter(pk=product.pk).first()  # one writer per product
    with _alerting(product.pk, fields["valid_from"], fields.get("valid_until")):
        _make_room(actor, product, fields["valid_from"], fields.get("valid_until"), None, replace=True)
        return tracked_create(
            ReferencePrice(product=product, currency=product.currency, **fields), actor=actor
        )


@transaction.atomic
def reference_price_update(*, actor: Actor, reference: ReferencePrice, **fields: Any) -> ReferencePrice:
    permissions.require_manage(actor)
    merged = _clean(
        {
            "valid_from": reference.valid_from,
            "valid_until": reference.valid_until,
            **fields,
        }
    )
    if "adopted_by" in fields:
        _check_decision(actor, fields["adopted_by"])
    Product.objects.select_for_update().filter(pk=reference.product_id).first()
    start = min(reference.valid_from, merged["valid_from"])
    end = (
        None
        if None in (reference.valid_until, merged["valid_until"])
        else max(reference.valid_until, merged["valid_until"])
    )
    with _alerting(reference.product_id, start, end):
        _make_room(
            actor, reference.product, merged["valid_from"], merged["valid_until"], reference.pk, replace=False
        )
        return tracked_update(reference, actor=actor, fields=merged)


@transaction.atomic
def reference_price_delete(*, actor: Actor, reference: ReferencePrice) -> None:
    permissions.require_manage(actor)
    with _alerting(reference.product_id, reference.valid_from, reference.valid_until):
        tracked_delete(reference, actor=actor)
