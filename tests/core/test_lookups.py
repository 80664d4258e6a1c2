from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.lookups import id_in
from members.models import Member


def test_id_in_selects_the_rows_plain_in_selects(korea, japan):
    ids = [korea.pk, japan.pk, 10**9]

    assert set(Member.objects.filter(id_in("pk", ids))) == {korea, japan}
    assert set(Member.objects.filter(id_in("pk", ids[:1]))) == {korea}


def test_id_in_with_no_ids_selects_nothing(korea):
    assert list(Member.objects.filter(id_in("pk", []))) == []


def test_id_in_sends_the_ids_as_one_parameter_on_postgresql(korea, japan):
    with CaptureQueriesContext(connection) as captured:
        list(Member.objects.filter(id_in("pk", [korea.pk, japan.pk])))

    sql = captured.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql
