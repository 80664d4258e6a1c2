"""The registry keeps each reader's querysets between requests (core.sync.registry): safe only
because building one runs no query and a kept one never holds rows."""

import dataclasses
import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import EmptyResultSet
from django.db.models import Prefetch
from django.db.models.sql.compiler import SQLCompiler

from core.choices import Confidentiality
from core.sync import registry, selectors, services
from core.tracking import touch
from members.permissions import actor_for_token, actor_for_user
from members.services import partner_token_create
from tests.factories import InvitationFactory, MeetingFactory
from tests.factories.projects import JointProjectFactory, MilestoneFactory, ParticipantFactory


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
    for entry in registry.resources():
        for kind, actor in readers.items():
            with django_assert_num_queries(0, info=f"building {entry.resource} for the {kind}"):
                entry.queryset(actor)


def _sql(queryset) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:
        return "(nothing)"


def test_a_registered_queryset_depends_on_rights_not_on_who_reads(readers):
    """Readers with the same rights share kept querysets (Actor.as_reader): a selector that
    read the account, token or label would hand one reader's queryset to another."""
    for entry in registry.resources():
        for kind, actor in readers.items():
            other = dataclasses.replace(actor, label="other", user_id=10**6, token_id=10**6, request_id="x")
            assert _sql(entry.queryset(actor)) == _sql(entry.queryset(other)), (entry.resource, kind)


def _feed_pages(readers) -> set[str]:
    on_the_pages = set()
    for actor in readers.values():
        page = selectors.changes_page(actor=actor, after_seq=None, limit=100)
        on_the_pages |= {change["resource"] for change in page.changes}
    return on_the_pages


def test_the_feed_builds_each_readers_querysets_once(readers, korea):
    project = JointProjectFactory(lead_member=korea)
    MilestoneFactory(project=project)
    invitation = InvitationFactory(member=korea)
    for changed in (project, invitation.meeting):  # on the feed with what follows them
        touch(changed)
    services.changes_sequence()
    registry._kept_queryset.cache_clear()

    assert {"projects", "milestones", "invitations", "meetings"} <= _feed_pages(readers)
    built = registry._kept_queryset.cache_info().misses
    _feed_pages({kind: dataclasses.replace(actor, request_id="next") for kind, actor in readers.items()})

    assert built > 0
    assert registry._kept_queryset.cache_info().misses == built


def test_prefetching_leaves_the_kept_queryset_untouched(readers, korea):
    """Django marks the queryset of a Prefetch it runs (hints naming an instance, a sticky
    filter): each use gets its own copy, so the kept one names no reader's objects."""
    projects = registry.for_resource("projects")
    secretariat = readers["secretariat"]
    ParticipantFactory(project=JointProjectFactory(lead_member=korea), member=korea)

    assert len(list(projects.visible_to(secretariat))) == 1  # the instance path, with prefetches

    kept = registry._kept_queryset(projects, *registry._key(secretariat))
    kept_children = [
        lookup.queryset for lookup in kept._prefetch_related_lookups if isinstance(lookup, Prefetch)
    ]
    assert kept_children, "projects prefetch their participants with a queryset"
    assert all(children._hints == {} and not children._sticky_filter for children in kept_children)


def test_a_kept_queryset_reads_the_database_as_it_is_at_each_use(korea, readers):
    meetings = registry.for_resource("meetings")
    token = readers["member-bound token"]
    meeting = MeetingFactory(confidentiality=Confidentiality.RESTRICTED)
    first = meetings.visible_to(token)
    assert list(first.filter(pk=meeting.pk)) == []

    InvitationFactory(meeting=meeting, member=korea)  # Korea is now a party

    assert list(meetings.visible_to(token).filter(pk=meeting.pk)) == [meeting]
    assert meetings.visible_to(token) is not first  # every call a fresh clone


def test_readers_with_the_same_rights_share_one_queryset(readers, korea, system_actor):
    delegates = registry.for_resource("delegates")
    token = readers["member-bound token"]
    registry._kept_queryset.cache_clear()

    for request_id in ("req-1", "req-2"):
        delegates.visible_to(dataclasses.replace(token, request_id=request_id))
    another_korean_token, _ = partner_token_create(actor=system_actor, name="second", member=korea)
    delegates.visible_to(actor_for_token(another_korean_token))
    delegates.visible_to(readers["forum-wide token"])

    assert registry._kept_queryset.cache_info().misses == 2  # Korea's tokens, the forum-wide one
    assert registry._kept_queryset.cache_info().hits == 2


@pytest.mark.postgres_only
def test_kept_object_queries_keep_each_reader_to_its_own_rights(readers, korea, japan, system_actor):
    projects = registry.for_resource("projects")
    japan_token, _ = partner_token_create(actor=system_actor, name="japan", member=japan)
    named = JointProjectFactory(confidentiality=Confidentiality.RESTRICTED, restricted_to=[korea])
    columns = ("pk", "title")

    for _ in range(2):  # built, then kept
        assert projects.visible_rows(readers["member-bound token"], columns, [named.pk]) == [
            {"pk": named.pk, "title": named.title}
        ]
        assert projects.visible_rows(actor_for_token(japan_token), columns, [named.pk]) == []


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
