"""Price alerts: a follower hears once when an observation crosses their line.

A follower's line is the reference price in force on the observation's date, raised by the
follower's margin (0 % by default: only a price below the reference). An observation is "in"
when its price (in the product's currency and unit) is below the reference, or, with a
margin, at most the line. When an observation is created in, or an edit takes it from out to in, each such
follower gets one reminder (kind `markets.price_alert`, occurrence `v<revision>`) through
the reminder engine, planned in the same transaction; an edit that leaves it in, or out,
plans nothing new, so editing never alerts again unless it crosses the line again. A
reminder still waiting when the observation has moved out is dropped at send time (stale).

The webhook event `price.below_reference` is recorded on the change feed when the observation
is created below its reference, or an edit takes it from at-or-above to below.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reminders.choices import OPEN_STATUSES
from core.reminders.models import Reminder
from core.reminders.registry import ReminderKind
from core.reminders.services import Desired, Recipient, reminder_plan
from core.tracking import change_record
from core.webhooks.events import register_event
from markets.models import PriceObservation, ProductFollow, ReferencePrice

ALERT = "markets.price_alert"
BELOW_EVENT = "price.below_reference"
register_event(BELOW_EVENT, resource="price-observations")


@dataclass(frozen=True)
class Position:
    """Where a price stands against a reference (None: no reference in force)."""

    price: Decimal
    reference: Decimal | None

    @property
    def below(self) -> bool:
        return self.reference is not None and self.price < self.reference

    def within(self, margin_percent: Decimal) -> bool:
        if self.reference is None:
            return False
        if self.below:
            return True
        # With no margin only a price below the reference counts; at the reference is no gap.
        return margin_percent > 0 and self.price <= self.reference * (1 + margin_percent / 100)


def reference_on(product_id: int, day: datetime.date) -> ReferencePrice | None:
    return (
        ReferencePrice.objects.filter(product_id=product_id, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )


def position_of(observation: PriceObservation) -> Position:
    reference = reference_on(observation.product_id, observation.observed_on)
    return Position(observation.price_in_basis, reference.amount if reference else None)


def _recipient(user) -> Recipient:
    return Recipient(
        email=user.email, name=(user.get_full_name() or user.get_username())[:150], user_id=user.pk
    )


def _context(observation: PriceObservation, position: Position, margin: Decimal) -> dict:
    return {
        "product": observation.product.name,
        "observed_on": observation.observed_on.isoformat(),
        "price": str(position.price),
        "reference": str(position.reference),
        "quote": observation.product.quote,
        "margin": str(margin),
        "below": position.below,
    }


def alerts_plan(
    *, observation: PriceObservation, before: Position | None, now: datetime.datetime | None = None
) -> int:
    """After a create (`before` None) or an edit: plan the alerts of followers whose line the
    observation has just crossed, and record the webhook event. Returns alerts planned."""
    now = now or timezone.now()
    after = position_of(observation)
    if after.below and not (before and before.below):
        change_record(instance=observation, event=BELOW_EVENT)
    follows = ProductFollow.objects.filter(product_id=observation.product_id).select_related("user")
    crossed = [
        follow
        for follow in follows
        if follow.user.email
        and after.within(follow.margin_percent)
        and not (before and before.within(follow.margin_percent))
    ]
    if not crossed:
        return 0
    desired = [
        Desired(
            subject=observation,
            kind=ALERT,
            recipient=_recipient(follow.user),
            occurrence=f"v{observation.revision}",
            due_at=now,
            context=_context(observation, after, follow.margin_percent),
        )
        for follow in crossed
    ]
    return reminder_plan(
        subjects=[observation], kinds=[ALERT], desired=desired + _still_open(observation), now=now
    ).created


def _still_open(observation: PriceObservation) -> list[Desired]:
    """Open alerts of earlier crossings, desired again so that planning keeps them."""
    rows = Reminder.objects.filter(
        kind=ALERT,
        subject_type=ContentType.objects.get_for_model(PriceObservation),
        subject_id=observation.pk,
        status__in=OPEN_STATUSES,
    )
    return [
        Desired(
            subject=observation,
            kind=ALERT,
            recipient=Recipient(
                email=row.recipient_email,
                name=row.recipient_name,
                user_id=row.recipient_user_id,
                time_zone=row.recipient_time_zone,
                member_id=row.recipient_member_id,
            ),
            occurrence=row.occurrence,
            due_at=row.due_at,
            context=row.context,
        )
        for row in rows
    ]


def _stale(reminder, observation: PriceObservation) -> bool:
    """Sent only while the observation is still within the recipient's line."""
    return not position_of(observation).within(Decimal(reminder.context.get("margin", "0")))


def _alert_context(reminder, observation: PriceObservation) -> dict:
    position = position_of(observation)
    return {"observation": observation, "product": observation.product, "position": position}


def _link(reminder, observation: PriceObservation) -> str:
    return observation.product.get_absolute_url()


REMINDER_KINDS = [
    ReminderKind(
        name=ALERT,
        label=_("Price below or near the reference price"),
        template="email/markets_price_alert",
        description=_(
            "To the followers of a product when a price falls below its reference price or within their margin."
        ),
        is_stale=_stale,
        context=_alert_context,
        link=_link,
    )
]
