"""Price observations through the service: conversion, currencies, permissions, audit and feed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import Forbidden
from core.models import AuditEntry, Change
from markets import services
from markets.models import PriceObservation

DAY = datetime.date(2026, 3, 2)


def _quote(**overrides):
    fields = {
        "observed_on": DAY,
        "price": "10250.50",
        "currency": "USD",
        "unit": "t",
        "source_name": "Exchange A",
    }
    fields.update(overrides)
    return fields


def test_observation_create_in_product_terms_keeps_price(secretariat_actor, carbonate):
    observation = services.observation_create(actor=secretariat_actor, product=carbonate, **_quote())

    assert observation.price_in_basis == Decimal("10250.5000")
    assert observation.unit_factor == 1
    assert observation.exchange_rate is None
    assert AuditEntry.objects.filter(object_id=str(observation.pk), action="create").count() == 1
    assert Change.objects.filter(resource="markets.priceobservation", object_id=observation.pk).count() == 1


def test_observation_create_converts_units_by_the_exact_factor(secretariat_actor, carbonate):
    observation = services.observation_create(
        actor=secretariat_actor, product=carbonate, **_quote(price="5.00", unit="lb")
    )

    # 5.00 USD/lb x 2,204.622621848776 lb/t = 11,023.11310924388 -> 11,023.1131
    assert observation.price_in_basis == Decimal("11023.1131")
    assert observation.unit_factor == Decimal("2204.622621848776")


def test_observation_in_other_currency_with_rate_is_converted_and_keeps_the_rate(
    secretariat_actor, carbonate
):
    observation = services.observation_create(
        actor=secretariat_actor,
        product=carbonate,
        **_quote(
            price="75000",
            currency="CNY",
            exchange_rate="0.1380",
            exchange_rate_on=DAY,
            exchange_rate_source="PBOC central parity",
        ),
    )

    assert observation.price_in_basis == Decimal("10350.0000")
    assert (observation.exchange_rate, observation.exchange_rate_on) == (Decimal("0.1380000000"), DAY)
    assert observation.exchange_rate_source == "PBOC central parity"


def test_observation_in_other_currency_without_rate_refused_naming_the_fields(secretariat_actor, carbonate):
    with pytest.raises(ValidationError) as caught:
        services.observation_create(actor=secretariat_actor, product=carbonate, **_quote(currency="EUR"))

    assert sorted(caught.value.message_dict) == ["exchange_rate", "exchange_rate_on", "exchange_rate_source"]
    assert "needs an exchange rate to USD" in caught.value.message_dict["exchange_rate"][0]
    assert PriceObservation.objects.count() == 0


def test_observation_rate_for_same_currency_refused(secretariat_actor, carbonate):
    with pytest.raises(ValidationError) as caught:
        services.observation_create(
            actor=secretariat_actor, product=carbonate, **_quote(exchange_rate="1.1", exchange_rate_on=DAY)
        )

    assert list(caught.value.message_dict) == ["exchange_rate"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "abc", "Not a number"),
        ("price", "0", "more than zero"),
        ("price", "1.23456", "at most 4 decimal places"),
        ("currency", "XXQ", "not an ISO 4217"),
        ("unit", "barrel", "Unknown unit"),
    ],
)
def test_observation_bad_quote_refused_naming_the_field(secretariat_actor, carbonate, field, value, message):
    with pytest.raises(ValidationError) as caught:
        services.observation_create(actor=secretariat_actor, product=carbonate, **_quote(**{field: value}))

    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]


def test_observation_same_source_and_day_refused(secretariat_actor, carbonate):
    services.observation_create(actor=secretariat_actor, product=carbonate, **_quote())

    with pytest.raises(ValidationError) as caught:
        services.observation_create(actor=secretariat_actor, product=carbonate, **_quote(price="1"))

    assert list(caught.value.message_dict) == ["observed_on"]


def test_observation_update_of_price_recomputes_basis(secretariat_actor, carbonate):
    observation = services.observation_create(actor=secretariat_actor, product=carbonate, **_quote())

    saved = services.observation_update(actor=secretariat_actor, observation=observation, price="9000")

    assert saved.price_in_basis == Decimal("9000.0000")
    assert AuditEntry.objects.get(object_id=str(observation.pk), action="update").changes[
        "price_in_basis"
    ] == [
        "10250.5000",
        "9000.0000",
    ]


def test_observation_by_delegation_refused(korea_actor, carbonate):
    with pytest.raises(Forbidden):
        services.observation_create(actor=korea_actor, product=carbonate, **_quote())


def test_product_unit_fixed_once_it_has_prices(secretariat_actor, carbonate):
    services.observation_create(actor=secretariat_actor, product=carbonate, **_quote())

    with pytest.raises(ValidationError) as caught:
        services.product_update(actor=secretariat_actor, product=carbonate, unit="kg")

    assert list(caught.value.message_dict) == ["unit"]


def test_observation_out_of_range_after_conversion_refused(secretariat_actor, carbonate):
    with pytest.raises(ValidationError) as caught:
        services.observation_create(
            actor=secretariat_actor, product=carbonate, **_quote(price="99999999999999", unit="kg")
        )

    assert list(caught.value.message_dict) == ["price"]
