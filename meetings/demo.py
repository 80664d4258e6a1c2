"""Example meetings so a newcomer sees a populated list and calendar on whatever day it loads.

All of it is invented and labelled "(example)" in titles and descriptions. Dates are placed
relative to the day of loading (`when_or_stage` is `today-75`, `today+12` or `this month`):
some meetings are past and held, one falls in the current month, some are ahead and still
wait for answers, so the calendar, the RSVP grid and a delegation's home all have something
to show. Loading is idempotent: meetings are found by title, and a second run changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import zoneinfo
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.actors import Actor
from core.choices import Confidentiality
from meetings import services
from meetings.choices import InvitationStatus, MeetingKind, MeetingStatus, OutcomeKind
from meetings.models import Meeting
from members.models import Delegate, Member

DATA = Path(__file__).resolve().parent / "data" / "demo_examples.csv"
KINDS = [
    ("Senior Officials", MeetingKind.SOM),
    ("Working Group", MeetingKind.WORKING_GROUP),
    ("Deep-Dive", MeetingKind.DEEP_DIVE),
    ("Finance Network", MeetingKind.FINANCE_NETWORK),
    ("Principals", MeetingKind.PRINCIPALS),
    ("Ministerial", MeetingKind.MINISTERIAL),
]
# A few answers so the RSVP grids are not empty. Meetings ahead (after this month's) keep
# Korea's invitation pending, so the demo delegation has invitations to answer.
ANSWERS = {
    "KR": InvitationStatus.ACCEPTED,
    "US": InvitationStatus.ACCEPTED,
    "JP": InvitationStatus.TENTATIVE,
    "DE": InvitationStatus.DECLINED,
}
UPCOMING_TITLE = "FORGE Senior Officials' Meeting 2 (example)"


def _kind(title: str) -> str:
    return next((kind for word, kind in KINDS if word in title), MeetingKind.WORKING_GROUP)


def _rows() -> list[dict[str, str]]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["record"] == "meeting"]


def _day(spec: str, today: datetime.date) -> datetime.date:
    """`today-75`, `today+12` or `this month` (a week from today, or a week back when that
    would leave the month) -> a date."""
    if spec == "this month":
        ahead = today + datetime.timedelta(days=7)
        return ahead if ahead.month == today.month else today - datetime.timedelta(days=7)
    return today + datetime.timedelta(days=int(spec.removeprefix("today")))


def _times(day: datetime.date, place: str) -> dict:
    if place == "virtual":
        start = datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=datetime.UTC)
        return {
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2),
            "venue_time_zone": "UTC",
            "virtual_link": "https://meet.example.org/forge-example",
        }
    city, zone = place.split(" (")
    zone = zone.rstrip(")")
    tz = zoneinfo.ZoneInfo(zone)
    return {
        "starts_at": datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=tz),
        "ends_at": datetime.datetime.combine(day, datetime.time(17, 30), tzinfo=tz),
        "venue_time_zone": zone,
        "venue_name": f"{city} (example venue)",
    }


def _advance(meeting: Meeting, *, actor: Actor, to_held: bool) -> None:
    path = [MeetingStatus.CONFIRMED, MeetingStatus.HELD] if to_held else [MeetingStatus.CONFIRMED]
    for status in path:
        meeting = services.meeting_status_change(actor=actor, meeting=meeting, status=status)


def _invite_and_answer(
    meeting: Meeting, *, actor: Actor, members: dict[str, Member], korea_answers: bool
) -> None:
    services.invitations_send(actor=actor, meeting=meeting, all_members=True)
    answering = [code for code in ANSWERS if korea_answers or code != "KR"]
    for invitation in meeting.invitations.filter(member__iso2__in=answering).select_related("member"):
        services.invitation_answer(actor=actor, invitation=invitation, status=ANSWERS[invitation.member.iso2])
    korea = meeting.invitations.filter(member__iso2="KR", status=InvitationStatus.ACCEPTED).first()
    if korea:
        for delegate in Delegate.objects.filter(member__iso2="KR").order_by("pk")[:2]:
            services.registration_add(actor=actor, invitation=korea, delegate=delegate)


def _schedule(
    *, actor: Actor, title: str, day: datetime.date, place: str, detail: str, members, today: datetime.date
) -> Meeting:
    times = _times(day, place)
    # Answers are due a week before; meetings further ahead than this month wait for Korea's.
    ahead = day > today and (day.year, day.month) != (today.year, today.month)
    meeting = services.meeting_schedule(
        actor=actor,
        status=MeetingStatus.ANNOUNCED,
        kind=_kind(title),
        title=title,
        description=f"(example) An invented meeting for the demo data: {detail}.",
        confidentiality=Confidentiality.MEMBERS,
        host=members.get("KR") if "Seoul" in place else None,
        rsvp_deadline=times["starts_at"] - datetime.timedelta(days=7) if day > today else None,
        **times,
    )
    _invite_and_answer(meeting, actor=actor, members=members, korea_answers=not ahead)
    return meeting


def _extras(meeting: Meeting, *, actor: Actor, members) -> None:
    """An agenda, a document and an outcome on the first example, to show every section."""
    note = SimpleUploadedFile(
        "chair-summary-example.txt",
        b"Chair's summary (example). Invented text for the demo data set.\n",
        content_type="text/plain",
    )
    document = services.document_upload(
        actor=actor, meeting=meeting, title="Chair's summary (example)", file=note
    )
    for title, minutes, presenter in [
        ("Opening and adoption of the agenda (example)", 15, "KR"),
        ("Project pipeline review (example)", 90, "US"),
        ("Recycling cooperation (example)", 60, "EU"),
    ]:
        services.agenda_item_create(
            actor=actor,
            meeting=meeting,
            title=title,
            duration_minutes=minutes,
            presenter=members.get(presenter),
        )
    outcome = services.outcome_create(
        actor=actor,
        meeting=meeting,
        kind=OutcomeKind.CHAIR_SUMMARY,
        title="Chair's summary (example)",
        text="Invented for the demo data set.",
        adopted_on=timezone.localtime(meeting.starts_at, meeting.tz).date(),
        document=document,
    )
    services.action_item_create(
        actor=actor,
        meeting=meeting,
        outcome=outcome,
        owner=members["KR"],
        description="Circulate the project shortlist (example).",
        due_on=meeting.starts_at.date() + datetime.timedelta(days=30),
    )


def load(*, actor: Actor, stdout) -> None:
    members = {member.iso2: member for member in Member.objects.all()}
    existing = set(Meeting.objects.values_list("title", flat=True))
    today = timezone.localdate()
    created = 0
    for index, row in enumerate(_rows()):
        if row["title"] in existing:
            continue
        day = _day(row["when_or_stage"], today)
        meeting = _schedule(
            actor=actor,
            title=row["title"],
            day=day,
            place=row["place_or_host"],
            detail=row["detail"],
            members=members,
            today=today,
        )
        _advance(meeting, actor=actor, to_held=day < today)
        if index == 0:
            _extras(meeting, actor=actor, members=members)
        created += 1
    if UPCOMING_TITLE not in existing:
        _schedule(
            actor=actor,
            title=UPCOMING_TITLE,
            day=today + datetime.timedelta(days=21),
            place="Brussels (Europe/Brussels)",
            detail="chair to be confirmed; outcome: work plan",
            members=members,
            today=today,
        )
        created += 1
    stdout.write(f"meetings: {created} example meeting(s) created")
