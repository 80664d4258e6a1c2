"""Demo data placed around the day it loads: the calendar and a delegation's to-do list are
populated on any date, and loading twice duplicates nothing."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from core.models import AuditEntry
from meetings.choices import InvitationStatus
from meetings.models import Invitation, Meeting
from members.models import ChairTerm, Member


def _load_on(moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        call_command("load_reference", verbosity=0)
        call_command("load_demo", verbosity=0)


def _korea_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="korea"))
    return client


def _calendar_examples(client: Client) -> list[str]:
    weeks = client.get("/meetings/calendar/").context["weeks"]
    return sorted({m.title for week in weeks for day in week if day.in_month for m in day.meetings})


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2027, 2, 27, 9, 0, tzinfo=datetime.UTC),  # late in a short month
        datetime.datetime(2029, 10, 1, 9, 0, tzinfo=datetime.UTC),  # the first of a month
    ],
)
def test_demo_meetings_fill_the_current_month_on_any_day(db, moment):
    _load_on(moment)
    with time_machine.travel(moment, tick=False):
        korea = _korea_client()
        examples = _calendar_examples(korea)
        assert "Answer: FORGE" in korea.get("/").content.decode()
        assert examples and all(title.endswith("(example)") for title in examples)
        korea_pending = Invitation.objects.filter(
            member__iso2="KR", status=InvitationStatus.PENDING, meeting__starts_at__gt=moment
        )
        assert korea_pending.count() >= 1
        assert all(i.meeting.rsvp_deadline > moment for i in korea_pending)


def test_demo_meetings_spread_past_and_ahead_and_load_once(db):
    moment = datetime.datetime(2027, 2, 10, 9, 0, tzinfo=datetime.UTC)
    _load_on(moment)
    starts = list(Meeting.objects.order_by("starts_at").values_list("starts_at", "status"))
    assert [status for at, status in starts if at < moment] == ["held", "held"]
    assert len([at for at, _ in starts if at > moment]) == 4
    facts = (Member.objects.count(), ChairTerm.objects.count())
    counts = (Meeting.objects.count(), Invitation.objects.count(), AuditEntry.objects.count())

    _load_on(moment + datetime.timedelta(days=40))

    assert (Meeting.objects.count(), Invitation.objects.count(), AuditEntry.objects.count()) == counts
    assert (Member.objects.count(), ChairTerm.objects.count()) == facts
