"""Unit conversion for prices: the one table of factors, exact, tested.

A price quoted per `from_unit` becomes a price per `to_unit` by multiplying with
`price_factor(from_unit, to_unit)`: the number of `from_unit`s in one `to_unit`. Every
factor comes from the exact mass of each unit in kilograms (the pound and the troy ounce by
their international definitions of 1959), so the factor between two units is exact to the
precision stored with the observation (`FACTOR_PLACES`).
"""

from __future__ import annotations

from decimal import Decimal

from markets.choices import Unit

# Kilograms in one unit, by definition.
KILOGRAMS: dict[str, Decimal] = {
    Unit.TONNE: Decimal("1000"),
    Unit.KILOGRAM: Decimal("1"),
    Unit.GRAM: Decimal("0.001"),
    Unit.POUND: Decimal("0.45359237"),
    Unit.TROY_OUNCE: Decimal("0.0311034768"),
}

# A factor is kept with 12 decimal places: enough that 10,000,000 units of price convert
# to the cent exactly (the error stays below 1e-4 of a cent per unit).
FACTOR_PLACES = Decimal("0.000000000001")


def price_factor(from_unit: str, to_unit: str) -> Decimal:
    """How many `from_unit`s make one `to_unit` (multiply a price per from_unit by it)."""
    if from_unit not in KILOGRAMS or to_unit not in KILOGRAMS:
        raise KeyError(f"No conversion between {from_unit!r} and {to_unit!r}.")
    if from_unit == to_unit:
        return Decimal("1")
    return (KILOGRAMS[to_unit] / KILOGRAMS[from_unit]).quantize(FACTOR_PLACES)
