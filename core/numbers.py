"""Numbers as the `floatformat` filter writes them, for long tables.

`floatformat` looks up the active language's separators and grouping on every call, which
dominates a page of hundreds of numbers. `NumberFormat` reads them once and formats Decimals
with Python's own grouping when the language groups by threes (as every language the site
speaks does), falling back to Django's formatter otherwise, so the text is the same.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format

_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(0, 13)}


class NumberFormat:
    """The separators of the language active when it is made."""

    def __init__(self) -> None:
        self.decimal = get_format("DECIMAL_SEPARATOR")
        self.thousand = get_format("THOUSAND_SEPARATOR")
        self.grouping = get_format("NUMBER_GROUPING")
        self.plain = self.decimal == "." and self.thousand == ","

    def fixed(self, value: Decimal, places: int, *, grouped: bool = True) -> str:
        """`value|floatformat:"<places>g"` (`grouped`) or `value|floatformat:<places>`."""
        rounded = value.quantize(_EXPONENTS[places], rounding=ROUND_HALF_UP)
        return self._write(rounded, places, grouped or settings.USE_THOUSAND_SEPARATOR)

    def trimmed(self, value: Decimal, places: int, *, grouped: bool = True) -> str:
        """`value|floatformat:"-<places>g"`: no decimals for a whole number, else `places`."""
        if value == value.to_integral_value():
            return self._write(Decimal(int(value)), 0, grouped or settings.USE_THOUSAND_SEPARATOR)
        return self.fixed(value, places, grouped=grouped)

    def plain_text(self, value: Decimal) -> str:
        """`{{ value }}` for a Decimal: its digits with the language's decimal separator."""
        return self._write(value, None, settings.USE_THOUSAND_SEPARATOR)

    def _write(self, value: Decimal, places: int | None, grouped: bool) -> str:
        if grouped and self.grouping != 3:
            return numberformat.format(value, self.decimal, places, self.grouping, self.thousand, True)
        text = f"{value:,f}" if grouped else f"{value:f}"
        if self.plain:
            return text
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousand)
