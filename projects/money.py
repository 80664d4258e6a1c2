"""The one money parser: web forms and API serializers both read amounts and currencies here.

An amount is a decimal number with at most two decimal places; commitments must be more than
zero, budgets may be zero. A currency is an ISO 4217 code. Every refusal is a ValidationError
that names the field (`amount`, `currency`, `budget_amount`, `budget_currency`), so the web
form shows it next to the input and the API answers 400 problem+json listing the field.
No amount is ever converted between currencies.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from projects.codes import currencies

# Decimal(18, 2) in the database: 16 digits before the point.
MAX_WHOLE_DIGITS = 16


def _refuse(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]}) if field else ValidationError(message)


def parse_amount(raw, *, field: str | None = "amount", allow_zero: bool = False) -> Decimal:
    """A money amount from a form string or a JSON number/string.

    `field=None` raises a plain message (for a form field's own clean, which knows its name).
    """
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _refuse(field, "Give an amount, for example 1250000.00.")
    if isinstance(raw, float):
        raw = repr(raw)  # the shortest text that reads back as this float: 1.005 stays 1.005
    text = str(raw).strip()
    try:
        value = Decimal(text)
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise _refuse(field, "Not a number: give an amount such as 1250000.00.") from None
    # Decimal also reads "1_000", "NaN" and "Infinity"; none of them is an amount a person types.
    if "_" in text or not value.is_finite():
        raise _refuse(field, "Not a number: give an amount such as 1250000.00.")
    if value < 0:
        raise _refuse(field, "The amount cannot be negative.")
    if value == 0 and not allow_zero:
        raise _refuse(field, "The amount must be more than zero.")
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise _refuse(field, "Give at most two decimal places.")
    value = value.quantize(Decimal("0.01"))
    if len(value.as_tuple().digits) - 2 > MAX_WHOLE_DIGITS:
        raise _refuse(field, f"The amount is too large (at most {MAX_WHOLE_DIGITS} digits before the point).")
    return value


def parse_currency(raw, *, field: str | None = "currency") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _refuse(field, "Give an ISO 4217 currency code, for example USD, EUR or JPY.")
    code = raw.strip().upper()
    if code not in currencies():
        raise _refuse(
            field, f"“{raw.strip()[:10]}” is not an ISO 4217 currency code (for example USD, EUR, JPY)."
        )
    return code


def parse_money(
    amount,
    currency,
    *,
    amount_field: str = "amount",
    currency_field: str = "currency",
    allow_zero: bool = False,
) -> tuple[Decimal, str]:
    """Both halves at once, reporting every bad half (not just the first)."""
    errors: dict[str, list[str]] = {}
    parsed_amount = parsed_currency = None
    try:
        parsed_amount = parse_amount(amount, field=amount_field, allow_zero=allow_zero)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        parsed_currency = parse_currency(currency, field=currency_field)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return parsed_amount, parsed_currency


@dataclass(frozen=True)
class Total:
    """A sum in one currency; totals are never added across currencies."""

    currency: str
    amount: Decimal


def format_amount(value: Decimal | None) -> str:
    """1234567.5 -> "1,234,567.50" (the format the web pages and CSV use)."""
    return "" if value is None else f"{value:,.2f}"


def totals_by_currency(rows: Iterable[dict]) -> list[Total]:
    """Aggregated rows ({"currency": ..., "total": ...}) as Totals, ordered by currency."""
    return sorted(
        (
            Total(row["currency"], row["total"])
            for row in rows
            if row["currency"] and row["total"] is not None
        ),
        key=lambda total: total.currency,
    )
