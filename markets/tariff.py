"""The adjustable tariff of the reference-price framework: the one place its formula lives.

Rule FORGE-T1 (version 1, in force from 1 January 2026 until the forum adopts another):

1. The gap is the reference price minus the observed price, both per the product's unit and
   in the product's currency. A price at or above the reference has no gap: the tariff is 0.
2. The tariff rate is the ad valorem equivalent of the gap: the duty, as a share of the
   observed price, that lifts that price to the reference, gap / price.
3. The rate is rounded half up to four decimal places (a hundredth of a percentage point),
   and then capped at `cap` (50 %). The rate after rounding and cap is the one applied.
4. The tariff per unit is price x rate, and the tariff on a quantity is price x quantity x rate,
   each rounded half up to the cent, separately (so the quantity's amount is not the rounded
   per-unit amount multiplied, which would multiply the rounding error).

All arithmetic is `Decimal` under a local context with 28 significant digits, so the result
never depends on the caller's context. A new version of the rule is a new `TariffRule`
value added to RULES with the date it takes effect; `rule_on(day)` picks the one in force,
so observations keep the tariff of the rule that applied on their date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import NamedTuple

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal("0")


@dataclass(frozen=True)
class TariffRule:
    code: str
    version: int
    in_force_from: datetime.date
    cap: Decimal  # the highest rate, as a fraction (0.5 = 50 %)
    summary: str


RULES: tuple[TariffRule, ...] = (
    TariffRule(
        code="FORGE-T1",
        version=1,
        in_force_from=datetime.date(2026, 1, 1),
        cap=Decimal("0.50"),
        summary="Ad valorem equivalent of the gap to the reference price, capped at 50 %; "
        "zero at or above the reference.",
    ),
)


def rule_on(day: datetime.date | None) -> TariffRule:
    """The rule in force on `day` (the first rule for days before it took effect)."""
    in_force = [rule for rule in RULES if day is None or rule.in_force_from <= day]
    return max(in_force, key=lambda rule: rule.in_force_from) if in_force else RULES[0]


class Figures(NamedTuple):
    """The numbers of one tariff calculation, without the objects around them: what a list of
    many prices needs per row."""

    gap: Decimal
    uncapped_rate: Decimal
    rate: Decimal
    capped: bool
    per_unit: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Tariff:
    """One calculation with its inputs; its figures read as attributes (`tariff.rate`)."""

    rule: TariffRule
    reference: Decimal
    price: Decimal
    quantity: Decimal
    figures: Figures
    working: list[str] = field(default_factory=list, compare=False)

    def __getattr__(self, name: str):
        if name in Figures._fields:
            return getattr(self.figures, name)
        raise AttributeError(name)

    @property
    def rate_percent(self) -> Decimal:
        return rate_percent(self.rate)

    @property
    def applies(self) -> bool:
        return self.rate > 0


def rate_percent(rate: Decimal) -> Decimal:
    """A rate as a percentage with two decimals, as pages and the API show it."""
    return (rate * 100).quantize(CENT)


def _percent(rate: Decimal) -> str:
    return f"{rate_percent(rate)} %"


def figures(*, reference: Decimal, price: Decimal, quantity: Decimal, rule: TariffRule) -> Figures:
    """Steps 1 to 4 of the rule for valid (positive) inputs."""
    with localcontext(Context(prec=28, rounding=ROUND_HALF_UP)):
        gap = max(reference - price, ZERO)
        uncapped = (gap / price).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        rate = min(uncapped, rule.cap)
        per_unit = (price * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        amount = (price * quantity * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return Figures(gap, uncapped, rate, uncapped > rule.cap, per_unit, amount)


def tariff_for(
    *,
    reference: Decimal,
    price: Decimal,
    quantity: Decimal = Decimal("1"),
    rule: TariffRule | None = None,
    explain: bool = True,
) -> Tariff:
    """The tariff for one observed price against one reference price (see the module doc)."""
    rule = rule or RULES[-1]
    if price <= 0 or reference <= 0 or quantity <= 0:
        raise ValueError("Price, reference and quantity must be more than zero.")
    result = figures(reference=reference, price=price, quantity=quantity, rule=rule)
    working = _working(rule, reference, price, quantity, result) if explain else []
    return Tariff(
        rule=rule, reference=reference, price=price, quantity=quantity, figures=result, working=working
    )


def _working(rule, reference, price, quantity, result: Figures) -> list[str]:
    """The steps of the calculation in words, for the calculator page."""
    gap, uncapped, per_unit, amount = result.gap, result.uncapped_rate, result.per_unit, result.amount
    working = [
        _("Rule %(code)s v%(version)s.") % {"code": rule.code, "version": rule.version},
        _("Gap = reference − price = %(ref)s − %(price)s = %(gap)s%(note)s.")
        % {
            "ref": reference,
            "price": price,
            "gap": gap,
            "note": _(" (no gap: the price is at or above the reference)") if gap == 0 else "",
        },
        _("Rate = gap ÷ price = %(gap)s ÷ %(price)s = %(rate)s (rounded half up to 0.01 %%).")
        % {"gap": gap, "price": price, "rate": _percent(uncapped)},
    ]
    if uncapped > rule.cap:
        working.append(_("Capped at %(cap)s.") % {"cap": _percent(rule.cap)})
    working += [
        _("Tariff per unit = price × rate = %(value)s.") % {"value": per_unit},
        _("Tariff on %(quantity)s units = price × quantity × rate = %(value)s (rounded half up to the cent).")
        % {"quantity": quantity, "value": amount},
    ]
    return working


def observation_figures(
    *, price: Decimal | None, reference: Decimal | None, day: datetime.date, quantity: Decimal = Decimal("1")
) -> Figures | None:
    """The figures of `observation_tariff`, for lists of many prices (no objects per row)."""
    if not _applies(price, reference):
        return None
    return figures(reference=reference, price=price, quantity=quantity, rule=rule_on(day))


def _applies(price: Decimal | None, reference: Decimal | None) -> bool:
    return reference is not None and price is not None and price > 0


def observation_tariff(
    *, price: Decimal | None, reference: Decimal | None, day: datetime.date, quantity: Decimal = Decimal("1")
) -> Tariff | None:
    """The tariff for an observed price on `day`, or None when no reference price applies."""
    if not _applies(price, reference):
        return None
    return tariff_for(reference=reference, price=price, quantity=quantity, rule=rule_on(day), explain=False)
