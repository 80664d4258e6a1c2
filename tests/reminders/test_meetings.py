"""Meeting reminders planned by the meeting services, in their transactions."""

import datetime

import pytest
from django.core import mail

from core.reminders import services as engine
from core.reminders.models import Reminder
from meetings import services
from meetings.choices import InvitationStatus, MeetingKind, MeetingStatus
from members.choices import Capacity
from tests.factories import DelegateFactory, MemberFactory

UTC = datetime.UTC
pytestmark = pytest.mark.usefixtures("pinned_clock")


def _rows(**filters):
    return sorted(
        Reminder.objects.filter(**filters).values_list(
            "kind", "recipient_email", "occurrence", "due_at", "status"
        ),
        key=lambda row: (row[4], row[0], row[3]),
    )


def test_invitation_deadline_and_move_across_dst(db, system_actor, django_capture_on_commit_callbacks):
    belgium = MemberFactory(iso2="BE", name="Belgium", capital_time_zone="Europe/Brussels")
    DelegateFactory(member=belgium, capacity=Capacity.FOCAL_POINT, email="fp@be.example.org")
    DelegateFactory(member=belgium, capacity=Capacity.DELEGATE, email="d@be.example.org")
    meeting = services.meeting_schedule(
        actor=system_actor,
        status=MeetingStatus.ANNOUNCED,
        kind=MeetingKind.SOM,
        title="SOM Brussels",
        venue_name="Brussels",
        venue_time_zone="Europe/Brussels",
        starts_at=datetime.datetime(2027, 4, 20, 8, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 4, 20, 16, tzinfo=UTC),
        # 16:00 Brussels on 2 April 2027 (CEST).
        rsvp_deadline=datetime.datetime(2027, 4, 2, 14, tzinfo=UTC),
    )
    services.invitations_send(actor=system_actor, meeting=meeting, members=[belgium])
    invitation = meeting.invitations.get()
    rows = _rows(kind__in=["meeting.invitation", "meeting.rsvp_deadline"])
    assert [(kind, to, occurrence) for kind, to, occurrence, _, _ in rows] == [
        ("meeting.invitation", "fp@be.example.org", f"invitation:{invitation.pk}"),
        ("meeting.rsvp_deadline", "fp@be.example.org", "7d-before:2027-04-02"),
        ("meeting.rsvp_deadline", "fp@be.example.org", "1d-before:2027-04-02"),
    ]
    # 26 March 2027 is before the EU clock change (28 March): 09:00 CET = 08:00 UTC;
    # 1 April is after it: 09:00 CEST = 07:00 UTC.
    assert [row[3] for row in rows[1:]] == [
        datetime.datetime(2027, 3, 26, 8, tzinfo=UTC),
        datetime.datetime(2027, 4, 1, 7, tzinfo=UTC),
    ]
    # The deadline moves a week later, across nothing: old rows cancelled, new ones made.
    services.meeting_update(
        actor=system_actor, meeting=meeting, rsvp_deadline=datetime.datetime(2027, 3, 26, 15, tzinfo=UTC)
    )
    pending = _rows(kind="meeting.rsvp_deadline", status="pending")
    assert [(row[2], row[3]) for row in pending] == [
        ("7d-before:2027-03-26", datetime.datetime(2027, 3, 19, 8, tzinfo=UTC)),
        ("1d-before:2027-03-26", datetime.datetime(2027, 3, 25, 8, tzinfo=UTC)),
    ]
    assert Reminder.objects.filter(kind="meeting.rsvp_deadline", status="cancelled").count() == 2
    # The invitation reminder is due at once and goes out.
    with django_capture_on_commit_callbacks(execute=True):
        sent = engine.reminder_dispatch(
            enqueue=lambda ids: [engine.reminder_send(reminder_id=i) for i in ids]
        )
    assert sent == 1
    assert [message.to for message in mail.outbox] == [["fp@be.example.org"]]
    assert "SOM Brussels" in mail.outbox[0].subject
    assert "10:00 to 18:00 (Europe/Brussels)" in mail.outbox[0].body
    # An answer stops the RSVP reminders; cancelling the meeting stops everything.
    services.invitation_answer(actor=system_actor, invitation=invitation, status=InvitationStatus.ACCEPTED)
    assert _rows(kind="meeting.rsvp_deadline", status="pending") == []
    services.meeting_status_change(actor=system_actor, meeting=meeting, status=MeetingStatus.CANCELLED)
    assert Reminder.objects.filter(status="pending").count() == 0
