"""The one confidentiality rule (core.confidentiality) and the side paths it closes: a linked
record shown on a page or in the API passes the rule too."""

import pytest
from django.urls import reverse

from core import confidentiality
from core.actors import Actor
from core.choices import Channel, Confidentiality
from meetings.choices import MeetingStatus, OutcomeKind
from meetings.models import ActionItem, Document, Outcome
from projects import selectors as project_selectors
from tests.factories import (
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MemberFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Draft negotiating mandate"


def _actor(**kwargs) -> Actor:
    return Actor(channel=Channel.WEB, label="t", **kwargs)


@pytest.mark.parametrize(
    ("level", "actor_kwargs", "named", "party", "expected"),
    [
        (Confidentiality.PUBLIC, {}, False, False, True),
        (Confidentiality.MEMBERS, {}, False, False, False),
        (Confidentiality.MEMBERS, {"sees_members_level": True}, False, False, True),
        (Confidentiality.RESTRICTED, {"member_id": 1, "sees_members_level": True}, False, False, False),
        (Confidentiality.RESTRICTED, {"member_id": 1, "sees_members_level": True}, True, False, True),
        (Confidentiality.RESTRICTED, {"member_id": 1, "sees_members_level": True}, False, True, True),
        (Confidentiality.SECRETARIAT, {"member_id": 1, "sees_members_level": True}, True, True, False),
        (Confidentiality.SECRETARIAT, {"is_secretariat": True}, False, False, True),
    ],
)
def test_may_see_follows_the_levels(level, actor_kwargs, named, party, expected):
    assert confidentiality.may_see(_actor(**actor_kwargs), level=level, named=named, party=party) is expected


def test_may_see_secretariat_only_for_parties_when_the_app_allows_it():
    actor = _actor(member_id=1, sees_members_level=True)
    level = Confidentiality.SECRETARIAT
    assert confidentiality.may_see(actor, level=level, party=True, parties_see_secretariat_only=True) is True


def test_visible_q_matches_may_see_for_projects(korea_actor, korea, japan):
    cases = {
        "public": JointProjectFactory(confidentiality=Confidentiality.PUBLIC, lead_member=japan),
        "members": JointProjectFactory(confidentiality=Confidentiality.MEMBERS, lead_member=japan),
        "restricted-named": JointProjectFactory(
            confidentiality=Confidentiality.RESTRICTED, lead_member=japan, restricted_to=[korea]
        ),
        "restricted-other": JointProjectFactory(
            confidentiality=Confidentiality.RESTRICTED, lead_member=japan
        ),
        "secretariat-party": JointProjectFactory(
            confidentiality=Confidentiality.SECRETARIAT, lead_member=korea
        ),
        "secretariat-other": JointProjectFactory(
            confidentiality=Confidentiality.SECRETARIAT, lead_member=japan
        ),
    }
    seen = set(project_selectors.project_visible(actor=korea_actor).values_list("pk", flat=True))
    assert {name for name, project in cases.items() if project.pk in seen} == {
        "public",
        "members",
        "restricted-named",
        "secretariat-party",
    }


# Leak 1: a restricted document linked from an outcome ------------------------------------------


@pytest.fixture
def outcome_with_restricted_document(japan):
    meeting = MeetingFactory(confidentiality=Confidentiality.MEMBERS)
    document = Document.objects.create(
        meeting=meeting, title=SECRET_TITLE, confidentiality=Confidentiality.RESTRICTED
    )
    document.restricted_to.set([japan])
    outcome = Outcome.objects.create(
        meeting=meeting, kind=OutcomeKind.CHAIR_SUMMARY, title="Summary", document=document
    )
    return outcome


def test_outcome_page_hides_restricted_document_from_other_delegation(
    korea_client, japan_client, outcome_with_restricted_document
):
    url = reverse("meetings:detail", args=[outcome_with_restricted_document.meeting_id])
    korea_page = korea_client.get(url)
    assert korea_page.status_code == 200
    assert "Summary" in korea_page.content.decode()
    assert SECRET_TITLE not in korea_page.content.decode()
    assert SECRET_TITLE in japan_client.get(url).content.decode()


def test_outcome_api_hides_restricted_document_from_other_delegation(
    korea_user, japan_user, outcome_with_restricted_document
):
    from rest_framework.test import APIClient

    outcome = outcome_with_restricted_document
    url = reverse("outcome-detail", args=[outcome.pk])
    korea, japan = APIClient(), APIClient()
    korea.force_authenticate(korea_user)
    japan.force_authenticate(japan_user)
    assert korea.get(url).json()["document"] is None
    assert japan.get(url).json()["document"] == outcome.document_id
    listed = korea.get(reverse("outcome-list")).json()["results"]
    assert [row["document"] for row in listed] == [None]


# Leak 2: a secretariat-only action item linked from a milestone ----------------------------------


@pytest.fixture
def milestone_with_secret_action(korea, japan):
    secret_meeting = MeetingFactory(confidentiality=Confidentiality.SECRETARIAT)
    action = ActionItem.objects.create(meeting=secret_meeting, owner=japan, description=SECRET_TITLE)
    project = JointProjectFactory(lead_member=korea, confidentiality=Confidentiality.MEMBERS)
    return MilestoneFactory(project=project, title="Offtake signed", action_item=action)


def test_milestone_page_hides_secretariat_only_action_item(
    korea_client, secretariat_client, milestone_with_secret_action
):
    url = reverse("projects:detail", args=[milestone_with_secret_action.project_id])
    korea_page = korea_client.get(url).content.decode()
    assert "Offtake signed" in korea_page
    assert SECRET_TITLE not in korea_page
    assert SECRET_TITLE in secretariat_client.get(url).content.decode()


def test_milestone_api_hides_secretariat_only_action_item(
    api_client_for, korea, milestone_with_secret_action
):
    client = api_client_for(member=korea)
    milestone = milestone_with_secret_action
    assert client.get(reverse("milestone-detail", args=[milestone.pk])).json()["action_item"] is None
    listed = client.get(reverse("milestone-list")).json()["results"]
    assert [(row["id"], row["action_item"]) for row in listed] == [(milestone.pk, None)]


# Leak 3: a draft meeting linked from a commitment ------------------------------------------------


@pytest.fixture
def commitment_announced_at_draft(korea):
    draft = MeetingFactory(
        status=MeetingStatus.DRAFT, title=SECRET_TITLE, confidentiality=Confidentiality.PUBLIC
    )
    project = JointProjectFactory(lead_member=korea)
    return FundingCommitmentFactory(project=project, member=korea, announced_at=draft, note="Pledge")


def test_commitment_page_hides_draft_meeting(korea_client, secretariat_client, commitment_announced_at_draft):
    url = reverse("projects:detail", args=[commitment_announced_at_draft.project_id])
    korea_page = korea_client.get(url).content.decode()
    assert "Pledge" in korea_page
    assert SECRET_TITLE not in korea_page
    assert SECRET_TITLE in secretariat_client.get(url).content.decode()


def test_commitment_api_hides_draft_meeting(api_client_for, korea, commitment_announced_at_draft):
    client = api_client_for(member=korea)
    commitment = commitment_announced_at_draft
    assert (
        client.get(reverse("funding-commitment-detail", args=[commitment.pk])).json()["announced_at"] is None
    )
    listed = client.get(reverse("funding-commitment-list")).json()["results"]
    assert [row["announced_at"] for row in listed] == [None]


# Leak 4: restricted_to shown to a delegation ----------------------------------------------------


def test_restricted_to_hidden_from_delegations_in_api(api_client_for, make_token, korea, japan):
    other = MemberFactory(iso2="FR", name="France")
    meeting = MeetingFactory(confidentiality=Confidentiality.RESTRICTED)
    meeting.restricted_to.set([korea, other])
    project = JointProjectFactory(
        confidentiality=Confidentiality.RESTRICTED, lead_member=japan, restricted_to=[korea, other]
    )
    korea_client = api_client_for(member=korea)
    assert korea_client.get(reverse("meeting-detail", args=[meeting.pk])).json()["restricted_to"] == []
    assert [row["restricted_to"] for row in korea_client.get(reverse("meeting-list")).json()["results"]] == [
        []
    ]
    assert korea_client.get(reverse("project-detail", args=[project.pk])).json()["restricted_to"] == []
    assert [row["restricted_to"] for row in korea_client.get(reverse("project-list")).json()["results"]] == [
        []
    ]


def test_restricted_to_shown_to_secretariat_in_api(secretariat_user, korea):
    from rest_framework.test import APIClient

    other = MemberFactory(iso2="FR", name="France")
    project = JointProjectFactory(confidentiality=Confidentiality.RESTRICTED, restricted_to=[korea, other])
    client = APIClient()
    client.force_authenticate(secretariat_user)
    assert sorted(client.get(reverse("project-detail", args=[project.pk])).json()["restricted_to"]) == [
        "FR",
        "KR",
    ]


def test_restricted_to_hidden_from_delegation_on_project_page(korea_client, secretariat_client, korea, japan):
    other = MemberFactory(iso2="FR", name="France")
    project = JointProjectFactory(
        confidentiality=Confidentiality.RESTRICTED, lead_member=japan, restricted_to=[korea, other]
    )
    url = reverse("projects:detail", args=[project.pk])
    assert ", FR" not in korea_client.get(url).content.decode()
    assert ", FR" in secretariat_client.get(url).content.decode()


# Leak 5: ?member= revealing another member's invitations ----------------------------------------


def test_member_filter_reveals_no_other_members_invitations(api_client_for, korea_client, korea, japan):
    only_japan = MeetingFactory(title="Japan bilateral", confidentiality=Confidentiality.MEMBERS)
    both = MeetingFactory(title="Plenary", confidentiality=Confidentiality.MEMBERS)
    InvitationFactory(meeting=only_japan, member=japan)
    InvitationFactory(meeting=both, member=japan)
    InvitationFactory(meeting=both, member=korea)
    client = api_client_for(member=korea)
    assert client.get(reverse("meeting-list"), {"member": "JP"}).json()["results"] == []
    own = client.get(reverse("meeting-list"), {"member": "kr"}).json()["results"]
    assert [row["title"] for row in own] == ["Plenary"]
    page = korea_client.get(reverse("meetings:list"), {"member": "JP"}).content.decode()
    assert "Japan bilateral" not in page


def test_member_filter_works_for_the_secretariat(secretariat_user, japan):
    from rest_framework.test import APIClient

    only_japan = MeetingFactory(title="Japan bilateral")
    MeetingFactory(title="Other")
    InvitationFactory(meeting=only_japan, member=japan)
    client = APIClient()
    client.force_authenticate(secretariat_user)
    rows = client.get(reverse("meeting-list"), {"member": "JP"}).json()["results"]
    assert [row["title"] for row in rows] == ["Japan bilateral"]


def test_history_field_changes_only_for_the_secretariat(
    korea_client, secretariat_client, system_actor, korea
):
    from projects import services

    project = JointProjectFactory(lead_member=korea, summary="Old")
    services.project_update(actor=system_actor, project=project, summary="Confidential summary text")
    url = reverse("projects:detail", args=[project.pk])
    assert "Confidential summary text" in secretariat_client.get(url).content.decode().split("History")[-1]
    assert "Confidential summary text" not in korea_client.get(url).content.decode().split("History")[-1]
