"""Action item reminders: planned by the action item services, moved along by the periodic planner."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.reminders import services as engine
from core.reminders.models import Reminder
from meetings import reminders as meeting_reminders
from meetings import services
from meetings.choices import ActionItemStatus
from members.choices import Capacity
from tests.factories import DelegateFactory, MeetingFactory, MemberFactory

UTC = datetime.UTC
pytestmark = pytest.mark.usefixtures("pinned_clock")
DUE = "meeting.action_item_due"
OVERDUE = "meeting.action_item_overdue"


def _rows(**filters):
    return sorted(
        Reminder.objects.filter(**filters).values_list(
            "kind", "recipient_email", "occurrence", "due_at", "status"
        ),
        key=lambda row: (row[4], row[0], row[3], row[1]),
    )


@pytest.fixture
def send_due(django_capture_on_commit_callbacks):
    """Dispatch what is due at `now` and send it at once, after commit, as a worker would."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return engine.reminder_dispatch(
                now=now, enqueue=lambda ids: [engine.reminder_send(reminder_id=pk) for pk in ids]
            )

    return run


@pytest.fixture
def belgium(db):
    member = MemberFactory(iso2="BE", name="Belgium", capital_time_zone="Europe/Brussels")
    DelegateFactory(member=member, capacity=Capacity.FOCAL_POINT, email="fp@be.example.org")
    # Not told: an ordinary delegate, a focal point without an address, one no longer active.
    DelegateFactory(member=member, capacity=Capacity.DELEGATE, email="d@be.example.org")
    DelegateFactory(member=member, capacity=Capacity.FOCAL_POINT, email="")
    DelegateFactory(
        member=member,
        capacity=Capacity.FOCAL_POINT,
        email="old@be.example.org",
        active_until=datetime.date(2020, 1, 1),
    )
    return member


def test_action_item_reminders_follow_date_owner_status_and_delete(db, system_actor, belgium, japan):
    DelegateFactory(member=japan, capacity=Capacity.FOCAL_POINT, email="fp@jp.example.org")
    meeting = MeetingFactory()
    item = services.action_item_create(
        actor=system_actor,
        meeting=meeting,
        owner=belgium,
        description="Circulate the draft statement",
        due_on=datetime.date(2027, 4, 2),
    )
    # 26 March 2027 is before the EU clock change (28 March): 09:00 CET = 08:00 UTC;
    # 2 April is after it: 09:00 CEST = 07:00 UTC.
    assert _rows() == [
        (
            DUE,
            "fp@be.example.org",
            "7d-before:2027-04-02",
            datetime.datetime(2027, 3, 26, 8, tzinfo=UTC),
            "pending",
        ),
        (
            DUE,
            "fp@be.example.org",
            "0d-before:2027-04-02",
            datetime.datetime(2027, 4, 2, 7, tzinfo=UTC),
            "pending",
        ),
    ]
    # A later date: the old rows are cancelled, new ones made at 09:00 CEST.
    services.action_item_update(actor=system_actor, item=item, due_on=datetime.date(2027, 4, 20))
    assert _rows(status="pending") == [
        (
            DUE,
            "fp@be.example.org",
            "7d-before:2027-04-20",
            datetime.datetime(2027, 4, 13, 7, tzinfo=UTC),
            "pending",
        ),
        (
            DUE,
            "fp@be.example.org",
            "0d-before:2027-04-20",
            datetime.datetime(2027, 4, 20, 7, tzinfo=UTC),
            "pending",
        ),
    ]
    assert Reminder.objects.filter(status="cancelled").count() == 2
    # Given to Japan: Japan's focal point, 09:00 in Tokyo (00:00 UTC).
    services.action_item_update(actor=system_actor, item=item, owner=japan)
    assert _rows(status="pending") == [
        (
            DUE,
            "fp@jp.example.org",
            "7d-before:2027-04-20",
            datetime.datetime(2027, 4, 13, 0, tzinfo=UTC),
            "pending",
        ),
        (
            DUE,
            "fp@jp.example.org",
            "0d-before:2027-04-20",
            datetime.datetime(2027, 4, 20, 0, tzinfo=UTC),
            "pending",
        ),
    ]
    assert set(Reminder.objects.filter(status="pending").values_list("recipient_member_id", flat=True)) == {
        japan.pk
    }
    # Done cancels; reopened (in progress) revives the same rows; no date plans nothing.
    services.action_item_update(actor=system_actor, item=item, status=ActionItemStatus.DONE)
    assert Reminder.objects.filter(status="pending").count() == 0
    services.action_item_update(actor=system_actor, item=item, status=ActionItemStatus.IN_PROGRESS)
    assert [row[2] for row in _rows(status="pending")] == ["7d-before:2027-04-20", "0d-before:2027-04-20"]
    services.action_item_update(actor=system_actor, item=item, due_on=None)
    assert Reminder.objects.filter(status="pending").count() == 0
    services.action_item_update(actor=system_actor, item=item, due_on=datetime.date(2027, 4, 20))
    assert Reminder.objects.filter(status="pending").count() == 2
    # Deleting the item cancels what is left.
    services.action_item_delete(actor=system_actor, item=item)
    assert Reminder.objects.filter(status="pending").count() == 0
    assert set(Reminder.objects.values_list("status", flat=True)) == {"cancelled"}
    assert Reminder.objects.filter(last_error="The action item was deleted.").count() == 2


def test_action_item_dropped_by_owning_delegation_cancels(db, system_actor, korea, korea_actor):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org")
    item = services.action_item_create(
        actor=system_actor,
        meeting=MeetingFactory(),
        owner=korea,
        description="Report on the pilot",
        due_on=datetime.date(2027, 6, 1),
    )
    assert Reminder.objects.filter(status="pending").count() == 2
    services.action_item_update(actor=korea_actor, item=item, status=ActionItemStatus.DROPPED)
    assert Reminder.objects.filter(status="pending").count() == 0
    assert Reminder.objects.filter(status="cancelled").count() == 2


def test_action_item_refused_write_plans_nothing(db, system_actor, korea):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org")
    other = services.outcome_create(actor=system_actor, meeting=MeetingFactory(), kind="decision", title="X")
    with pytest.raises(ValidationError):
        services.action_item_create(
            actor=system_actor,
            meeting=MeetingFactory(),
            owner=korea,
            outcome=other,
            description="Wrong outcome",
            due_on=datetime.date(2027, 6, 1),
        )
    assert Reminder.objects.count() == 0


def test_action_item_overdue_weekly_from_periodic_planner(db, system_actor, korea, japan, send_due):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org")
    meeting = MeetingFactory()
    item = services.action_item_create(
        actor=system_actor,
        meeting=meeting,
        owner=korea,
        description="Share the offtake data",
        due_on=datetime.date(2027, 4, 7),
    )
    # Not picked up: done, without a date, or due beyond the next week.
    services.action_item_create(
        actor=system_actor,
        meeting=meeting,
        owner=korea,
        description="Done",
        due_on=datetime.date(2027, 4, 1),
        status=ActionItemStatus.DONE,
    )
    services.action_item_create(actor=system_actor, meeting=meeting, owner=korea, description="Undated")
    services.action_item_create(
        actor=system_actor,
        meeting=meeting,
        owner=japan,
        description="Later",
        due_on=datetime.date(2027, 5, 1),
    )
    # Monday 12 April 2027, 09:30 in Seoul: this Monday's notice (09:00 Seoul, within the
    # planning grace) and next Monday's.
    now = datetime.datetime(2027, 4, 12, 0, 30, tzinfo=UTC)
    assert meeting_reminders.plan_periodic(now=now) == 2
    assert _rows(kind=OVERDUE) == [
        (
            OVERDUE,
            "fp@kr.example.org",
            "week:2027-W15",
            datetime.datetime(2027, 4, 12, 0, tzinfo=UTC),
            "pending",
        ),
        (
            OVERDUE,
            "fp@kr.example.org",
            "week:2027-W16",
            datetime.datetime(2027, 4, 19, 0, tzinfo=UTC),
            "pending",
        ),
    ]
    assert set(Reminder.objects.filter(kind=OVERDUE).values_list("subject_id", flat=True)) == {item.pk}
    # Planning again changes nothing.
    assert meeting_reminders.plan_periodic(now=now) == 0
    # The week's notice goes out (with the two "due" notices of 31 March and 7 April).
    assert send_due(now) == 3
    sent = [m for m in mail.outbox if m.subject.startswith("Overdue since")]
    assert [m.to for m in sent] == [["fp@kr.example.org"]]
    assert sent[0].subject == f"Overdue since 7 April 2027: Share the offtake data ({meeting.title})"
    # Completed: next week's notice is cancelled, the sent one stays sent.
    services.action_item_update(actor=system_actor, item=item, status=ActionItemStatus.DONE)
    assert [(row[2], row[4]) for row in _rows(kind=OVERDUE)] == [
        ("week:2027-W16", "cancelled"),
        ("week:2027-W15", "sent"),
    ]


def test_action_item_due_notice_sent_with_its_wording(db, system_actor, korea):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org", full_name="Kim")
    meeting = MeetingFactory(title="SOM 4")
    # Eight days ahead in Seoul: the "7 days before" notice is tomorrow 09:00, so it is planned.
    due_on = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).date() + datetime.timedelta(days=8)
    item = services.action_item_create(
        actor=system_actor, meeting=meeting, owner=korea, description="Send the survey", due_on=due_on
    )
    reminder = Reminder.objects.get(occurrence=f"7d-before:{due_on.isoformat()}")
    assert engine.reminder_dispatch(now=reminder.due_at, enqueue=lambda ids: None) == 1
    assert engine.reminder_send(reminder_id=reminder.pk) == "sent"
    message = mail.outbox[0]
    assert message.to == ["fp@kr.example.org"]
    assert message.subject == f"Action item due {due_on.day} {due_on:%B %Y}: Send the survey (SOM 4)"
    assert message.body.startswith("Dear Kim,\n\nAn action item your delegation owns is due in 8 days, on ")
    assert f"/meetings/{meeting.pk}/#actions" in message.body
    assert "Status: Open" in message.body
    html = message.alternatives[0][0]
    assert "<strong>Send the survey</strong>" in html
    assert item.pk == reminder.subject_id


