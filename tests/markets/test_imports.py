"""CSV import of price observations: every row checked first, all or nothing."""

import datetime

import pytest

from markets import imports
from markets.models import PriceObservation

HEADER = "product,observed_on,price,currency,unit,source_name,source_url\n"


def _rows(n: int, start=datetime.date(2025, 1, 1)) -> list[str]:
    return [
        f"lithium-carbonate,{(start + datetime.timedelta(days=i)).isoformat()},{10000 + i}.25,USD,t,Exchange A,"
        "https://prices.example/a\n"
        for i in range(n)
    ]


def test_import_500_good_rows_imports_all(secretariat_actor, carbonate):
    report = imports.observations_import(actor=secretariat_actor, raw=(HEADER + "".join(_rows(500))).encode())

    assert (report.rows, report.imported, report.problems) == (500, 500, [])
    assert PriceObservation.objects.count() == 500


def test_import_one_bad_row_among_500_imports_nothing_and_names_row_and_column(secretariat_actor, carbonate):
    rows = _rows(500)
    rows[312] = rows[312].replace(",USD,", ",EUR,")  # another currency, no exchange rate

    with pytest.raises(imports.ImportRefused) as refused:
        imports.observations_import(actor=secretariat_actor, raw=(HEADER + "".join(rows)).encode())

    problems = refused.value.report.problems
    # Header is row 1, so the 313th price row is row 314.
    assert [(p.row, p.column) for p in problems] == [
        (314, "exchange_rate"),
        (314, "exchange_rate_on"),
        (314, "exchange_rate_source"),
    ]
    assert "needs an exchange rate" in problems[0].message
    assert PriceObservation.objects.count() == 0


def test_import_reports_every_bad_cell(secretariat_actor, carbonate):
    raw = HEADER + (
        "lithium-carbonate,2025-13-01,10,USD,t,A,\n"
        "nickel-sulphate,2025-01-02,10,USD,t,A,\n"
        "lithium-carbonate,2025-01-03,-4,USD,bushel,,ftp://x\n"
    )

    report, parsed = imports.check_file(raw)

    assert [(p.row, p.column) for p in report.problems] == [
        (2, "observed_on"),
        (3, "product"),
        (4, "price"),
        (4, "source_name"),
        (4, "source_url"),
        (4, "unit"),
    ]
    assert parsed == []


def test_import_duplicate_rows_within_file_and_with_stored_ones(secretariat_actor, carbonate):
    imports.observations_import(actor=secretariat_actor, raw=HEADER + _rows(1)[0])
    raw = HEADER + _rows(2)[0] + _rows(2)[1] + _rows(2)[1]

    report, _parsed = imports.check_file(raw)

    assert [(p.row, p.column) for p in report.problems] == [(2, "observed_on"), (4, "observed_on")]
    assert "row 3" in report.problems[1].message


def test_import_missing_header_column_names_it(secretariat_actor, carbonate):
    report, _parsed = imports.check_file("product,observed_on,price,currency,source_name\n")

    assert [(p.row, p.column) for p in report.problems] == [(1, "unit")]


def test_import_not_utf8_refused(secretariat_actor, carbonate):
    with pytest.raises(imports.ValidationError) as caught:
        imports.observations_import(actor=secretariat_actor, raw=b"\xff\xfe\x00bad")

    assert list(caught.value.message_dict) == ["file"]
