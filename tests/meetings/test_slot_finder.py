"""The slot finder starts from a meeting's invitees, all current members or a saved group, and
draws the picked slot as a strip per delegation with its working hours."""

import datetime

import pytest

from core.errors import Forbidden
from core.models import AuditEntry
from meetings import slot_picture
from meetings.slots import Delegation, rank_slots
from members import services as member_services
from members.choices import MemberStatus
from tests.factories import InvitationFactory, MeetingFactory, MemberFactory

UTC = datetime.UTC
RANGE = {"date_from": "2026-03-10", "date_to": "2026-03-10", "duration_minutes": "60"}


def _codes(response) -> list[str]:
    return [member.iso2 for member in response.context["members"]]


def test_slot_finder_from_meeting_invitees(secretariat_client, korea, japan):
    MemberFactory(iso2="US", capital_time_zone="America/New_York")
    meeting = MeetingFactory(title="SOM 7")
    InvitationFactory(meeting=meeting, member=korea)
    InvitationFactory(meeting=meeting, member=japan)
    response = secretariat_client.get(
        "/meetings/slots/", {"meeting": meeting.pk, "source": "invitees", **RANGE}
    )
    assert _codes(response) == ["JP", "KR"]
    assert response.context["slots"][0].score == 0


def test_slot_finder_offers_invitees_first_when_started_from_a_meeting(secretariat_client, korea):
    meeting = MeetingFactory(title="SOM 7")
    page = secretariat_client.get("/meetings/slots/", {"meeting": meeting.pk})
    assert page.context["form"]["source"].value() == "invitees"
    assert [key for key, _ in page.context["form"].fields["source"].choices] == [
        "invitees",
        "all",
        "group",
        "chosen",
    ]


def test_slot_finder_all_current_members_leaves_out_withdrawn(secretariat_client, korea, japan):
    MemberFactory(iso2="XW", status=MemberStatus.WITHDRAWN, capital_time_zone="UTC")
    response = secretariat_client.get("/meetings/slots/", {"source": "all", **RANGE})
    assert _codes(response) == ["JP", "KR"]


def test_slot_finder_from_a_saved_group(secretariat_client, secretariat_actor, korea, japan):
    us = MemberFactory(iso2="US", capital_time_zone="America/New_York")
    group = member_services.member_group_create(actor=secretariat_actor, name="Pacific", members=[korea, us])
    response = secretariat_client.get("/meetings/slots/", {"source": "group", "group": group.pk, **RANGE})
    assert _codes(response) == ["KR", "US"]
    # The one hour inside both working days: 08:00 in Seoul (next day), 19:00 in Washington.
    assert response.context["slots"][0].starts_at == datetime.datetime(2026, 3, 10, 23, tzinfo=UTC)


def test_slot_finder_group_missing_names_the_field(secretariat_client, korea):
    response = secretariat_client.get("/meetings/slots/", {"source": "group", **RANGE})
    assert response.context["form"].errors == {"group": ["Choose a saved group."]}
    assert response.context["slots"] == []


def test_slot_finder_page_draws_the_picked_slot_with_a_text_alternative(secretariat_client, korea, japan):
    response = secretariat_client.get("/meetings/slots/", {"source": "all", "show": "1", **RANGE})
    page = response.content.decode()
    picked = response.context["slots"][1]
    assert response.context["picture_slot"] == picked
    assert 'role="img" aria-labelledby="strips-title strips-desc"' in page
    assert page.count('<g class="strip') == 2
    start = picked.starts_at
    assert (
        f"starts_at={start:%Y-%m-%dT%H:%M}&amp;ends_at={start + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}"
        in page
    )
    local = next(t for t in picked.local_times if t.code == "KR")
    assert (
        f"<li>KR: {local.starts:%a %H:%M}–{local.ends:%H:%M} (Asia/Seoul), within working hours</li>" in page
    )


def test_slot_chosen_prefills_the_new_meeting_form(secretariat_client):
    form = secretariat_client.get(
        "/meetings/new/",
        {"starts_at": "2026-03-10T23:00", "ends_at": "2026-03-11T00:00", "venue_time_zone": "UTC"},
    ).context["form"]
    assert (form["starts_at"].value(), form["ends_at"].value(), form["venue_time_zone"].value()) == (
        "2026-03-10T23:00",
        "2026-03-11T00:00",
        "UTC",
    )


def test_picture_places_working_hours_in_utc():
    slot = rank_slots(
        date_from=datetime.date(2026, 3, 10),
        date_to=datetime.date(2026, 3, 10),
        duration=datetime.timedelta(hours=1),
        delegations=[Delegation("KR", "Asia/Seoul"), Delegation("GB", "Europe/London")],
    )[0]
    picture = slot_picture.picture(slot)
    assert picture.window_start == datetime.datetime(2026, 3, 10, tzinfo=UTC)
    seoul, london = picture.strips
    # Seoul works 23:00-11:00 UTC (KST is UTC+9); London 08:00-20:00 (GMT in March before the change).
    assert seoul.working == (slot_picture.Band(150, 11 * 24), slot_picture.Band(150 + 23 * 24, 24))
    assert london.working == (slot_picture.Band(150 + 8 * 24, 12 * 24),)
    assert picture.slot == slot_picture.Band(150 + slot.starts_at.hour * 24, 24)


def test_member_group_saved_by_the_secretariat_only(secretariat_actor, korea_actor, korea, japan):
    with pytest.raises(Forbidden):
        member_services.member_group_create(actor=korea_actor, name="Asia", members=[korea])
    group = member_services.member_group_create(actor=secretariat_actor, name="Asia", members=[korea, japan])
    member_services.member_group_update(actor=secretariat_actor, group=group, members=[japan])
    changes = list(
        AuditEntry.objects.filter(action="members").order_by("pk").values_list("changes", flat=True)
    )
    assert changes == [{"members": [[], ["JP", "KR"]]}, {"members": [["JP", "KR"], ["JP"]]}]
