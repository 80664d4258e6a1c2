"""The feed under audience changes: projects and meetings moving between confidentiality
levels and named members, participants joining and leaving, children created and deleted.
Three partners (two delegations and a forum-wide token) sync incrementally throughout; each
replica must end equal to a fresh full sync."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.choices import Confidentiality
from core.errors import DomainError
from meetings import services as meeting_services
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import AgendaItem, Meeting
from members.choices import TokenScope
from members.models import Member
from projects import services as project_services
from projects.choices import Segment
from projects.models import JointProject, Milestone, ProjectParticipant
from tests.factories import MineralFactory
from tests.sync.replica import Replica, differences, snapshot

code = st.sampled_from(["KR", "JP"])
audience = st.lists(code, unique=True, max_size=2)
level = st.sampled_from(list(Confidentiality.values))
index = st.integers(0, 10)

project_audience = st.tuples(st.just("project_audience"), index, level, audience)
meeting_audience = st.tuples(st.just("meeting_audience"), index, level, audience)
sync = st.tuples(st.just("sync"), st.integers(1, 5))
# Audience changes and syncs are drawn more often than the rest: they are what this test is about.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("project_create"), code, level, audience),
        project_audience,
        project_audience,
        st.tuples(st.just("participant_add"), index, code),
        st.tuples(st.just("participant_remove"), index),
        st.tuples(st.just("milestone_create"), index),
        st.tuples(st.just("milestone_delete"), index),
        st.tuples(st.just("meeting_create"), level, audience),
        meeting_audience,
        meeting_audience,
        st.tuples(st.just("agenda_item_create"), index),
        st.tuples(st.just("agenda_item_delete"), index),
        sync,
        sync,
    ),
    min_size=4,
    max_size=24,
)


def _pick(queryset, position):
    rows = list(queryset.order_by("pk"))
    return rows[position % len(rows)] if rows else None


def _apply(operation, actor, mineral) -> None:  # noqa: C901 - one branch per kind of operation
    kind, *args = operation
    members = {m.iso2: m for m in Member.objects.all()}
    if kind == "project_create":
        project_services.project_create(
            actor=actor,
            minerals=[mineral],
            title=f"Project {JointProject.objects.count()}",
            segment=Segment.EXTRACTION,
            host_country="ZM",
            lead_member=members[args[0]],
            confidentiality=args[1],
            restricted_to=[members[c] for c in args[2]],
        )
    elif kind == "project_audience" and (project := _pick(JointProject.objects, args[0])):
        project_services.project_update(
            actor=actor, project=project, confidentiality=args[1], restricted_to=[members[c] for c in args[2]]
        )
    elif kind == "participant_add" and (project := _pick(JointProject.objects, args[0])):
        project_services.participant_add(actor=actor, project=project, member=members[args[1]])
    elif kind == "participant_remove" and (participant := _pick(ProjectParticipant.objects, args[0])):
        project_services.participant_remove(actor=actor, participant=participant)
    elif kind == "milestone_create" and (project := _pick(JointProject.objects, args[0])):
        project_services.milestone_create(
            actor=actor, project=project, title="M", due_on=datetime.date(2030, 1, 1)
        )
    elif kind == "milestone_delete" and (milestone := _pick(Milestone.objects, args[0])):
        project_services.milestone_delete(actor=actor, milestone=milestone)
    elif kind == "meeting_create":
        meeting_services.meeting_schedule(
            actor=actor,
            kind=MeetingKind.SOM,
            title="Meeting",
            starts_at=datetime.datetime(2030, 3, 1, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2030, 3, 1, 12, tzinfo=datetime.UTC),
            venue_name="Venue",
            venue_time_zone="UTC",
            status=MeetingStatus.ANNOUNCED,
            confidentiality=args[0],
            restricted_to=[members[c] for c in args[1]],
        )
    elif kind == "meeting_audience" and (meeting := _pick(Meeting.objects, args[0])):
        meeting_services.meeting_update(
            actor=actor, meeting=meeting, confidentiality=args[1], restricted_to=[members[c] for c in args[2]]
        )
    elif kind == "agenda_item_create" and (meeting := _pick(Meeting.objects, args[0])):
        meeting_services.agenda_item_create(actor=actor, meeting=meeting, title="Item")
    elif kind == "agenda_item_delete" and (item := _pick(AgendaItem.objects, args[0])):
        meeting_services.agenda_item_delete(actor=actor, item=item)


@pytest.fixture
def readers(korea, japan, api_client_for):
    return [
        api_client_for(TokenScope.READ, korea),
        api_client_for(TokenScope.READ, japan),
        api_client_for(TokenScope.READ, None),
    ]


@given(operations=operations)
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_property_scope_changes_replica_equals_full_sync(operations, readers, system_actor):
    mineral = MineralFactory(name="Lithium", slug="lithium")
    with transaction.atomic():
        replicas = [Replica(client).full_sync() for client in readers]
        for operation in operations:
            if operation[0] == "sync":
                for replica in replicas:
                    replica.follow(page_size=operation[1])
                continue
            try:
                with transaction.atomic():
                    _apply(operation, system_actor, mineral)
            except (ValidationError, DomainError):
                pass  # a refused write changes nothing, as in real use
        for replica in replicas:
            replica.follow()
            expected = snapshot(replica.client)
            assert replica.objects == expected, (differences(replica.objects, expected), operations)
        transaction.set_rollback(True)
