"""Every page a user reaches, asked for in Korean, holds no interface text left in English.

tests/korean.py reads the text a person sees or hears on the page (and the attributes a screen
reader announces); the data on the page (titles and names as entered) is skipped. A page, a
partial or a form label that comes back in English fails here with the words that did."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from projects.choices import Segment
from tests.factories import (
    AgendaItemFactory,
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MilestoneFactory,
    MineralFactory,
    ParticipantFactory,
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
def world(korea, japan):
    lithium = MineralFactory(name="Lithium", slug="lithium", crma_strategic=True)
    MineralFactory(name="Cobalt", slug="cobalt", crma_strategic=True, crma_critical=True)
    project = JointProjectFactory(
        title="Jeju lithium refinery", lead_member=korea, minerals=[lithium], segment=Segment.EXTRACTION
    )
    ParticipantFactory(project=project, member=japan)
    MilestoneFactory(project=project, title="Financial close", due_on=datetime.date(2026, 10, 1))
    MilestoneFactory(
        project=project,
        title="Offtake signed",
        due_on=datetime.date(2026, 9, 1),
        done_on=datetime.date(2026, 9, 1),
    )
    FundingCommitmentFactory(project=project, member=korea)
    meeting = MeetingFactory(title="SOM 9 (Seoul)")
    AgendaItemFactory(meeting=meeting, title="Opening session")
    invitation = InvitationFactory(meeting=meeting, member=korea)
    return {"project": project.pk, "meeting": meeting.pk, "invitation": invitation.pk}


def _english_on(client, path: str) -> list[str]:
    client.cookies["django_language"] = "ko"
    with time_machine.travel(NOW, tick=False):
        response = client.get(path)
    assert response.status_code == 200, path
    return english_left(response.content.decode(), DATA + TYPED, USER_NAMES)


def _assert_korean(client, path: str):
    left = _english_on(client, path)
    assert left == [], f"{path} still says in English: {left}"


@pytest.mark.django_db
@pytest.mark.parametrize("page", SECRETARIAT_PAGES)
def test_secretariat_page_in_korean_has_no_english_left(secretariat_client, world, page):
    _assert_korean(secretariat_client, page.format(**world))


@pytest.mark.django_db
@pytest.mark.parametrize("page", DELEGATION_PAGES)
def test_delegation_page_in_korean_has_no_english_left(korea_client, world, page):
    _assert_korean(korea_client, page.format(**world))


def test_english_left_finds_english_and_skips_data_and_codes():
    html = (
        '<h1>Jeju lithium refinery 사업</h1><p title="Overdue">마감 <code>KR</code> USD 1,000</p>'
        "<script>var x = 'ignored';</script><button>Save</button>"
    )
    assert english_left(html, ("Jeju lithium refinery",)) == ["Overdue", "Save"]
