"""A delegation's home (its to-do list) and the secretariat's "needs doing today"."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.choices import InvitationStatus, MeetingStatus
from tests.factories import (
    ActionItemFactory,
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MilestoneFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 3, 1, 8, 0, tzinfo=datetime.UTC)
MEETING_AT = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _get(client, url="/") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _delegation_rows(member, other, n: int) -> None:
    """n of every kind of to-do for `member`, and one of each for `other` that must not show."""
    for who, count in ((member, n), (other, 1)):
        for i in range(count):
            deadline = MEETING_AT - datetime.timedelta(days=3)
            pending = MeetingFactory(title=f"To answer {who.iso2} {i}", rsvp_deadline=deadline)
            InvitationFactory(meeting=pending, member=who)
            accepted = MeetingFactory(title=f"To register {who.iso2} {i}")
            InvitationFactory(meeting=accepted, member=who, status=InvitationStatus.ACCEPTED)
            ActionItemFactory(meeting=accepted, owner=who, description=f"Action of {who.iso2} {i}")
            project = JointProjectFactory(title=f"Project of {who.iso2} {i}")
            ParticipantFactory(project=project, member=who)
            MilestoneFactory(
                project=project, title=f"Late milestone {who.iso2} {i}", due_on=datetime.date(2027, 2, 1)
            )
            FundingCommitmentFactory(project=project, member=who, amount=1500000 + i)


def test_delegation_home_lists_its_to_do_with_links_in_capital_time(korea, japan, korea_client):
    _delegation_rows(korea, japan, 1)
    _, page = _get(korea_client)
    assert "Republic of Korea: what needs doing" in page
    assert "Answer: To answer KR 0" in page
    assert "Answer by 7 Mar 2027" in page  # the deadline in Seoul, not the forum's dashboard
    assert "Register delegates: To register KR 0" in page and "0 of 3 seats taken" in page
    assert "Action of KR 0" in page
    assert "Update: Late milestone KR 0" in page
    assert "Confirm USD 1,500,000" in page
    assert "Wed 10 Mar 2027, 18:00 (Asia/Seoul)" in page
    assert [
        text for text in ("To answer JP", "To register JP", "Action of JP", "milestone JP") if text in page
    ] == []
    assert "Open the rotation timeline" not in page


def test_delegation_home_links_go_straight_to_each_action(korea, japan, korea_client):
    _delegation_rows(korea, japan, 1)
    _, page = _get(korea_client)
    for anchor in ("#answer", "#register", "#actions", "/milestones/", "/commitments/"):
        assert anchor in page, anchor


def test_delegation_home_runs_constant_queries(korea, japan, korea_client):
    _delegation_rows(korea, japan, 1)
    one, _ = _get(korea_client)
    _delegation_rows(korea, japan, 6)
    many, page = _get(korea_client)
    assert page.count("Register delegates:") == 7
    assert one == many


def test_delegation_home_is_empty_without_to_do(korea_client):
    _, page = _get(korea_client)
    assert "No invitation is waiting for an answer." in page
    assert "No pledge is waiting for confirmation." in page


def _secretariat_rows(members, n: int) -> None:
    for i in range(n):
        late = MeetingFactory(title=f"Late answers {i}", rsvp_deadline=NOW - datetime.timedelta(days=1))
        soon = MeetingFactory(title=f"Soon {i}")
        for member in members:
            InvitationFactory(meeting=late, member=member)
            InvitationFactory(meeting=soon, member=member, status=InvitationStatus.ACCEPTED)
        MeetingFactory(
            title=f"Held {i}", status=MeetingStatus.HELD, rsvp_deadline=NOW - datetime.timedelta(days=1)
        )


def test_secretariat_dashboard_shows_what_needs_doing_today(korea, japan, secretariat_client):
    _secretariat_rows([korea, japan], 1)
    _, page = _get(secretariat_client)
    assert "Needs doing today" in page
    assert "Late answers 0: 2 members have not answered" in page
    assert "Deadline was 28 Feb 2027" in page
    assert "0 credentials received, 2 missing" in page


def test_secretariat_dashboard_runs_constant_queries(korea, japan, secretariat_client):
    _secretariat_rows([korea, japan], 1)
    one, _ = _get(secretariat_client)
    _secretariat_rows([korea, japan], 5)
    many, page = _get(secretariat_client)
    assert page.count("members have not answered") == 6
    assert one == many


def test_delegation_does_not_see_the_secretariat_today_list(korea, korea_client):
    MeetingFactory(title="Late answers", rsvp_deadline=NOW - datetime.timedelta(days=1))
    _, page = _get(korea_client)
    assert "Needs doing today" not in page