def test_action_item_overdue_notice_counts_days_late_at_send_time(db, system_actor, korea):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org")
    today_seoul = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).date()
    item = services.action_item_create(
        actor=system_actor,
        meeting=MeetingFactory(title="SOM 5"),
        owner=korea,
        description="Nominate experts",
        due_on=today_seoul - datetime.timedelta(days=10),
    )
    meeting_reminders.plan_periodic(now=timezone.now())
    # Next Monday's notice is always ahead (this Monday's only within the planning grace).
    next_monday = today_seoul + datetime.timedelta(days=7 - today_seoul.weekday())
    year, week, _ = next_monday.isocalendar()
    reminder = Reminder.objects.get(kind=OVERDUE, occurrence=f"week:{year}-W{week:02d}")
    assert reminder.due_at == datetime.datetime(
        next_monday.year, next_monday.month, next_monday.day, 0, tzinfo=UTC
    )  # 09:00 in Seoul
    engine.reminder_dispatch(now=reminder.due_at, enqueue=lambda ids: None)
    assert engine.reminder_send(reminder_id=reminder.pk) == "sent"
    body = mail.outbox[-1].body
    assert f"was due on {item.due_on:%A} {item.due_on.day} {item.due_on:%B %Y} (10 days ago)" in body
    assert "This reminder comes every Monday until the action item is marked done" in body


def test_action_item_stale_at_send_time_is_cancelled(db, system_actor, korea, send_due):
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="fp@kr.example.org")
    item = services.action_item_create(
        actor=system_actor,
        meeting=MeetingFactory(),
        owner=korea,
        description="Send the survey",
        due_on=datetime.date(2027, 4, 20),
    )
    first = Reminder.objects.get(occurrence="7d-before:2027-04-20")
    engine.reminder_dispatch(now=first.due_at, enqueue=lambda ids: None)
    # Completed after the dispatcher queued the notice: the planner cancels the queued row,
    # so the send finds nothing to claim.
    services.action_item_update(actor=system_actor, item=item, status=ActionItemStatus.DONE)
    assert engine.reminder_send(reminder_id=first.pk) == "skipped"
    # A change the planner did not see (a direct database fix) is caught when the row is sent.
    services.action_item_update(actor=system_actor, item=item, status=ActionItemStatus.OPEN)
    type(item).objects.filter(pk=item.pk).update(status=ActionItemStatus.DONE)
    assert send_due(datetime.datetime(2027, 4, 13, 1, tzinfo=UTC)) == 1
    first.refresh_from_db()
    assert (first.status, first.last_error) == ("cancelled", "No longer relevant when it came to be sent.")
    assert mail.outbox == []
    # So is a due date moved under the notice.
    type(item).objects.filter(pk=item.pk).update(
        status=ActionItemStatus.OPEN, due_on=datetime.date(2027, 5, 1)
    )
    assert send_due(datetime.datetime(2027, 4, 20, 1, tzinfo=UTC)) == 1
    assert Reminder.objects.get(occurrence="0d-before:2027-04-20").status == "cancelled"
    assert mail.outbox == []


def test_action_item_plan_queries_constant_in_recipients(db, system_actor, django_assert_num_queries):
    few = MemberFactory(iso2="AA", capital_time_zone="Europe/Paris")
    many = MemberFactory(iso2="BB", capital_time_zone="America/Chicago")
    DelegateFactory(member=few, capacity=Capacity.FOCAL_POINT)
    for _ in range(6):
        DelegateFactory(member=many, capacity=Capacity.FOCAL_POINT)
    meeting = MeetingFactory()
    warm, one, six = (
        services.action_item_create(
            actor=system_actor,
            meeting=meeting,
            owner=owner,
            description="x",
            due_on=datetime.date(2027, 6, 1),
        )
        for owner in (few, few, many)
    )
    # Re-plan each after a date move: create two rows, cancel two, per recipient.
    for item in (warm, one, six):
        item.due_on = datetime.date(2027, 7, 1)
    meeting_reminders.action_item_reminders_plan(items=[warm])
    with django_assert_num_queries(6) as captured:  # focal points, then the engine's five
        meeting_reminders.action_item_reminders_plan(items=[one])
    with django_assert_num_queries(len(captured)):
        meeting_reminders.action_item_reminders_plan(items=[six])
    assert Reminder.objects.filter(subject_id=six.pk, status="pending").count() == 12
    assert Reminder.objects.filter(subject_id=six.pk, status="cancelled").count() == 12
