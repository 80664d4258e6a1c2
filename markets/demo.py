"""Demo market data: four example products with invented price series and reference prices.

Everything here is invented and labelled: product names end in "(example)", every price and
reference price is flagged is_example, and the adopting decision is an example too. Dates are
relative to the day of loading (the last 60 days), so a fresh demo always shows a recent
series. The production figures are the real, sourced ones (markets.reference). Idempotent: a
product that exists is left as it is.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from core.actors import Actor
from decisions import services as decision_services
from decisions.choices import DecisionKind, DecisionStatus
from markets import references, services
from markets.models import Product
from meetings.models import Meeting
from projects.models import Mineral

DAYS = 60


@dataclass(frozen=True)
class Example:
    slug: str
    name: str
    mineral: str
    specification: str
    unit: str
    price_basis: str
    start_price: Decimal
    references: tuple[tuple[int, Decimal], ...]  # (days before today it starts, amount)


EXAMPLES = (
    Example(
        "lithium-carbonate-example",
        "Lithium carbonate, battery grade (example)",
        "lithium",
        "≥ 99.5 % Li2CO3",
        "t",
        "CIF China, Japan and Korea",
        Decimal("10500"),
        ((DAYS, Decimal("11000")), (25, Decimal("11500"))),
    ),
    Example(
        "cobalt-hydroxide-example",
        "Cobalt hydroxide (example)",
        "cobalt",
        "30 % Co, payable basis",
        "t",
        "CIF China",
        Decimal("29000"),
        ((DAYS, Decimal("30000")),),
    ),
    Example(
        "ndpr-oxide-example",
        "NdPr oxide (example)",
        "neodymium",
        "Nd2O3 + Pr6O11 ≥ 99 %",
        "kg",
        "FOB China",
        Decimal("62.00"),
        ((DAYS, Decimal("70.00")),),
    ),
    Example(
        "gallium-metal-example",
        "Gallium metal 99.99 % (example)",
        "gallium",
        "4N",
        "kg",
        "Rotterdam warehouse",
        Decimal("560.00"),
        ((DAYS, Decimal("500.00")),),
    ),
)


def _series(example: Example, today: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    """A deterministic random walk (seeded by the product) of daily prices up to today."""
    walk = random.Random(example.slug)  # noqa: S311 (invented demo figures, not security)
    price = example.start_price
    points = []
    for offset in range(DAYS, 0, -1):
        price = price * Decimal(str(1 + walk.uniform(-0.015, 0.0145)))
        points.append(
            (today - datetime.timedelta(days=offset - 1), price.quantize(Decimal("0.01"), ROUND_HALF_UP))
        )
    return points


def _decision(actor: Actor, now: datetime.datetime):
    meeting = Meeting.objects.filter(title__icontains="pricing").first() or Meeting.objects.first()
    if meeting is None:
        return None
    decision = decision_services.decision_create(
        actor=actor,
        now=now,
        title="Reference prices for critical-mineral products (example)",
        kind=DecisionKind.DECISION,
        text="The forum adopts the reference prices listed in the annex (example).\n\nThey apply until replaced.",
        is_example=True,
    )
    decision = decision_services.decision_move(
        actor=actor, decision=decision, to_status=DecisionStatus.TABLED, meeting=meeting, now=now
    )
    return decision_services.decision_adopt(actor=actor, decision=decision, at=now)


def load_examples(*, actor: Actor, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    minerals = {mineral.slug: mineral for mineral in Mineral.objects.all()}
    existing = set(Product.objects.values_list("slug", flat=True))
    todo = [e for e in EXAMPLES if e.slug not in existing and e.mineral in minerals]
    if not todo:
        return 0
    decision = _decision(actor, timezone.now())
    for example in todo:
        product = services.product_create(
            actor=actor,
            name=example.name,
            slug=example.slug,
            mineral=minerals[example.mineral],
            specification=example.specification,
            unit=example.unit,
            currency="USD",
            price_basis=example.price_basis,
            is_example=True,
        )
        for days_before, amount in example.references if decision else ():
            references.reference_price_create(
                actor=actor,
                product=product,
                amount=amount,
                valid_from=today - datetime.timedelta(days=days_before),
                adopted_by=decision,
                note="Example",
                is_example=True,
            )
        for day, price in _series(example, today):
            services.observation_create(
                actor=actor,
                product=product,
                observed_on=day,
                price=price,
                currency="USD",
                unit=example.unit,
                source_name="Example price series (invented)",
                is_example=True,
            )
    return len(todo)


def load(*, actor: Actor, stdout) -> None:
    stdout.write(f"example products: {load_examples(actor=actor)} created")
