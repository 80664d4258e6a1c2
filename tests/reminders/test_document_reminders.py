"""Notices of documents published for a meeting, to those who may read them."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Confidentiality
from core.reminders import services as engine
from core.reminders.models import Notification, Reminder
from meetings import services
from meetings.choices import MeetingKind, MeetingStatus
from meetings.models import DocumentVersion
from meetings.reminders import DOCUMENT, document_published_plan
from members.choices import Capacity
from tests.factories import DelegateFactory, MemberFactory

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def send_due(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return engine.reminder_dispatch(
                enqueue=lambda ids: [engine.reminder_send(reminder_id=pk) for pk in ids]
            )

    return run


def _file(name="notes.txt"):
    return SimpleUploadedFile(name, b"Some notes\n", content_type="text/plain")


def _meeting(actor, *, status=MeetingStatus.ANNOUNCED, **fields):
    return services.meeting_schedule(
        actor=actor,
        status=status,
        kind=MeetingKind.SOM,
        title="SOM Seoul",
        venue_name="Seoul",
        venue_time_zone="Asia/Seoul",
        starts_at=datetime.datetime(2027, 3, 10, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 3, 10, 8, tzinfo=UTC),
        **fields,
    )


@pytest.fixture
def delegations(db, korea, japan):
    """Korea, Japan and Belgium, each with one focal point (and Korea an ordinary delegate)."""
    belgium = MemberFactory(iso2="BE", name="Belgium", capital_time_zone="Europe/Brussels")
    for member in (korea, japan, belgium):
        DelegateFactory(
            member=member, capacity=Capacity.FOCAL_POINT, email=f"fp@{member.iso2.lower()}.example.org"
        )
    DelegateFactory(member=korea, capacity=Capacity.DELEGATE, email="d@kr.example.org")
    return {"KR": korea, "JP": japan, "BE": belgium}


def _notices():
    return sorted(
        Reminder.objects.filter(kind=DOCUMENT).values_list(
            "subject_id", "recipient_email", "recipient_time_zone", "occurrence", "status"
        )
    )


def test_document_members_level_tells_invited_members_once_per_version(
    db, secretariat_actor, delegations, send_due
):
    meeting = _meeting(secretariat_actor)
    services.invitations_send(
        actor=secretariat_actor, meeting=meeting, members=[delegations["KR"], delegations["JP"]]
    )
    document = services.document_upload(actor=secretariat_actor, meeting=meeting, title="Notes", file=_file())
    first = document.versions.get()
    # Belgium is not invited, Korea's ordinary delegate is no focal point.
    assert _notices() == [
        (first.pk, "fp@jp.example.org", "Asia/Tokyo", "published", "pending"),
        (first.pk, "fp@kr.example.org", "Asia/Seoul", "published", "pending"),
    ]
    assert set(Reminder.objects.filter(kind=DOCUMENT).values_list("due_at", flat=True)) == {first.uploaded_at}
    second = services.document_version_upload(
        actor=secretariat_actor, document=document, file=_file("v2.txt")
    )
    assert [row[:2] for row in _notices()] == [
        (first.pk, "fp@jp.example.org"),
        (first.pk, "fp@kr.example.org"),
        (second.pk, "fp@jp.example.org"),
        (second.pk, "fp@kr.example.org"),
    ]
    # Both are due; the first version's notices are stale (the second's say it all).
    assert send_due() == 6  # with the two invitations
    assert [row[4] for row in _notices()] == ["cancelled", "cancelled", "sent", "sent"]
    sent = [message for message in mail.outbox if "Notes" in message.subject]
    assert sorted(message.to[0] for message in sent) == ["fp@jp.example.org", "fp@kr.example.org"]
    message = sent[0]
    assert message.subject == "New version of Notes (SOM Seoul)"
    assert "A new version (version 2) of a document has been published for SOM Seoul." in message.body
    assert "File: v2.txt\nAccess: All delegations\n" in message.body
    assert f"/meetings/documents/{document.pk}/" in message.body
    assert "You can turn this kind of reminder off" in message.body
    # Planning the same version again makes nothing new.
    assert document_published_plan(version=second) == 0


def test_document_restricted_tells_named_members_who_see_the_meeting(db, secretariat_actor, delegations):
    kr, jp, be = delegations["KR"], delegations["JP"], delegations["BE"]
    # A restricted meeting: Korea named, Japan invited; Belgium sees nothing of it.
    meeting = _meeting(secretariat_actor, confidentiality=Confidentiality.RESTRICTED, restricted_to=[kr])
    services.invitations_send(actor=secretariat_actor, meeting=meeting, members=[jp])
    restricted = services.document_upload(
        actor=secretariat_actor,
        meeting=meeting,
        title="Annex",
        file=_file(),
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[kr, be],
    )
    # Japan is invited but not named; Belgium is named but may not see the meeting.
    assert [row[1] for row in _notices()] == ["fp@kr.example.org"]
    assert Reminder.objects.get(kind=DOCUMENT).recipient_member_id == kr.pk
    public = services.document_upload(
        actor=secretariat_actor,
        meeting=meeting,
        title="Press",
        file=_file(),
        confidentiality=Confidentiality.PUBLIC,
    )
    # Public: the invited members only (Korea, named on the meeting, is not invited).
    version = public.versions.get()
    assert [row[1] for row in _notices() if row[0] == version.pk] == ["fp@jp.example.org"]
    assert restricted.pk != public.pk


def test_document_secretariat_only_tells_secretariat_but_not_the_uploader(
    db, settings, secretariat_actor, staff_user, delegations
):
    settings.FORGE_SECRETARIAT_TIME_ZONE = "Europe/Brussels"
    meeting = _meeting(secretariat_actor)
    services.invitations_send(actor=secretariat_actor, meeting=meeting, members=[delegations["KR"]])
    document = services.document_upload(
        actor=secretariat_actor,
        meeting=meeting,
        title="Briefing",
        file=_file(),
        confidentiality=Confidentiality.SECRETARIAT,
    )
    version = document.versions.get()
    assert _notices() == [(version.pk, "staff@example.org", "Europe/Brussels", "published", "pending")]
    assert Reminder.objects.get(kind=DOCUMENT).recipient_user_id == staff_user.pk


def test_document_on_draft_meeting_or_refused_upload_tells_nobody(db, secretariat_actor, delegations):
    meeting = _meeting(secretariat_actor, status=MeetingStatus.DRAFT)
    services.invitations_send(actor=secretariat_actor, meeting=meeting, members=[delegations["KR"]])
    services.document_upload(actor=secretariat_actor, meeting=meeting, title="Draft", file=_file())
    # Delegations do not see a draft meeting, so nobody may read its documents yet.
    assert _notices() == []
    announced = _meeting(secretariat_actor)
    services.invitations_send(actor=secretariat_actor, meeting=announced, members=[delegations["KR"]])
    with pytest.raises(ValidationError):
        services.document_upload(
            actor=secretariat_actor, meeting=announced, title="Bad", file=_file("tool.exe")
        )
    assert _notices() == []


def test_document_notice_checked_again_at_send_time(
    db, secretariat_actor, korea_user, korea_actor, delegations, send_due
):
    kr, jp = delegations["KR"], delegations["JP"]
    # A second Korean focal point with an account, who opted out of these notices.
    DelegateFactory(member=kr, capacity=Capacity.FOCAL_POINT, email="kim@kr.example.org", user=korea_user)
    assert engine.preferences_set(actor=korea_actor, opted_out=[DOCUMENT]) == [DOCUMENT]
    meeting = _meeting(secretariat_actor)
    services.invitations_send(actor=secretariat_actor, meeting=meeting, members=[kr, jp])
    document = services.document_upload(
        actor=secretariat_actor,
        meeting=meeting,
        title="Annex",
        file=_file(),
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[kr, jp],
    )
    assert [row[1] for row in _notices()] == ["fp@jp.example.org", "fp@kr.example.org", "kim@kr.example.org"]
    # Japan is taken off the document before the notice goes out.
    services.document_update(actor=secretariat_actor, document=document, restricted_to=[kr])
    assert send_due() == 6  # with the three invitation notices (two Korean focal points)
    outcome = dict(Reminder.objects.filter(kind=DOCUMENT).values_list("recipient_email", "last_error"))
    assert outcome == {
        "fp@jp.example.org": "No longer relevant when it came to be sent.",
        "fp@kr.example.org": "",
        "kim@kr.example.org": "The recipient opted out of this kind of email.",
    }
    sent = [message for message in mail.outbox if "Annex" in message.subject]
    assert [message.to for message in sent] == [["fp@kr.example.org"]]
    assert sent[0].subject == "New document: Annex (SOM Seoul)"
    # The opted-out user still gets the in-app notice.
    assert list(
        Notification.objects.filter(user=korea_user, kind=DOCUMENT).values_list("title", flat=True)
    ) == ["New document: Annex (SOM Seoul)"]


def test_document_plan_queries_constant_in_recipients(
    db, secretariat_actor, system_actor, django_assert_num_queries
):
    few = [MemberFactory(iso2="AA")]
    many = [MemberFactory(iso2=code) for code in ("BA", "BB", "BC", "BD")]
    for member in few + many:
        for _ in range(1 if member in few else 2):
            DelegateFactory(member=member, capacity=Capacity.FOCAL_POINT)
    versions = []
    for members in (few, few, many):
        meeting = _meeting(system_actor)
        services.invitations_send(actor=system_actor, meeting=meeting, members=members)
        document = services.document_upload(actor=system_actor, meeting=meeting, title="Notes", file=_file())
        versions.append(DocumentVersion.objects.select_related("document").get(document=document))
    Reminder.objects.filter(kind=DOCUMENT).delete()
    now = timezone.now()
    document_published_plan(version=versions[0], now=now)
    # Invited members, visibility (one EXISTS each), focal points; the engine's four writes.
    with django_assert_num_queries(7) as captured:
        assert document_published_plan(version=versions[1], now=now) == 1
    with django_assert_num_queries(len(captured)):
        assert document_published_plan(version=versions[2], now=now) == 8
