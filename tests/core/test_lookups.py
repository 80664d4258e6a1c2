from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from core.lookups import IdsQuery, id_in
from core.models import Change
from meetings.models import Meeting
from members.models import Member
from tests.factories import InvitationFactory, MeetingFactory


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


# IdsQuery: one compiled query, run with new ids -------------------------------------------


def _invitation_counts():
    """A values() query with a join, an annotation and datetimes (converted per database)."""
    return Meeting.objects.annotate(invited=Count("invitations")).values(
        "pk", "title", "starts_at", "host__iso2", "invited"
    )


def _by_pk(rows):
    return sorted(rows, key=lambda row: row["pk"])


def test_ids_query_gives_the_rows_the_orm_gives(korea, japan):
    meetings = [MeetingFactory(host=korea), MeetingFactory(host=japan), MeetingFactory()]
    InvitationFactory(meeting=meetings[0], member=japan)
    Change.objects.create(resource="members.member", object_id=korea.pk, op="delete", scope={"members": [1]})
    Change.objects.create(resource="members.member", object_id=japan.pk, op="upsert")
    wanted = [meetings[0].pk, meetings[2].pk, 10**9]
    changes = Change.objects.values("pk", "resource", "scope", "at")
    change_ids = list(changes.values_list("pk", flat=True))

    assert _by_pk(IdsQuery(_invitation_counts(), "pk").rows(wanted)) == _by_pk(
        _invitation_counts().filter(id_in("pk", wanted))
    )
    assert _by_pk(IdsQuery(changes, "pk").rows(change_ids)) == _by_pk(changes)
    assert IdsQuery(_invitation_counts(), "pk").rows([]) == []


def test_ids_query_reads_the_database_at_each_run(korea):
    meeting = MeetingFactory(title="Before")
    query = IdsQuery(_invitation_counts(), "pk")
    assert [row["title"] for row in query.rows([meeting.pk])] == ["Before"]

    Meeting.objects.filter(pk=meeting.pk).update(title="After")
    InvitationFactory(meeting=meeting, member=korea)

    assert [(row["title"], row["invited"]) for row in query.rows([meeting.pk])] == [("After", 1)]


@pytest.mark.postgres_only
def test_ids_query_compiles_once_on_postgresql(korea, django_assert_num_queries):
    first, second = MeetingFactory(), MeetingFactory()
    query = IdsQuery(_invitation_counts(), "pk")

    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled again")):
        with django_assert_num_queries(1):
            assert [row["pk"] for row in query.rows([first.pk])] == [first.pk]
        assert [row["pk"] for row in query.rows([second.pk])] == [second.pk]


def test_ids_query_of_a_queryset_that_matches_nothing_runs_no_query(db, django_assert_num_queries):
    query = IdsQuery(Meeting.objects.none().values("pk"), "pk")

    with django_assert_num_queries(0):
        assert query.rows([1, 2]) == []
