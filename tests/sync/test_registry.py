"""The registry keeps each reader's querysets between requests (core.sync.registry): safe only
because building one runs no query and a kept one never holds rows."""

import dataclasses
import datetime
from unittest import mock

import pytest
import time_machine
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from core.choices import Confidentiality
from core.sync import registry, selectors, services
from core.tracking import touch
from members.permissions import actor_for_token, actor_for_user
from members.services import partner_token_create
from tests.factories import InvitationFactory, MeetingFactory
from tests.factories.projects import JointProjectFactory, MilestoneFactory


@pytest.fixture
def readers(system_actor, secretariat_actor, korea_actor, observer_user, korea):
    """One actor of every kind that reads the feed or receives webhooks."""

    def token_actor(member):
        token, _ = partner_token_create(actor=system_actor, name=f"reader {member}", member=member)
        return actor_for_token(token)

    return {
        "system": system_actor,
        "secretariat": secretariat_actor,
        "delegation user": korea_actor,
        "observer": actor_for_user(observer_user),
        "member-bound token": token_actor(korea),
        "forum-wide token": token_actor(None),
    }


def test_building_a_registered_queryset_runs_no_query(readers, django_assert_num_queries):
    """A selector that read the database while building would be kept with stale answers."""
    registry._kept_queryset.cache_clear()
    for entry in registry.resources():
        for kind, actor in readers.items():
            with django_assert_num_queries(0, info=f"building {entry.resource} for the {kind}"):
                entry.queryset(actor)


def test_reading_the_feed_leaves_the_kept_querysets_unevaluated(readers, korea):
    project = JointProjectFactory(lead_member=korea)
    MilestoneFactory(project=project)
    invitation = InvitationFactory(member=korea)
    for changed in (project, invitation.meeting):  # on the feed with what follows them
        touch(changed)
    services.changes_sequence()
    registry._kept_queryset.cache_clear()
    on_the_page = set()
    for actor in readers.values():
        page = selectors.changes_page(actor=actor, after_seq=None, limit=100)
        on_the_page |= {change["resource"] for change in page.changes}
    built = registry._kept_queryset.cache_info().misses

    day = timezone.localdate()
    assert {"projects", "milestones", "invitations", "meetings"} <= on_the_page
    for resource in on_the_page:
        for kind, actor in readers.items():
            entry = registry.for_resource(resource)
            kept = registry._kept_queryset(entry, dataclasses.replace(actor, request_id=""), day)
            assert kept._result_cache is None, (resource, kind)
    assert registry._kept_queryset.cache_info().misses == built  # each one was the feed's


def test_a_kept_queryset_reads_the_database_as_it_is_at_each_use(korea, readers):
    meetings = registry.for_resource("meetings")
    token = readers["member-bound token"]
    meeting = MeetingFactory(confidentiality=Confidentiality.RESTRICTED)
    first = meetings.visible_to(token)
    assert list(first.filter(pk=meeting.pk)) == []

    InvitationFactory(meeting=meeting, member=korea)  # Korea is now a party

    assert list(meetings.visible_to(token).filter(pk=meeting.pk)) == [meeting]
    assert meetings.visible_to(token) is not first  # every call a fresh clone


def test_one_reader_across_requests_builds_its_queryset_once(readers):
    delegates = registry.for_resource("delegates")
    token = readers["member-bound token"]
    registry._kept_queryset.cache_clear()

    for request_id in ("req-1", "req-2", "req-3"):
        delegates.visible_to(dataclasses.replace(token, request_id=request_id))

    assert registry._kept_queryset.cache_info().misses == 1
    assert registry._kept_queryset.cache_info().hits == 2


def test_the_day_is_part_of_the_key(readers):
    """A project's overdue count compares with today: the next day gets a new queryset."""
    projects = registry.for_resource("projects")
    secretariat = readers["secretariat"]
    project = JointProjectFactory()
    MilestoneFactory(project=project, due_on=datetime.date(2026, 12, 31))

    with time_machine.travel(datetime.datetime(2026, 12, 30, 12, tzinfo=datetime.UTC), tick=False):
        assert projects.visible_to(secretariat).get(pk=project.pk).overdue_milestones == 0
    with time_machine.travel(datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert projects.visible_to(secretariat).get(pk=project.pk).overdue_milestones == 1


@pytest.mark.postgres_only
def test_a_readers_object_query_is_compiled_once(readers, korea):
    projects = registry.for_resource("projects")
    token = readers["member-bound token"]
    first, second = JointProjectFactory(lead_member=korea), JointProjectFactory(lead_member=korea)
    hidden = JointProjectFactory(confidentiality=Confidentiality.SECRETARIAT)
    columns = ("pk", "title", "overdue_milestones")
    assert [row["pk"] for row in projects.visible_rows(token, columns, [first.pk, hidden.pk])] == [first.pk]

    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled again")):
        rows = projects.visible_rows(dataclasses.replace(token, request_id="next"), columns, [second.pk])

    assert rows == [{"pk": second.pk, "title": second.title, "overdue_milestones": 0}]
