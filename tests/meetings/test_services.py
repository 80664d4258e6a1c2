import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import Forbidden, NotFound
from core.models import AuditEntry
from meetings import services
from meetings.choices import InvitationStatus, MeetingKind, MeetingStatus, RegistrationStatus
from meetings.models import AgendaItem, Invitation, Meeting, Registration
from members.choices import Capacity, MemberStatus
from tests.factories import DelegateFactory, MemberFactory
from tests.meetings.conftest import pdf, text_file

pytestmark = pytest.mark.django_db

# Scheduling and status ---------------------------------------------------------------------


def test_meeting_schedule_defaults_chair_to_chair_on_the_venue_date(som, korea):
    assert som.chaired_by == korea
    assert som.in_rotation_gap is False
    assert som.ics_sequence == 0


def test_meeting_schedule_in_rotation_gap_is_flagged(system_actor, korea_chair):
    meeting = services.meeting_schedule(
        actor=system_actor,
        kind=MeetingKind.WORKING_GROUP,
        title="After the term",
        virtual_link="https://meet.example.org/x",
        starts_at=datetime.datetime(2027, 7, 2, 12, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 7, 2, 14, tzinfo=datetime.UTC),
    )
    assert meeting.chaired_by is None
    assert meeting.in_rotation_gap is True


def test_meeting_chair_uses_the_venue_date_not_utc(system_actor, korea_chair):
    # 30 June 2027 16:00 UTC is already 1 July in Seoul: the day after Korea's term.
    meeting = services.meeting_schedule(
        actor=system_actor,
        kind=MeetingKind.SOM,
        title="Late",
        venue_name="Seoul",
        venue_time_zone="Asia/Seoul",
        starts_at=datetime.datetime(2027, 6, 30, 16, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 6, 30, 18, tzinfo=datetime.UTC),
    )
    assert meeting.in_rotation_gap is True


@pytest.mark.parametrize(
    ("start", "moves", "wanted", "message"),
    [
        (
            "draft",
            [],
            "held",
            "A meeting cannot go from draft to held; from here it can become: announced, cancelled.",
        ),
        (
            "announced",
            ["confirmed", "held"],
            "announced",
            "A meeting cannot go from held to announced; this status is final.",
        ),
        (
            "announced",
            ["cancelled"],
            "confirmed",
            "A meeting cannot go from cancelled to confirmed; this status is final.",
        ),
        (
            "announced",
            [],
            "announced",
            "A meeting cannot go from announced to announced; from here it can become: cancelled, confirmed.",
        ),
    ],
)
def test_meeting_status_illegal_moves_are_refused(system_actor, korea_chair, start, moves, wanted, message):
    meeting = services.meeting_schedule(
        actor=system_actor,
        status=start,
        kind=MeetingKind.SOM,
        title="M",
        venue_name="Seoul",
        starts_at=datetime.datetime(2027, 3, 1, 1, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2027, 3, 1, 2, tzinfo=datetime.UTC),
    )
    for status in moves:
        meeting = services.meeting_status_change(actor=system_actor, meeting=meeting, status=status)
    before = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(ValidationError) as caught:
        services.meeting_status_change(actor=system_actor, meeting=meeting, status=wanted)
    assert caught.value.message_dict == {"status": [message]}
    after = Meeting.objects.get(pk=meeting.pk)
    assert (after.status, after.ics_sequence) == (before.status, before.ics_sequence)


def test_meeting_status_legal_path_raises_sequence_each_time(system_actor, som):
    for status in ("confirmed", "held"):
        som = services.meeting_status_change(actor=system_actor, meeting=som, status=status)
    assert som.status == MeetingStatus.HELD
    assert som.ics_sequence == 2


def test_meeting_update_raises_sequence_only_for_calendar_fields(system_actor, som, korea):
    som = services.meeting_update(actor=system_actor, meeting=som, margins_of="PDAC")
    assert som.ics_sequence == 0
    som = services.meeting_update(actor=system_actor, meeting=som, title="SOM 1 (moved)")
    assert som.ics_sequence == 1
    som = services.meeting_update(actor=system_actor, meeting=som, title="SOM 1 (moved)")
    assert som.ics_sequence == 1


def test_meeting_end_before_start_is_refused(system_actor):
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(
            actor=system_actor,
            kind=MeetingKind.SOM,
            title="Backwards",
            venue_name="X",
            starts_at=datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC),
        )
    assert caught.value.message_dict["ends_at"] == ["A meeting must end after it starts."]
    assert Meeting.objects.count() == 0


def test_meeting_bad_time_zone_is_refused(system_actor):
    with pytest.raises(ValidationError) as caught:
        services.meeting_schedule(
            actor=system_actor,
            kind=MeetingKind.SOM,
            title="Nowhere",
            venue_name="X",
            venue_time_zone="Mars/Olympus",
            starts_at=datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC),
        )
    assert caught.value.message_dict == {
        "venue_time_zone": ["“Mars/Olympus” is not an IANA time zone (for example Asia/Seoul)."]
    }


