import datetime
import zoneinfo

import icalendar
import pytest
from django.test import Client

from core.choices import Confidentiality
from meetings import services
from meetings.choices import MeetingKind
from meetings.models import CalendarFeedToken

UTC = datetime.UTC
pytestmark = pytest.mark.django_db


def _local(year, month, day, hour, zone):
    return datetime.datetime(year, month, day, hour, tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.fixture
def meetings(system_actor, korea_chair):
    def schedule(title, start, end, zone, **extra):
        return services.meeting_schedule(
            actor=system_actor,
            status="announced",
            kind=MeetingKind.SOM,
            title=title,
            venue_name=title,
            venue_time_zone=zone,
            starts_at=start,
            ends_at=end,
            **extra,
        )

    return {
        "seoul": schedule(
            "Seoul", _local(2027, 3, 10, 9, "Asia/Seoul"), _local(2027, 3, 10, 17, "Asia/Seoul"), "Asia/Seoul"
        ),
        # Brussels changes to summer time on 28 March 2027: 10:00 local is 09:00 UTC before, 08:00 after.
        "brussels_winter": schedule(
            "Brussels 1",
            _local(2027, 3, 25, 10, "Europe/Brussels"),
            _local(2027, 3, 25, 12, "Europe/Brussels"),
            "Europe/Brussels",
        ),
        "brussels_summer": schedule(
            "Brussels 2",
            _local(2027, 4, 1, 10, "Europe/Brussels"),
            _local(2027, 4, 1, 12, "Europe/Brussels"),
            "Europe/Brussels",
        ),
        "secret": schedule(
            "Secretariat retreat",
            _local(2027, 5, 1, 10, "UTC"),
            _local(2027, 5, 1, 11, "UTC"),
            "UTC",
            confidentiality=Confidentiality.SECRETARIAT,
        ),
    }


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def _feed_url(token: CalendarFeedToken, kind: str) -> str:
    return f"/calendar/{kind}/{token.secret}.ics"


def test_user_feed_gives_utc_times_across_daylight_saving(meetings, korea_user, korea_actor):
    token = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    response = Client().get(_feed_url(token, "user"))  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "PUBLISH")
    assert {tz["tzid"] for tz in calendar.walk("VTIMEZONE")} == {"Asia/Seoul", "Europe/Brussels"}
    events = _events(response.content)
    assert sorted(events) == ["Brussels 1", "Brussels 2", "Seoul"]  # not the secretariat-only one
    times = {
        name: (event.decoded("dtstart").astimezone(UTC), event.decoded("dtend").astimezone(UTC))
        for name, event in events.items()
    }
    assert times == {
        "Seoul": (
            datetime.datetime(2027, 3, 10, 0, tzinfo=UTC),
            datetime.datetime(2027, 3, 10, 8, tzinfo=UTC),
        ),
        "Brussels 1": (
            datetime.datetime(2027, 3, 25, 9, tzinfo=UTC),
            datetime.datetime(2027, 3, 25, 11, tzinfo=UTC),
        ),
        "Brussels 2": (
            datetime.datetime(2027, 4, 1, 8, tzinfo=UTC),
            datetime.datetime(2027, 4, 1, 10, tzinfo=UTC),
        ),
    }
    assert events["Seoul"]["dtstart"].params["TZID"] == "Asia/Seoul"
    seoul = meetings["seoul"]
    assert (str(events["Seoul"]["uid"]), events["Seoul"]["sequence"], str(events["Seoul"]["status"])) == (
        f"meeting-{seoul.pk}@forge.invalid",
        0,
        "TENTATIVE",
    )


def test_cancelled_meeting_stays_in_the_feed_as_cancelled_with_a_higher_sequence(
    meetings, system_actor, korea_user, korea_actor
):
    services.meeting_status_change(actor=system_actor, meeting=meetings["seoul"], status="cancelled")
    token = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    event = _events(Client().get(_feed_url(token, "user")).content)["Seoul"]
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1
    assert str(event["uid"]) == f"meeting-{meetings['seoul'].pk}@forge.invalid"


def test_member_feed_shows_what_the_member_may_see(meetings, system_actor, korea, japan, korea_actor):
    restricted = services.meeting_schedule(
        actor=system_actor,
        status="announced",
        kind=MeetingKind.WORKING_GROUP,
        title="Japan only",
        virtual_link="https://meet.example.org/jp",
        starts_at=datetime.datetime(2027, 3, 3, 8, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 3, 3, 9, tzinfo=UTC),
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[japan],
    )
    token = services.calendar_feed_issue(actor=korea_actor, member=korea)
    events = _events(Client().get(_feed_url(token, "member")).content)
    assert "Japan only" not in events
    services.invitations_send(actor=system_actor, meeting=restricted, members=[korea])
    events = _events(Client().get(_feed_url(token, "member")).content)
    assert "Japan only" in events
    # A meeting in UTC needs no VTIMEZONE and is written with Z.
    assert events["Japan only"].decoded("dtstart") == datetime.datetime(2027, 3, 3, 8, tzinfo=UTC)


def test_regenerated_feed_link_revokes_the_old_one(meetings, korea_user, korea_actor):
    old = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    new = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    assert Client().get(_feed_url(old, "user")).status_code == 404
    assert Client().get(_feed_url(new, "user")).status_code == 200
    assert Client().get("/calendar/user/not-a-real-token-at-all-xxxxxxxx.ics").status_code == 404
    assert Client().get(_feed_url(new, "member")).status_code == 404


def test_delegation_cannot_issue_another_members_feed(korea_actor, japan):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        services.calendar_feed_issue(actor=korea_actor, member=japan)


def test_meeting_ics_needs_a_session_and_visibility(meetings, korea_client):
    url = f"/meetings/{meetings['seoul'].pk}/calendar.ics"
    assert Client().get(url).status_code == 302
    response = korea_client.get(url)
    assert response.status_code == 200
    assert list(_events(response.content)) == ["Seoul"]
    assert korea_client.get(f"/meetings/{meetings['secret'].pk}/calendar.ics").status_code == 404
