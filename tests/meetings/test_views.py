import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choices import Confidentiality
from meetings import services
from meetings.choices import MeetingKind
from meetings.models import Invitation, Meeting, Registration
from tests.factories import DelegateFactory, MemberFactory
from tests.meetings.conftest import pdf, text_file

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# Scheduling -----------------------------------------------------------------------------------


def test_schedule_form_takes_venue_local_times(secretariat_client, korea_chair):
    response = secretariat_client.post(
        "/meetings/new/",
        {
            "kind": "som",
            "title": "SOM 3",
            "venue_name": "Brussels",
            "venue_time_zone": "Europe/Brussels",
            "starts_at": "2027-04-01T10:00",
            "ends_at": "2027-04-01T12:00",
            "confidentiality": "members",
            "status": "announced",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    # 10:00 in Brussels on 1 April 2027 (summer time) is 08:00 UTC.
    assert meeting.starts_at == datetime.datetime(2027, 4, 1, 8, tzinfo=datetime.UTC)
    assert (meeting.status, meeting.chaired_by.iso2) == ("announced", "KR")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"venue_time_zone": "Mars/Olympus"}, "venue_time_zone", "is not an IANA time zone"),
        ({"ends_at": "2027-04-01T09:00"}, "ends_at", "A meeting must end after it starts."),
    ],
)
def test_schedule_form_bad_input_names_the_field(secretariat_client, change, field, message):
    data = {
        "kind": "som",
        "title": "SOM 3",
        "venue_name": "Brussels",
        "venue_time_zone": "Europe/Brussels",
        "starts_at": "2027-04-01T10:00",
        "ends_at": "2027-04-01T12:00",
        "confidentiality": "members",
        "status": "announced",
        **change,
    }
    response = secretariat_client.post("/meetings/new/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Meeting.objects.count() == 0


def test_delegation_cannot_open_the_schedule_form(korea_client):
    assert korea_client.get("/meetings/new/").status_code == 403


def test_meeting_page_labels_venue_and_viewer_times(korea_client, som):
    page = korea_client.get(f"/meetings/{som.pk}/").content.decode()
    assert "Venue time (Asia/Seoul)" in page
    assert "Wed 10 Mar 2027, 09:00 – Wed 10 Mar 2027, 17:00 KST" in page
    # The viewer's capital is Seoul too, so no second line.
    assert "Your time" not in page


def test_meeting_page_shows_secretariat_viewer_time_in_utc(secretariat_client, som):
    page = secretariat_client.get(f"/meetings/{som.pk}/").content.decode()
    assert "Your time (UTC)" in page
    assert "Wed 10 Mar 2027, 00:00 – Wed 10 Mar 2027, 08:00 UTC" in page


def test_meeting_page_warns_of_clashes_and_rotation_gaps(
    secretariat_client, system_actor, invited, som, korea
):
    other = services.meeting_schedule(
        actor=system_actor,
        kind=MeetingKind.WORKING_GROUP,
        title="Clashing call",
        virtual_link="https://meet.example.org/x",
        starts_at=som.starts_at + datetime.timedelta(hours=1),
        ends_at=som.starts_at + datetime.timedelta(hours=2),
    )
    services.invitations_send(actor=system_actor, meeting=other, members=[korea])
    gap = services.meeting_schedule(
        actor=system_actor,
        kind=MeetingKind.SOM,
        title="Gap",
        venue_name="X",
        starts_at=datetime.datetime(2027, 8, 1, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 8, 1, 10, tzinfo=datetime.UTC),
    )
    page = secretariat_client.get(f"/meetings/{som.pk}/").content.decode()
    assert "Clashing call" in page and "for KR." in page
    gap_page = secretariat_client.get(f"/meetings/{gap.pk}/").content.decode()
    assert "Rotation gap: No chair term covers 1 Aug 2027; no successor is designated." in gap_page


def test_status_change_via_web_refuses_illegal_moves(secretariat_client, som):
    response = secretariat_client.post(f"/meetings/{som.pk}/status/", {"status": "held"}, follow=True)
    assert Meeting.objects.get(pk=som.pk).status == "announced"
    assert "Select a valid choice" in response.content.decode()


def test_invite_all_members_in_one_action(secretariat_client, som, korea, japan):
    response = secretariat_client.post(f"/meetings/{som.pk}/invite/", {"mode": "all", "seats_quota": "4"})
    assert response.status_code == 302
    assert sorted(Invitation.objects.filter(meeting=som).values_list("member__iso2", "seats_quota")) == [
        ("JP", 4),
        ("KR", 4),
    ]


# The delegation's view -----------------------------------------------------------------------


def test_delegation_answers_and_registers_within_quota(korea_client, invited, korea):
    people = [DelegateFactory(member=korea, full_name=f"P{n}") for n in range(4)]
    invitation = invited["KR"]
    assert (
        korea_client.post(
            f"/meetings/invitations/{invitation.pk}/answer/", {"status": "accepted"}
        ).status_code
        == 302
    )
    for person in people[:3]:
        korea_client.post(f"/meetings/invitations/{invitation.pk}/register/", {"delegate": person.pk})
    response = korea_client.post(
        f"/meetings/invitations/{invitation.pk}/register/", {"delegate": people[3].pk}, follow=True
    )
    assert "All 3 seats of this delegation are taken" in response.content.decode()
    assert Registration.objects.filter(status="active").count() == 3


def test_delegation_cannot_answer_register_or_fetch_credentials_for_another_member(
    korea_client, japan_client, invited, japan, system_actor
):
    japan_invitation = invited["JP"]
    services.invitation_credentials_upload(actor=system_actor, invitation=japan_invitation, file=pdf())
    base = f"/meetings/invitations/{japan_invitation.pk}/"
    assert korea_client.get(base).status_code == 404
    assert korea_client.post(base + "answer/", {"status": "declined"}).status_code == 404
    assert (
        korea_client.post(base + "register/", {"delegate": DelegateFactory(member=japan).pk}).status_code
        == 404
    )
    assert korea_client.get(base + "credentials/").status_code == 404
    assert korea_client.post(base + "credentials/", {"credentials": pdf()}).status_code == 404
    own = japan_client.get(base + "credentials/")
    assert (own.status_code, own["Content-Type"]) == (200, "application/pdf")
    assert own["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert Invitation.objects.get(pk=japan_invitation.pk).status == "pending"


def test_credentials_upload_bad_file_shows_the_field(korea_client, invited):
    url = f"/meetings/invitations/{invited['KR'].pk}/credentials/"
    response = korea_client.post(url, {"credentials": text_file(name="letter.txt")}, follow=True)
    assert "This type of file is not accepted here; upload PDF." in response.content.decode()
    assert not Invitation.objects.get(pk=invited["KR"].pk).credentials


def test_credentials_are_not_under_media_url(korea_client, invited, korea_actor):
    saved = services.invitation_credentials_upload(actor=korea_actor, invitation=invited["KR"], file=pdf())
    assert saved.credentials.name.startswith(f"meetings/{saved.meeting_id}/credentials/")
    assert korea_client.get("/media/" + saved.credentials.name).status_code == 404


# Documents -----------------------------------------------------------------------------------


def test_restricted_document_is_invisible_on_pages_and_download(
    korea_client, japan_client, system_actor, som, japan
):
    document = services.document_upload(
        actor=system_actor,
        meeting=som,
        title="Japan's note",
        file=text_file(content=b"For Japan\n"),
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[japan],
    )
    assert "Japan&#x27;s note" not in korea_client.get(f"/meetings/{som.pk}/").content.decode()
    assert korea_client.get(f"/meetings/documents/{document.pk}/").status_code == 404
    assert korea_client.get(f"/meetings/documents/{document.pk}/download/").status_code == 404
    assert "Japan&#x27;s note" in japan_client.get(f"/meetings/{som.pk}/").content.decode()
    download = japan_client.get(f"/meetings/documents/{document.pk}/download/")
    assert b"".join(download.streaming_content) == b"For Japan\n"


def test_participants_csv_for_the_secretariat_only(
    secretariat_client, korea_client, invited, system_actor, korea
):
    invitation = services.invitation_answer(actor=system_actor, invitation=invited["KR"], status="accepted")
    services.registration_add(
        actor=system_actor,
        invitation=invitation,
        delegate=DelegateFactory(member=korea, full_name="=HYPERLINK()"),
    )
    response = secretariat_client.get(f"/meetings/{invitation.meeting_id}/participants/?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "member_iso2,member,name,capacity,title,email"
    assert lines[1].startswith("KR,Republic of Korea,'=HYPERLINK(),Delegate,")
    assert korea_client.get(f"/meetings/{invitation.meeting_id}/participants/").status_code == 404


# Query counts --------------------------------------------------------------------------------


def test_rsvp_grid_for_56_members_runs_a_fixed_number_of_queries(
    secretariat_client, system_actor, som, korea
):
    services.invitations_send(actor=system_actor, meeting=som, members=[korea])
    one, _ = _queries(secretariat_client, f"/meetings/{som.pk}/rsvp/")
    members = [MemberFactory() for _ in range(55)]
    services.invitations_send(actor=system_actor, meeting=som, all_members=True)
    for member in members[:10]:
        invitation = som.invitations.get(member=member)
        services.invitation_answer(actor=system_actor, invitation=invitation, status="accepted")
        services.registration_add(
            actor=system_actor, invitation=invitation, delegate=DelegateFactory(member=member)
        )
    many, page = _queries(secretariat_client, f"/meetings/{som.pk}/rsvp/")
    assert Invitation.objects.filter(meeting=som).count() == 56
    assert many == one
    assert '<th class="center" data-status="accepted">10</th>' in page
    assert '<th class="center" data-status="pending">46</th>' in page


def test_delegation_sees_counts_and_only_its_own_row(korea_client, invited, som):
    page = korea_client.get(f"/meetings/{som.pk}/rsvp/").content.decode()
    assert 'id="rsvp-KR"' in page and 'id="rsvp-JP"' not in page
    assert '<th class="center" data-status="pending">2</th>' in page


def _grow(system_actor, n):
    for index in range(n):
        member = MemberFactory()
        meeting = services.meeting_schedule(
            actor=system_actor,
            status="announced",
            kind=MeetingKind.SOM,
            title=f"Extra {index}",
            venue_name="V",
            host=member,
            starts_at=datetime.datetime(2027, 3, 2 + index, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2027, 3, 2 + index, 10, tzinfo=datetime.UTC),
        )
        document = services.document_upload(actor=system_actor, meeting=meeting, title="D", file=text_file())
        services.agenda_item_create(
            actor=system_actor, meeting=meeting, title="I", presenter=member, documents=[document]
        )
        outcome = services.outcome_create(
            actor=system_actor, meeting=meeting, kind="decision", title="O", document=document
        )
        services.action_item_create(
            actor=system_actor, meeting=meeting, outcome=outcome, owner=member, description="A"
        )
    return meeting


@pytest.mark.parametrize("url", ["/meetings/", "/meetings/calendar/?month=2027-03"])
def test_list_pages_run_constant_queries(url, secretariat_client, system_actor, som):
    _grow(system_actor, 1)
    one, _ = _queries(secretariat_client, url)
    _grow(system_actor, 5)
    many, page = _queries(secretariat_client, url)
    assert many == one
    assert "Extra 4" in page


def test_meeting_page_runs_constant_queries(secretariat_client, system_actor, som, korea):
    def add_children(n):
        for index in range(n):
            document = services.document_upload(
                actor=system_actor, meeting=som, title=f"D{index}", file=text_file()
            )
            services.agenda_item_create(
                actor=system_actor, meeting=som, title="I", presenter=korea, documents=[document]
            )
            outcome = services.outcome_create(
                actor=system_actor, meeting=som, kind="decision", title="O", document=document
            )
            services.action_item_create(
                actor=system_actor, meeting=som, outcome=outcome, owner=korea, description="A"
            )

    add_children(1)
    one, _ = _queries(secretariat_client, f"/meetings/{som.pk}/")
    add_children(4)
    many, page = _queries(secretariat_client, f"/meetings/{som.pk}/")
    assert many == one
    assert "D3" in page


def test_calendar_places_meetings_on_the_viewers_day(korea_client, som):
    page = korea_client.get("/meetings/calendar/?month=2027-03").content.decode()
    assert "Days and times in your time zone (Asia/Seoul)." in page
    assert "09:00 SOM 1" in page


def test_slot_finder_ranks_for_chosen_members(secretariat_client, korea, japan):
    us = MemberFactory(iso2="US", capital_time_zone="America/New_York")
    response = secretariat_client.get(
        "/meetings/slots/",
        {
            "date_from": "2026-03-10",
            "date_to": "2026-03-10",
            "duration_minutes": "60",
            "members": [korea.pk, us.pk],
        },
    )
    slots = response.context["slots"]
    assert len(slots) == 20
    assert slots[0].score == 0
    # The one hour inside both working days: 08:00 in Seoul (next day), 19:00 in Washington.
    assert slots[0].starts_at == datetime.datetime(2026, 3, 10, 23, tzinfo=datetime.UTC)


@time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False)  # before the SOM
def test_delegation_home_shows_upcoming_meetings_and_pending_answers(korea_client, invited, som):
    page = korea_client.get("/").content.decode()
    assert "Your next meetings" in page
    assert f'href="/meetings/invitations/{invited["KR"].pk}/#answer">Answer: SOM 1</a>' in page


def test_meeting_page_speaks_korean_and_keeps_the_title_as_entered(korea_client, som):
    korea_client.cookies["django_language"] = "ko"
    page = korea_client.get(f"/meetings/{som.pk}/").content.decode()
    assert "<h1>SOM 1 " in page
    assert "개최지 시각 (Asia/Seoul)" in page and "2027년 3월 10일 (수요일) 09:00" in page
    assert "<h2>의제</h2>" in page and "<h2>문서</h2>" in page and "<h2>회의 결과</h2>" in page


def test_participants_page_speaks_korean(secretariat_client, som):
    secretariat_client.cookies["django_language"] = "ko"
    page = secretariat_client.get(f"/meetings/{som.pk}/participants/").content.decode()
    assert "<h1>참가자 명단</h1>" in page and "CSV 내려받기" in page and "SOM 1" in page


def test_calendar_speaks_korean(korea_client, som):
    korea_client.cookies["django_language"] = "ko"
    page = korea_client.get("/meetings/calendar/?month=2027-03").content.decode()
    assert "<h1>2027년 3월</h1>" in page and "<th>수</th>" in page and "SOM 1" in page
