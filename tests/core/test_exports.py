import csv
import io

import pytest

from core.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell_neutralises_formula_starts(value, written):
    assert safe_cell(value) == written


def test_csv_response_streams_every_cell_neutralised():
    response = csv_response([["name", "note"], ["=1+1", "\tx"]], filename="x.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["name", "note"], ["'=1+1", "'\tx"]]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
