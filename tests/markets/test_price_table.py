"""The chart page's table: numbers written as `floatformat` writes them, text escaped."""

import datetime
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import localize

from core.numbers import NumberFormat
from markets import price_table

VALUES = ["0", "0.005", "0.0051", "3.5", "100", "999.995", "1000", "8000.005", "12000.0000", "1234567.8949"]


@pytest.mark.parametrize("language", ["en-gb", "ko"])
def test_number_format_writes_what_floatformat_writes(language):
    with translation.override(language):
        number = NumberFormat()
        for text in VALUES:
            value = Decimal(text)
            assert number.fixed(value, 2) == floatformat(value, "2g"), text
            assert number.trimmed(value, 4) == floatformat(value, "-4g"), text
            assert number.trimmed(value, 10, grouped=False) == floatformat(value, "-10"), text
            assert number.plain_text(value) == localize(value), text


def _row(**fields):
    return {
        "pk": 7,
        "observed_on": datetime.date(2026, 3, 2),
        "price_in_basis": Decimal("6000.0000"),
        "reference_amount": Decimal("12000.0000"),
        "currency": "USD",
        "price": Decimal("6000.0000"),
        "unit": "t",
        "exchange_rate": None,
        "exchange_rate_on": None,
        "exchange_rate_source": "",
        "source_url": "",
        "source_name": "Fastmarkets",
        "is_example": False,
    } | fields


def test_table_row_shows_capped_tariff_escapes_text_and_links_the_correction(db):
    row = _row(source_name="A & <b>", source_url="https://example.org/?a=1&b=2")

    with translation.override("en-gb"):
        html = price_table.table_rows(price_table.with_figures([row]), can_record=True)

    assert html == (
        "\n    <tr>\n      <td>2026-03-02</td>"
        '\n      <td class="num">6,000.00</td>'
        '\n      <td class="num">12,000.00</td>'
        '\n      <td class="num">50.00 % <span class="badge warn">cap</span></td>'
        '\n      <td class="num">3,000.00</td>'
        "\n      <td>USD 6,000/t</td>"
        '\n      <td><a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">A &amp; &lt;b&gt;</a></td>'
        '\n      <td><a href="/markets/prices/7/edit/">Correct</a></td>\n    </tr>\n  '
    )


def test_table_row_without_reference_has_no_tariff_nor_link_for_a_reader(db):
    row = _row(reference_amount=None, is_example=True)

    with translation.override("en-gb"):
        html = price_table.table_rows(price_table.with_figures([row]), can_record=False)

    assert '<td class="num">—</td>\n      <td class="num">—</td>\n      <td class="num">—</td>' in html
    assert '<td>Fastmarkets <span class="badge">example</span></td>\n      \n    </tr>' in html
    assert "/edit/" not in html
