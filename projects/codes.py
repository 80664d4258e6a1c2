"""ISO 3166-1 country and ISO 4217 currency codes, from the app's own copies in projects/data/.

Read once per process (lru_cache) on first use, never at import time.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext

DATA_DIR = Path(__file__).resolve().parent / "data"


def _pairs(name: str) -> dict[str, str]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return dict(csv.reader(handle))


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> common English name."""
    pairs = _pairs("iso3166.csv")
    pairs.pop("alpha2", None)
    return pairs


@lru_cache(maxsize=1)
def currencies() -> dict[str, str]:
    """ISO 4217 code -> name (real currencies only: no metals, test or "no currency" codes)."""
    pairs = _pairs("iso4217.csv")
    pairs.pop("code", None)
    return pairs


@lru_cache(maxsize=1)
def korean_country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> Korean name (Unicode CLDR)."""
    pairs = _pairs("iso3166_ko.csv")
    pairs.pop("alpha2", None)
    return pairs


# Country names by interface language; any other language reads the English names.
NAMES_BY_LANGUAGE = {"ko": korean_country_names}


def country_name(code: str) -> str:
    """The English name, as exports and the API give it."""
    return countries().get(code, code)


def country_display_name(code: str) -> str:
    """The name in the active interface language, for pages."""
    names = NAMES_BY_LANGUAGE.get(get_language() or "", countries)()
    return names.get(code) or country_name(code)


def validate_country(value: str) -> None:
    if value not in countries():
        raise ValidationError(
            gettext("“%(value)s” is not an ISO 3166-1 alpha-2 country code (for example ZM for Zambia)."),
            code="unknown_country",
            params={"value": value},
        )


def validate_currency(value: str) -> None:
    if value not in currencies():
        raise ValidationError(
            gettext("“%(value)s” is not an ISO 4217 currency code (for example USD, EUR, JPY)."),
            code="unknown_currency",
            params={"value": value},
        )


def country_choices() -> list[tuple[str, str]]:
    """(code, "Name (CODE)") in the active language, ordered by name."""
    named = ((code, f"{country_display_name(code)} ({code})") for code in countries())
    return sorted(named, key=lambda choice: choice[1])


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} · {name}") for code, name in sorted(currencies().items())]
