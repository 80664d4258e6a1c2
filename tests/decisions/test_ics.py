"""Procedure deadlines in the calendar feeds, through meetings' event-source hook."""

import datetime

import icalendar
import pytest
from django.test import Client

from decisions import services
from meetings import services as meeting_services
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT, wall_clock


def _events(client_response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(client_response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def korea_feed(korea, korea_actor, time_machine):
    time_machine.move_to(OPENED_AT, tick=False)
    token = meeting_services.calendar_feed_issue(actor=korea_actor, member=korea)
    return f"/calendar/member/{token.secret}.ics"


@pytest.mark.django_db
def test_member_feed_carries_the_deadline_in_the_procedures_zone(procedure, korea_feed):
    events = _events(Client().get(korea_feed))

    event = events[procedure.uid]
    assert str(event["summary"]) == "Written procedure deadline: Joint statement on lithium supply"
    assert event.decoded("dtstart") == DEADLINE_UTC
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert (int(event["sequence"]), str(event["status"])) == (0, "CONFIRMED")


@pytest.mark.django_db
def test_extension_raises_the_sequence_and_moves_the_event(procedure, secretariat_actor, korea_feed):
    services.procedure_extend(
        actor=secretariat_actor,
        procedure=procedure,
        deadline_local=wall_clock(2026, 2, 12, 18, 0),
        now=OPENED_AT,
    )

    event = _events(Client().get(korea_feed))[procedure.uid]

    assert event.decoded("dtstart") == DEADLINE_UTC + datetime.timedelta(days=3)
    assert int(event["sequence"]) == 1


@pytest.mark.django_db
def test_restricted_procedure_is_not_in_the_feed_of_a_member_not_concerned(
    make_draft, open_procedure, japan, japan_focal, korea_feed
):
    decision = make_draft(title="Japan only", confidentiality="restricted", restricted_to=[japan])
    procedure = open_procedure(decision, all_members=False, concerned=[japan])

    assert procedure.uid not in _events(Client().get(korea_feed))
