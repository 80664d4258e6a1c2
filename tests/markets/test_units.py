"""Unit factors (markets.units): exact from the definitions of each unit."""

from decimal import Decimal

import pytest

from markets.units import price_factor


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "factor"),
    [
        ("t", "t", Decimal("1")),
        ("kg", "t", Decimal("1000")),
        ("t", "kg", Decimal("0.001")),
        ("g", "kg", Decimal("1000")),
        # 1,000 / 0.45359237 = 2,204.622621848775...
        ("lb", "t", Decimal("2204.622621848776")),
        # 1 / 0.0311034768 = 32.150746568627...
        ("toz", "kg", Decimal("32.150746568628")),
    ],
)
def test_price_factor_exact(from_unit, to_unit, factor):
    assert price_factor(from_unit, to_unit) == factor


def test_price_factor_unknown_unit_refused():
    with pytest.raises(KeyError):
        price_factor("barrel", "t")
