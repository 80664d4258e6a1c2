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

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Channel
from core.reminders.choices import OPEN_STATUSES
from core.reminders.models import Reminder
from core.reminders.registry import ReminderKind
from core.reminders.services import Desired, Recipient, reminder_plan
from core.tracking import change_record
from core.webhooks.events import register_event
from decisions.models import Decision
from decisions.permissions import decision_visible_q
from markets.models import PriceObservation, ProductFollow, ReferencePrice
from members.permissions import actor_for_user

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


@dataclass(frozen=True)
class Standing:
    """A price and the reference price in force on its day, whoever may see it."""

    price: Decimal
    reference: ReferencePrice | None

    def seen_by(self, visible_decisions: frozenset[int] | None) -> Position:
        """The position as a reader sees it: a reference whose adopting decision the reader
        may not see is no reference to them (as on the pages and in the API)."""
        reference = self.reference
        if reference is None or (
            visible_decisions is not None and reference.adopted_by_id not in visible_decisions
        ):
            return Position(self.price, None)
        return Position(self.price, reference.amount)

    @property
    def line(self) -> str:
        """What a crossing of this standing is called, after the reference it crosses."""
        return f"r{self.reference.pk}.{self.reference.amount.normalize():f}" if self.reference else ""


@dataclass(frozen=True)
class Viewer:
    """A follower with what they may see (core.confidentiality's rule through the decisions'
    selector): their alerts name only references adopted by decisions they may see."""

    follow: ProductFollow
    visible_decisions: frozenset[int]

    def position(self, standing: Standing) -> Position:
        return standing.seen_by(self.visible_decisions)

    def crossed(self, before: Standing | None, after: Standing) -> bool:
        margin = self.follow.margin_percent
        return self.position(after).within(margin) and not (before and self.position(before).within(margin))