def test_delegation_cannot_schedule(korea_actor):
    with pytest.raises(Forbidden):
        services.meeting_schedule(actor=korea_actor, kind=MeetingKind.SOM, title="x")


# Invitations -------------------------------------------------------------------------------


def test_invitations_send_skips_members_already_invited(system_actor, som, korea, japan):
    first = services.invitations_send(actor=system_actor, meeting=som, members=[korea])
    second = services.invitations_send(actor=system_actor, meeting=som, members=[korea, japan])
    assert [inv.member.iso2 for inv in first] == ["KR"]
    assert [inv.member.iso2 for inv in second] == ["JP"]
    assert Invitation.objects.filter(meeting=som).count() == 2


def test_invitations_send_all_members_leaves_out_withdrawn_and_suspended(system_actor, som, korea):
    MemberFactory(iso2="XA", status=MemberStatus.WITHDRAWN)
    MemberFactory(iso2="XB", status=MemberStatus.SUSPENDED)
    MemberFactory(iso2="XC", status=MemberStatus.OBSERVER)
    created = services.invitations_send(actor=system_actor, meeting=som, all_members=True)
    assert sorted(inv.member.iso2 for inv in created) == ["KR", "XC"]


def test_invitations_send_by_status(system_actor, som, korea):
    MemberFactory(iso2="XA", status=MemberStatus.MEMBER)
    created = services.invitations_send(
        actor=system_actor, meeting=som, member_statuses=[MemberStatus.MEMBER]
    )
    assert [inv.member.iso2 for inv in created] == ["XA"]


def test_invitation_is_unique_per_meeting_and_member_in_the_database(invited, som, korea):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(meeting=som, member=korea)


def test_invitation_answer_by_delegation_and_on_behalf_is_recorded(invited, korea_actor, system_actor):
    answered = services.invitation_answer(actor=korea_actor, invitation=invited["KR"], status="accepted")
    assert (answered.status, answered.answered_by_label, answered.answered_on_behalf) == (
        "accepted",
        "korea",
        False,
    )
    assert answered.answered_by_user_id == korea_actor.user_id
    on_behalf = services.invitation_answer(actor=system_actor, invitation=invited["JP"], status="declined")
    assert (on_behalf.answered_by_label, on_behalf.answered_on_behalf) == ("tests", True)


def test_invitation_answer_for_another_member_is_not_found(invited, japan_actor):
    with pytest.raises(NotFound):
        services.invitation_answer(actor=japan_actor, invitation=invited["KR"], status="accepted")
    assert Invitation.objects.get(pk=invited["KR"].pk).status == InvitationStatus.PENDING


