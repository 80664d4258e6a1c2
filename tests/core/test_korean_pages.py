"""Every page a user reaches, asked for in Korean, holds no interface text left in English.

tests/korean.py reads the text a person sees or hears on the page (and the attributes a screen
reader announces); the data on the page (titles and names as entered) is skipped. A page, a
partial or a form label that comes back in English fails here with the words that did."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from core.reminders.choices import ReminderStatus, RunKind
from core.reminders.models import DispatcherRun, Notification, Reminder, SentMail
from core.webhooks.choices import AttemptOutcome, DeliveryStatus
from core.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from decisions import services as decision_services
from decisions.choices import DecisionKind
from meetings.choices import InvitationStatus
from meetings.models import Meeting
from meetings.reminders import INVITATION
from members.choices import Capacity, TokenScope
from members.services import partner_token_create
from projects.choices import Segment
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ChairTermFactory,
    DelegateFactory,
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MilestoneFactory,
    MineralFactory,
    OutcomeFactory,
    ParticipantFactory,
    RegistrationFactory,
)
from tests.korean import english_left

NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
# Data as entered: it stays as it is in Korean.
DATA = (
    "Republic of Korea",
    "Japan",
    "Lithium",
    "lithium",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Cobalt",
    "Jeju lithium refinery",
    "Financial close",
    "Offtake signed",
    "SOM 9 (Seoul)",
    "Opening session",
    "Venue",
    "Seoul statement",
    "Share the data",
    "Kim Min-jun",
    "Lee Seo-yeon",
    "Statement on lithium supply",
    "The members welcome the report.",
    "Partner system",
    "Drafted",  # a decision's first move, noted in the language of the one who drafted it
    "(secretariat)",  # who moved it, by user name
)
# The signed-in user's name in the header, and the search box's example of a word's start.
USER_NAMES = ("secretariat", "korea")
TYPED = ("lith",)

SECRETARIAT_PAGES = (
    "/",
    "/projects/",
    "/projects/?stage=zz9",
    "/projects/coverage/",
    "/projects/coverage/?all=1",
    "/projects/minerals/",
    "/projects/{project}/",
    "/projects/new/",
    "/projects/{project}/edit/",
    "/projects/{project}/stage/",
    "/projects/{project}/participants/new/",
    "/projects/{project}/milestones/new/",
    "/projects/{project}/commitments/new/",
    "/meetings/feeds/",
    "/meetings/new/",
    "/meetings/{meeting}/edit/",
    "/meetings/{meeting}/invite/",
    "/meetings/{meeting}/agenda/new/",
    "/meetings/{meeting}/documents/new/",
    "/meetings/{meeting}/outcomes/new/",
    "/meetings/{meeting}/actions/new/",
    "/members/chair/new/",
    "/members/KR/delegates/new/",
    "/meetings/",
    "/meetings/calendar/",
    "/meetings/slots/",
    "/meetings/{meeting}/",
    "/meetings/{meeting}/rsvp/",
    "/meetings/{meeting}/participants/",
    "/members/",
    "/members/KR/",
    "/members/chair/",
    "/members/profile/",
    "/reminders/",
    "/reminders/outbox/",
    "/reminders/notifications/",
    "/reminders/preferences/",
    "/webhooks/",
    "/decisions/",
    "/decisions/positions/",
    "/decisions/positions/KR/",
    "/decisions/new/",
    "/markets/",
    "/markets/concentration/",
    "/markets/calculator/",
    "/markets/import/",
    "/markets/products/new/",
    "/search/?q=lithium",
    "/reminders/{reminder}/",
    "/reminders/outbox/{mail}/",
    "/webhooks/{subscription}/",
    "/webhooks/deliveries/{delivery}/",
    "/decisions/{decision}/",
    "/decisions/{decision}/edit/",
    "/decisions/{decision}/procedure/",
    "/members/delegates/{delegate}/edit/",
)
DELEGATION_PAGES = (
    "/",
    "/projects/",
    "/projects/coverage/",
    "/projects/{project}/",
    "/projects/{project}/updates/new/",
    "/meetings/feeds/",
    "/meetings/invitations/{invitation}/",
    "/meetings/",
    "/meetings/calendar/",
    "/meetings/{meeting}/",
    "/members/",
    "/members/KR/",
    "/members/chair/",
    "/members/profile/",
    "/reminders/notifications/",
    "/reminders/preferences/",
    "/decisions/",
    "/decisions/positions/",
    "/markets/",
    "/search/?q=lithium",
)


@pytest.fixture
def world(korea, japan, korea_user, secretariat_actor, system_actor):
    ids = _projects_and_meetings(korea, japan)
    ids.update(_members(korea, korea_user))
    ids.update(_mail(korea, korea_user))
    ids.update(_webhooks(korea, system_actor))
    ids["decision"] = decision_services.decision_create(
        actor=secretariat_actor,
        now=NOW,
        title="Statement on lithium supply",
        kind=DecisionKind.JOINT_STATEMENT,
        text="The members welcome the report.",
    ).pk
    return ids


def _projects_and_meetings(korea, japan) -> dict:
    lithium = MineralFactory(name="Lithium", slug="lithium", crma_strategic=True)
    MineralFactory(name="Cobalt", slug="cobalt", crma_strategic=True, crma_critical=True)
    project = JointProjectFactory(
        title="Jeju lithium refinery", lead_member=korea, minerals=[lithium], segment=Segment.EXTRACTION
    )
    ParticipantFactory(project=project, member=japan)
    milestone = MilestoneFactory(project=project, title="Financial close", due_on=datetime.date(2026, 10, 1))
    MilestoneFactory(
        project=project,
        title="Offtake signed",
        due_on=datetime.date(2026, 9, 1),
        done_on=datetime.date(2026, 9, 1),
    )
    FundingCommitmentFactory(project=project, member=korea)
    meeting = MeetingFactory(title="SOM 9 (Seoul)")
    AgendaItemFactory(meeting=meeting, title="Opening session")
    OutcomeFactory(meeting=meeting, title="Seoul statement", adopted_on=datetime.date(2026, 11, 2))
    ActionItemFactory(
        meeting=meeting, owner=korea, description="Share the data", due_on=datetime.date(2026, 11, 1)
    )
    invitation = InvitationFactory(
        meeting=meeting, member=korea, status=InvitationStatus.ACCEPTED, answered_at=NOW
    )
    RegistrationFactory(
        invitation=invitation, delegate=DelegateFactory(member=korea, full_name="Kim Min-jun")
    )
    InvitationFactory(meeting=meeting, member=japan, status=InvitationStatus.DECLINED, answered_at=NOW)
    return {
        "project": project.pk,
        "meeting": meeting.pk,
        "invitation": invitation.pk,
        "milestone": milestone.pk,
    }


def _members(korea, korea_user) -> dict:
    ChairTermFactory(member=korea, starts_on=datetime.date(2026, 2, 4), ends_on=datetime.date(2026, 12, 31))
    focal = DelegateFactory(
        member=korea, full_name="Lee Seo-yeon", capacity=Capacity.FOCAL_POINT, email="lee@korea.example"
    )
    return {"delegate": focal.pk}


def _mail(korea, korea_user) -> dict:
    """A reminder sent (with its mail and notice), one that failed, and a dispatcher run."""
    subject = {"subject_type": ContentType.objects.get_for_model(Meeting), "subject_id": 1}
    sent = Reminder.objects.create(
        kind=INVITATION,
        recipient_email="lee@korea.example",
        recipient_user=korea_user,
        occurrence="7d-before:2026-12-01",
        due_at=NOW,
        status=ReminderStatus.SENT,
        sent_at=NOW,
        message_id="<m1@forge.example>",
        **subject,
    )
    Reminder.objects.create(
        kind=INVITATION,
        recipient_email="kim@korea.example",
        occurrence="1d-before:2026-12-07",
        due_at=NOW,
        status=ReminderStatus.FAILED,
        attempts=3,
        **subject,
    )
    mail = SentMail.objects.create(
        reminder=sent,
        kind=INVITATION,
        to_email="lee@korea.example",
        subject="SOM 9 (Seoul)",
        body_text="SOM 9 (Seoul)",
        message_id="<m1@forge.example>",
        sent_at=NOW,
    )
    Notification.objects.create(user=korea_user, kind=INVITATION, title="SOM 9 (Seoul)", created_at=NOW)
    DispatcherRun.objects.create(kind=RunKind.DISPATCH, started_at=NOW, finished_at=NOW, count=2)
    return {"reminder": sent.pk, "mail": mail.pk}


def _webhooks(korea, system_actor) -> dict:
    """A subscription with a delivery that failed once and waits for its next attempt."""
    token, _ = partner_token_create(
        actor=system_actor, name="Partner system", scope=TokenScope.READ, member=korea
    )
    # Written straight to the table: the service would look the partner's host up in DNS.
    subscription = WebhookSubscription.objects.create(
        token=token, url="https://partner.example/hook", event_types=["delegates.*"], secret="s" * 32
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        change_seq=1,
        message_id="msg-1",
        event_type="delegates.upsert",
        resource="delegates",
        object_id=1,
        body="{}",
        status=DeliveryStatus.PENDING,
        attempt_count=1,
        next_attempt_at=NOW,
        created_at=NOW,
        last_status_code=500,
    )
    WebhookAttempt.objects.create(
        delivery=delivery, number=1, started_at=NOW, status_code=500, outcome=AttemptOutcome.RETRY
    )
    return {"subscription": subscription.pk, "delivery": delivery.pk}


def _english_on(client, path: str, status: int = 200) -> list[str]:
    client.cookies["django_language"] = "ko"
    with time_machine.travel(NOW, tick=False):
        response = client.get(path)
    assert response.status_code == status, path
    return english_left(response.content.decode(), DATA + TYPED, USER_NAMES)


def _assert_korean(client, path: str, status: int = 200):
    left = _english_on(client, path, status)
    assert left == [], f"{path} still says in English: {left}"


@pytest.mark.django_db
@pytest.mark.parametrize("page", SECRETARIAT_PAGES)
def test_secretariat_page_in_korean_has_no_english_left(secretariat_client, world, page):
    _assert_korean(secretariat_client, page.format(**world))


@pytest.mark.django_db
@pytest.mark.parametrize("page", DELEGATION_PAGES)
def test_delegation_page_in_korean_has_no_english_left(korea_client, world, page):
    _assert_korean(korea_client, page.format(**world))


@pytest.mark.django_db
def test_sign_in_and_error_pages_in_korean_have_no_english_left(client, korea_client, world):
    _assert_korean(client, "/login/")
    _assert_korean(korea_client, "/reminders/", status=403)
    _assert_korean(korea_client, "/meetings/999999/", status=404)


@pytest.mark.django_db
def test_confirmation_after_a_change_in_korean_has_no_english_left(korea_client, world):
    korea_client.cookies["django_language"] = "ko"
    with time_machine.travel(NOW, tick=False):
        response = korea_client.post(f"/projects/milestones/{world['milestone']}/done/", follow=True)
    page = response.content.decode()
    assert "“Financial close”을(를) 2026년 11월 30일에 완료로 표시했습니다." in page
    assert english_left(page, DATA + TYPED, USER_NAMES) == []


def test_english_left_finds_english_and_skips_data_and_codes():
    html = (
        '<h1>Jeju lithium refinery 사업</h1><p title="Overdue">마감 <code>KR</code> USD 1,000</p>'
        "<script>var x = 'ignored';</script><button>Save</button>"
    )
    assert english_left(html, ("Jeju lithium refinery",)) == ["Overdue", "Save"]
