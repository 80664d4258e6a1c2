"""The one parser of quoted prices: web forms, the CSV import and the API read prices here.

A quoted price becomes a price in the product's currency and unit: units convert by the exact
factor of markets.units; a currency is never converted silently, so a price in another
currency needs an exchange rate, its date and its source, all stored with the observation.
Every refusal is a ValidationError naming the field.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from markets.choices import Unit
from markets.units import price_factor
from projects.money import parse_currency

PRICE_PLACES = Decimal("0.0001")
RATE_PLACES = Decimal("0.0000000001")
MAX_PRICE = Decimal("99999999999999")  # Decimal(18, 4): 14 digits before the point
MAX_RATE = Decimal("9999999999")  # Decimal(20, 10): 10 digits before the point


def parse_decimal(raw, *, field: str, places: Decimal, example: str, maximum: Decimal = MAX_PRICE) -> Decimal:
    """A positive decimal with at most as many decimal places as `places` has."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError({field: _("Give a number, for example %(example)s.") % {"example": example}})
    text = repr(raw) if isinstance(raw, float) else str(raw).strip()
    try:
        value = Decimal(text)
    except (decimal.InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("Not a number: give e.g. %(example)s.") % {"example": example}}
        ) from None
    if "_" in text or not value.is_finite():
        raise ValidationError({field: _("Not a number: give e.g. %(example)s.") % {"example": example}})
    if value <= 0:
        raise ValidationError({field: _("Must be more than zero.")})
    if value != value.quantize(places, rounding=ROUND_HALF_UP):
        digits = -places.as_tuple().exponent
        raise ValidationError({field: _("Give at most %(n)s decimal places.") % {"n": digits}})
    if value > maximum:
        raise ValidationError({field: _("Too large.")})
    return value.quantize(places)


def parse_price(raw, *, field: str = "price") -> Decimal:
    return parse_decimal(raw, field=field, places=PRICE_PLACES, example="10250.50")


def parse_unit(raw, *, field: str = "unit") -> str:
    code = str(raw or "").strip()
    if code not in Unit.values:
        raise ValidationError(
            {
                field: _("Unknown unit “%(unit)s”: use one of %(units)s.")
                % {"unit": code[:10], "units": ", ".join(Unit.values)}
            }
        )
    return code


@dataclass(frozen=True)
class Quote:
    """A price as quoted and as brought to the product's currency and unit."""

    price: Decimal
    currency: str
    unit: str
    unit_factor: Decimal
    exchange_rate: Decimal | None
    exchange_rate_on: datetime.date | None
    exchange_rate_source: str
    price_in_basis: Decimal

    def fields(self) -> dict:
        return {
            "price": self.price,
            "currency": self.currency,
            "unit": self.unit,
            "unit_factor": self.unit_factor,
            "exchange_rate": self.exchange_rate,
            "exchange_rate_on": self.exchange_rate_on,
            "exchange_rate_source": self.exchange_rate_source,
            "price_in_basis": self.price_in_basis,
        }


def _rate_parts(product_currency: str, currency: str, rate, rate_on, rate_source: str):
    """The exchange rate's three parts, checked together; every missing part is named."""
    if currency == product_currency:
        if rate not in (None, "") or rate_on or (rate_source or "").strip():
            raise ValidationError(
                {
                    "exchange_rate": _("The price is already in %(currency)s: give no exchange rate.")
                    % {"currency": currency}
                }
            )
        return None, None, ""
    errors: dict[str, str] = {}
    parsed = None
    need = _("A price in %(currency)s needs an exchange rate to %(product)s, with its date and source.") % {
        "currency": currency,
        "product": product_currency,
    }
    if rate in (None, ""):
        errors["exchange_rate"] = need
    else:
        try:
            parsed = parse_decimal(
                rate, field="exchange_rate", places=RATE_PLACES, example="1.0850", maximum=MAX_RATE
            )
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not rate_on:
        errors["exchange_rate_on"] = _("Give the date of the exchange rate.")
    if not (rate_source or "").strip():
        errors["exchange_rate_source"] = _("Give the source of the exchange rate.")
    if errors:
        raise ValidationError(errors)
    return parsed, rate_on, rate_source.strip()


def quote_for(
    *,
    product_currency: str,
    product_unit: str,
    price,
    currency,
    unit,
    exchange_rate=None,
    exchange_rate_on: datetime.date | None = None,
    exchange_rate_source: str = "",
) -> Quote:
    """Parse and convert one quoted price; reports every bad field at once."""
    errors: dict[str, list[str]] = {}
    parsed: dict = {}
    for name, parse in (
        ("price", lambda: parse_price(price)),
        ("currency", lambda: parse_currency(currency)),
        ("unit", lambda: parse_unit(unit)),
    ):
        try:
            parsed[name] = parse()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "currency" in parsed:
        try:
            parsed["rate"] = _rate_parts(
                product_currency, parsed["currency"], exchange_rate, exchange_rate_on, exchange_rate_source
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    rate, rate_on, rate_source = parsed["rate"]
    factor = price_factor(parsed["unit"], product_unit)
    in_basis = parsed["price"] * factor * (rate if rate is not None else 1)
    if in_basis > MAX_PRICE or in_basis.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP) <= 0:
        raise ValidationError({"price": _("In the product's currency and unit this price is out of range.")})
    return Quote(
        price=parsed["price"],
        currency=parsed["currency"],
        unit=parsed["unit"],
        unit_factor=factor,
        exchange_rate=rate,
        exchange_rate_on=rate_on,
        exchange_rate_source=rate_source,
        price_in_basis=in_basis.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP),
    )