def test_credentials_must_be_a_real_pdf(invited, korea_actor):
    for upload, message in [
        (pdf(name="letter.docx"), "This type of file is not accepted here; upload PDF."),
        (pdf(content=b"GIF89a not a pdf"), "The file's content is not PDF."),
        (pdf(content_type="image/png"), "The file says it is image/png, not PDF."),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.invitation_credentials_upload(actor=korea_actor, invitation=invited["KR"], file=upload)
        assert caught.value.message_dict == {"credentials": [message]}
    assert not Invitation.objects.get(pk=invited["KR"].pk).credentials


def test_credentials_over_the_size_limit_are_refused(invited, korea_actor, settings):
    settings.FORGE_MAX_UPLOAD_BYTES = 20
    with pytest.raises(ValidationError) as caught:
        services.invitation_credentials_upload(actor=korea_actor, invitation=invited["KR"], file=pdf())
    assert list(caught.value.message_dict) == ["credentials"]


# Registrations --------------------------------------------------------------------------------


@pytest.fixture
def korean_delegates(korea):
    return [DelegateFactory(member=korea, full_name=f"Person {n}") for n in range(4)]


def test_registration_quota_is_enforced(invited, korea_actor, korean_delegates, system_actor):
    invitation = services.invitation_answer(actor=korea_actor, invitation=invited["KR"], status="accepted")
    invitation = services.invitation_update(actor=system_actor, invitation=invitation, seats_quota=2)
    for delegate in korean_delegates[:2]:
        services.registration_add(actor=korea_actor, invitation=invitation, delegate=delegate)
    with pytest.raises(ValidationError) as caught:
        services.registration_add(actor=korea_actor, invitation=invitation, delegate=korean_delegates[2])
    assert caught.value.message_dict == {
        "delegate": ["All 2 seats of this delegation are taken; withdraw or substitute someone."]
    }
    assert Registration.objects.filter(status="active").count() == 2


def test_registration_needs_an_accepted_invitation(invited, korea_actor, korean_delegates):
    with pytest.raises(ValidationError) as caught:
        services.registration_add(actor=korea_actor, invitation=invited["KR"], delegate=korean_delegates[0])
    assert caught.value.message_dict == {
        "invitation": ["Accept the invitation before registering delegates."]
    }


def test_registration_of_another_members_delegate_is_refused(invited, korea_actor, japan):
    invitation = services.invitation_answer(actor=korea_actor, invitation=invited["KR"], status="accepted")
    stranger = DelegateFactory(member=japan)
    with pytest.raises(ValidationError) as caught:
        services.registration_add(actor=korea_actor, invitation=invitation, delegate=stranger)
    assert caught.value.message_dict == {"delegate": ["Choose a person from Republic of Korea's delegation."]}


def test_registration_for_another_member_is_not_found(invited, japan_actor, korean_delegates, system_actor):
    invitation = services.invitation_answer(actor=system_actor, invitation=invited["KR"], status="accepted")
    with pytest.raises(NotFound):
        services.registration_add(actor=japan_actor, invitation=invitation, delegate=korean_delegates[0])


def test_substitution_keeps_the_replaced_registration(invited, korea_actor, korean_delegates):
    invitation = services.invitation_answer(actor=korea_actor, invitation=invited["KR"], status="accepted")
    first = services.registration_add(
        actor=korea_actor, invitation=invitation, delegate=korean_delegates[0], capacity=Capacity.HEAD
    )
    substitute = services.registration_substitute(
        actor=korea_actor, registration=first, delegate=korean_delegates[1]
    )
    first.refresh_from_db()
    assert (first.status, first.replaced_by_id) == (RegistrationStatus.REPLACED, substitute.pk)
    assert (substitute.status, substitute.capacity) == (RegistrationStatus.ACTIVE, Capacity.HEAD)
    assert AuditEntry.objects.filter(action="substitute", object_id=str(first.pk)).count() == 1


def test_declining_withdraws_active_registrations(invited, korea_actor, korean_delegates):
    invitation = services.invitation_answer(actor=korea_actor, invitation=invited["KR"], status="accepted")
    registration = services.registration_add(
        actor=korea_actor, invitation=invitation, delegate=korean_delegates[0]
    )
    services.invitation_answer(actor=korea_actor, invitation=invitation, status="declined")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WITHDRAWN


# Agenda ----------------------------------------------------------------------------------


def test_agenda_reorder_swaps_positions_under_the_unique_constraint(system_actor, som):
    items = [
        services.agenda_item_create(actor=system_actor, meeting=som, title=f"Item {n}") for n in range(3)
    ]
    order = [items[2].pk, items[0].pk, items[1].pk]
    services.agenda_reorder(actor=system_actor, meeting=som, order=order)
    assert list(
        AgendaItem.objects.filter(meeting=som).order_by("position").values_list("title", "position")
    ) == [
        ("Item 2", 1),
        ("Item 0", 2),
        ("Item 1", 3),
    ]
    entry = AuditEntry.objects.get(action="agenda_reorder")
    assert entry.changes == {"agenda": [[items[0].pk, items[1].pk, items[2].pk], order]}


def test_agenda_reorder_needs_every_item_once(system_actor, som):
    items = [
        services.agenda_item_create(actor=system_actor, meeting=som, title=f"Item {n}") for n in range(2)
    ]
    with pytest.raises(ValidationError) as caught:
        services.agenda_reorder(actor=system_actor, meeting=som, order=[items[0].pk, items[0].pk])
    assert caught.value.message_dict == {"order": ["List every agenda item of this meeting exactly once."]}


def test_agenda_item_delete_closes_the_gap(system_actor, som):
    items = [
        services.agenda_item_create(actor=system_actor, meeting=som, title=f"Item {n}") for n in range(3)
    ]
    services.agenda_item_delete(actor=system_actor, item=items[0])
    assert list(AgendaItem.objects.order_by("position").values_list("title", "position")) == [
        ("Item 1", 1),
        ("Item 2", 2),
    ]


# Documents ---------------------------------------------------------------------------------


def test_document_versions_are_numbered_and_hashed(system_actor, som):
    document = services.document_upload(actor=system_actor, meeting=som, title="Notes", file=text_file())
    version = services.document_version_upload(
        actor=system_actor, document=document, file=text_file(content=b"Second\n")
    )
    assert version.number == 2
    assert version.size == 7
    assert version.sha256 == hashlib.sha256(b"Second\n").hexdigest()
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]


def test_document_of_wrong_type_changes_nothing(system_actor, som):
    with pytest.raises(ValidationError) as caught:
        services.document_upload(
            actor=system_actor, meeting=som, title="Exe", file=text_file(name="tool.exe", content=b"MZ")
        )
    assert list(caught.value.message_dict) == ["file"]
    assert som.documents.count() == 0


def test_docx_must_be_an_office_archive(system_actor, som):
    fake = text_file(name="x.docx", content=b"PK\x03\x04 not really", content_type="")
    with pytest.raises(ValidationError) as caught:
        services.document_upload(actor=system_actor, meeting=som, title="Fake", file=fake)
    assert caught.value.message_dict == {"file": ["The file's content is not Word (DOCX)."]}