def reference_on(product_id: int, day: datetime.date) -> ReferencePrice | None:
    return (
        ReferencePrice.objects.filter(product_id=product_id, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )


def position_of(observation: PriceObservation) -> Standing:
    return Standing(observation.price_in_basis, reference_on(observation.product_id, observation.observed_on))


def visible_decisions(user, decision_ids: set[int]) -> frozenset[int]:
    """Which of these decisions the account may see (none when it has no role)."""
    actor = actor_for_user(user, Channel.TASK)
    if actor is None or not decision_ids:
        return frozenset()
    visible = Decision.objects.filter(decision_visible_q(actor), pk__in=decision_ids)
    return frozenset(visible.values_list("pk", flat=True))


def viewers(product_id: int, standings: list[Standing]) -> list[Viewer]:
    """The product's followers with an e-mail address, each with the decisions behind these
    standings' references that they may see (two queries per follower)."""
    decision_ids = {s.reference.adopted_by_id for s in standings if s.reference is not None}
    follows = ProductFollow.objects.filter(product_id=product_id).select_related("user")
    return [Viewer(f, visible_decisions(f.user, decision_ids)) for f in follows if f.user.email]


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


def _alert(observation: PriceObservation, viewer: Viewer, after: Standing, occurrence: str, now) -> Desired:
    margin = viewer.follow.margin_percent
    return Desired(
        subject=observation,
        kind=ALERT,
        recipient=_recipient(viewer.follow.user),
        occurrence=occurrence,
        due_at=now,
        context=_context(observation, viewer.position(after), margin),
    )


def _plan(observations: list[PriceObservation], desired: list[Desired], now) -> int:
    if not desired:
        return 0
    return reminder_plan(
        subjects=observations, kinds=[ALERT], desired=desired + _still_open(observations), now=now
    ).created


def alerts_plan(
    *, observation: PriceObservation, before: Standing | None, now: datetime.datetime | None = None
) -> int:
    """After a create (`before` None) or an edit: plan the alerts of followers whose line the
    observation has just crossed, and record the webhook event. Returns alerts planned."""
    now = now or timezone.now()
    after = position_of(observation)
    if after.seen_by(None).below and not (before and before.seen_by(None).below):
        change_record(instance=observation, event=BELOW_EVENT)
    crossed = [v for v in viewers(observation.product_id, [after]) if v.crossed(before, after)]
    desired = [_alert(observation, v, after, f"v{observation.revision}", now) for v in crossed]
    return _plan([observation], desired, now)


# A reference price adopted, changed or removed -------------------------------------------


def observations_between(product_id: int, start: datetime.date, end: datetime.date | None) -> QuerySet:
    """The product's observations from one day to another (None: no end), both included."""
    rows = PriceObservation.objects.filter(product_id=product_id, observed_on__gte=start)
    return rows if end is None else rows.filter(observed_on__lte=end)


def standings_between(
    product_id: int, start: datetime.date, end: datetime.date | None
) -> dict[int, Standing]:
    """Each observation of the product between two days (None: no end) with the reference in
    force on its day: two queries (periods never overlap, so at most one applies)."""
    rows = observations_between(product_id, start, end)
    periods = list(ReferencePrice.objects.filter(product_id=product_id).order_by("valid_from"))
    return {
        pk: Standing(price, _in_force(periods, day))
        for pk, day, price in rows.values_list("pk", "observed_on", "price_in_basis")
    }


def _in_force(periods: list[ReferencePrice], day: datetime.date) -> ReferencePrice | None:
    for period in periods:
        if period.valid_from <= day and (period.valid_until is None or day <= period.valid_until):
            return period
    return None


def alerts_after_reference_change(
    *,
    product_id: int,
    start: datetime.date,
    end: datetime.date | None,
    before: dict[int, Standing],
    now: datetime.datetime | None = None,
) -> int:
    """After a reference price of the product was adopted, changed or removed: the observations
    between `start` and `end` (`before`: their standings before the change) whose line a follower has now crossed
    alert that follower, once per crossing (occurrence `v<revision>.r<reference>.<amount>`),
    and those now below their reference record the webhook event. Returns alerts planned."""
    now = now or timezone.now()
    if not before:
        return 0
    after = standings_between(product_id, start, end)
    moved = {pk: after[pk] for pk in before if pk in after and after[pk].line != before[pk].line}
    if not moved:
        return 0
    observations = PriceObservation.objects.select_related("product").in_bulk(list(moved))
    followers = viewers(product_id, [*moved.values(), *(before[pk] for pk in moved)])
    desired, subjects = [], []
    for pk, standing in moved.items():
        observation = observations[pk]
        if standing.seen_by(None).below and not before[pk].seen_by(None).below:
            change_record(instance=observation, event=BELOW_EVENT)
        occurrence = f"v{observation.revision}.{standing.line}"
        found = [
            _alert(observation, v, standing, occurrence, now)
            for v in followers
            if v.crossed(before[pk], standing)
        ]
        desired += found
        subjects += [observation] if found else []
    return _plan(subjects, desired, now)


def _still_open(observations: list[PriceObservation]) -> list[Desired]:
    """Open alerts of earlier crossings, desired again so that planning keeps them."""
    by_pk = {observation.pk: observation for observation in observations}
    rows = Reminder.objects.filter(
        kind=ALERT,
        subject_type=ContentType.objects.get_for_model(PriceObservation),
        subject_id__in=list(by_pk),
        status__in=OPEN_STATUSES,
    )
    return [
        Desired(
            subject=by_pk[row.subject_id],
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


# Sending: what the recipient sees, checked again when the alert goes out ---------------------


def _recipient_position(reminder, observation: PriceObservation) -> Position:
    standing = position_of(observation)
    user = get_user_model().objects.filter(pk=reminder.recipient_user_id).first()
    decisions = {standing.reference.adopted_by_id} if standing.reference else set()
    return standing.seen_by(visible_decisions(user, decisions) if user else frozenset())


def _stale(reminder, observation: PriceObservation) -> bool:
    """Sent only while the observation is still within the recipient's line, as they see it."""
    return not _recipient_position(reminder, observation).within(Decimal(reminder.context.get("margin", "0")))


def _alert_context(reminder, observation: PriceObservation) -> dict:
    position = _recipient_position(reminder, observation)
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
