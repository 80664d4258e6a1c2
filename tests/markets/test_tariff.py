"""The tariff rule (markets.tariff) against a table computed by hand, to the cent."""

import datetime
from decimal import Decimal

import pytest

from markets.tariff import RULES, rule_on, tariff_for

D = Decimal

# reference, price, quantity -> rate (fraction), capped, tariff per unit, tariff on the quantity
TABLE = [
    # 10 / 90 = 0.11111 -> 0.1111; 90 x 0.1111 = 9.999 -> 10.00; 90,000 x 0.1111 = 9,999.00
    (D("100.00"), D("90.00"), D("1000"), D("0.1111"), False, D("10.00"), D("9999.00")),
    # at the reference: no gap, no tariff
    (D("12000.00"), D("12000.00"), D("10"), D("0"), False, D("0.00"), D("0.00")),
    # above the reference: no tariff
    (D("12000.00"), D("12500.00"), D("10"), D("0"), False, D("0.00"), D("0.00")),
    # 50 / 50 = 100 % -> capped at 50 %: 25.00 per unit, 75.00 on 3
    (D("100.00"), D("50.00"), D("3"), D("0.50"), True, D("25.00"), D("75.00")),
    # just under the cap: 33.33 / 66.67 = 0.499925 -> 0.4999; 33.328333 -> 33.33; 233.298331 -> 233.30
    (D("100.00"), D("66.67"), D("7"), D("0.4999"), False, D("33.33"), D("233.30")),
    # 623.46 / 9,876.54 = 0.0631253 -> 0.0631; 623.209674 -> 623.21; 1,558.024185 -> 1,558.02
    (D("10500.00"), D("9876.54"), D("2.5"), D("0.0631"), False, D("623.21"), D("1558.02")),
    # half up, not to even: 0.125 per unit -> 0.13
    (D("10.125"), D("10.00"), D("1"), D("0.0125"), False, D("0.13"), D("0.13")),
]


@pytest.mark.parametrize(("reference", "price", "quantity", "rate", "capped", "per_unit", "amount"), TABLE)
def test_tariff_table_exact_to_the_cent(reference, price, quantity, rate, capped, per_unit, amount):
    tariff = tariff_for(reference=reference, price=price, quantity=quantity)

    assert (tariff.rate, tariff.capped, tariff.per_unit, tariff.amount) == (rate, capped, per_unit, amount)
    assert tariff.per_unit.as_tuple().exponent == -2
    assert tariff.amount.as_tuple().exponent == -2


def test_tariff_at_reference_has_no_gap_and_says_so():
    tariff = tariff_for(reference=D("500.00"), price=D("500.00"))

    assert tariff.gap == 0
    assert not tariff.applies
    assert "no gap" in tariff.working[1]


def test_tariff_capped_shows_the_cap_in_the_working():
    tariff = tariff_for(reference=D("300.00"), price=D("100.00"))

    assert tariff.uncapped_rate == D("2.0000")
    assert tariff.rate_percent == D("50.00")
    assert "Capped at 50.00 %." in tariff.working


@pytest.mark.parametrize(("price", "reference"), [(D("0"), D("1")), (D("1"), D("0")), (D("-1"), D("1"))])
def test_tariff_refuses_non_positive_input(price, reference):
    with pytest.raises(ValueError, match="more than zero"):
        tariff_for(reference=reference, price=price)


def test_rule_on_picks_the_rule_in_force():
    assert rule_on(datetime.date(2026, 6, 1)) is RULES[0]
    assert rule_on(datetime.date(2020, 1, 1)) is RULES[0]
    assert RULES[0].code == "FORGE-T1"
