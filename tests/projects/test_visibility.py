"""Who sees which project: confidential projects are hidden from members not in them."""

import pytest

from core.actors import Actor
from core.choices import Channel, Confidentiality
from members.models import PartnerToken
from members.permissions import actor_for_token, actor_for_user
from projects.selectors import milestone_list, project_list
from tests.factories import JointProjectFactory, MemberFactory, MilestoneFactory, ParticipantFactory


@pytest.fixture
def projects(korea, japan):
    other = MemberFactory(iso2="DE", name="Germany")
    made = {
        "public": JointProjectFactory(
            title="public", lead_member=japan, confidentiality=Confidentiality.PUBLIC
        ),
        "members": JointProjectFactory(title="members", lead_member=japan),
        "restricted-named": JointProjectFactory(
            title="restricted-named",
            lead_member=japan,
            confidentiality=Confidentiality.RESTRICTED,
            restricted_to=[korea, other],
        ),
        "restricted-other": JointProjectFactory(
            title="restricted-other",
            lead_member=japan,
            confidentiality=Confidentiality.RESTRICTED,
            restricted_to=[other],
        ),
        "restricted-lead": JointProjectFactory(
            title="restricted-lead", lead_member=korea, confidentiality=Confidentiality.RESTRICTED
        ),
        "secretariat-part": JointProjectFactory(
            title="secretariat-part", lead_member=japan, confidentiality=Confidentiality.SECRETARIAT
        ),
        "secretariat-other": JointProjectFactory(
            title="secretariat-other", lead_member=japan, confidentiality=Confidentiality.SECRETARIAT
        ),
    }
    ParticipantFactory(project=made["secretariat-part"], member=korea)
    # Korea both named and participating: still one row.
    ParticipantFactory(project=made["restricted-named"], member=korea)
    return made


def _titles(actor):
    return sorted(project_list(actor=actor).values_list("title", flat=True))


def test_delegation_sees_open_projects_and_confidential_ones_it_is_in(korea_user, projects):
    assert _titles(actor_for_user(korea_user)) == [
        "members",
        "public",
        "restricted-lead",
        "restricted-named",
        "secretariat-part",
    ]


def test_secretariat_sees_everything(secretariat_actor, projects):
    assert len(_titles(secretariat_actor)) == 7


def test_observer_sees_public_and_members_projects(observer_user, projects):
    assert _titles(actor_for_user(observer_user)) == ["members", "public"]


def test_forum_wide_token_sees_public_projects_only(system_actor, projects):
    token = PartnerToken(name="t", prefix="p", key_hash="h", member=None, scope="read")
    assert _titles(actor_for_token(token)) == ["public"]


def test_milestones_follow_their_project(korea_actor, projects):
    for project in projects.values():
        MilestoneFactory(project=project, title=project.title)
    assert sorted(milestone_list(actor=korea_actor).values_list("title", flat=True)) == _titles(korea_actor)


def test_user_without_member_rights_sees_no_confidential_project(projects):
    actor = Actor(channel=Channel.WEB, label="x", sees_members_level=True)
    assert _titles(actor) == ["members", "public"]
