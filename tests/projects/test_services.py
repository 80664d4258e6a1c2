"""Writes: stage history, funding life cycle, audience changes and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import Forbidden, NotFound
from core.models import AuditEntry, Change
from projects import services
from projects.choices import FundingStatus, Stage
from projects.models import JointProject, StageChange
from tests.factories import FundingCommitmentFactory, MilestoneFactory, ParticipantFactory

TODAY = timezone.localdate


def test_project_create_records_stage_minerals_and_audit(secretariat_actor, korea, lithium, cobalt):
    project = services.project_create(
        actor=secretariat_actor,
        title="Refinery",
        minerals=[lithium, cobalt],
        segment="processing",
        host_country="ZM",
        lead_member=korea,
        stage=Stage.SCOPING,
        budget_amount=Decimal("10.00"),
        budget_currency="USD",
    )
    assert sorted(project.minerals.values_list("slug", flat=True)) == ["cobalt", "lithium"]
    assert list(StageChange.objects.values_list("from_stage", "to_stage")) == [("", "scoping")]
    actions = list(
        AuditEntry.objects.filter(object_id=str(project.pk), content_type__model="jointproject").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]  # the record, then its minerals


def test_project_create_needs_a_mineral_and_a_known_country(secretariat_actor, korea):
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            actor=secretariat_actor,
            title="x",
            minerals=[],
            segment="recycling",
            host_country="ZM",
            lead_member=korea,
        )
    assert list(caught.value.message_dict) == ["minerals"]
    assert JointProject.objects.count() == 0


def test_unknown_host_country_names_the_field(secretariat_actor, korea, lithium):
    with pytest.raises(ValidationError) as caught:
        services.project_create(
            actor=secretariat_actor,
            title="x",
            minerals=[lithium],
            segment="recycling",
            host_country="QQ",
            lead_member=korea,
        )
    assert list(caught.value.message_dict) == ["host_country"]


def test_lead_member_moves_the_stage_with_history(korea_actor, korean_project):
    services.project_stage_change(
        actor=korea_actor, project=korean_project, to_stage=Stage.PERMITTING, note="EIA filed"
    )
    korean_project.refresh_from_db()
    assert korean_project.stage == Stage.PERMITTING
    change = StageChange.objects.get(project=korean_project)
    assert (change.from_stage, change.to_stage, change.on, change.by_label, change.note) == (
        "feasibility",
        "permitting",
        TODAY(),
        "korea",
        "EIA filed",
    )


def test_participant_cannot_move_the_stage_and_outsider_gets_not_found(
    korea_actor, joint_project, japanese_secret
):
    with pytest.raises(Forbidden):
        services.project_stage_change(actor=korea_actor, project=joint_project, to_stage=Stage.PERMITTING)
    with pytest.raises(NotFound):
        services.project_stage_change(actor=korea_actor, project=japanese_secret, to_stage=Stage.PERMITTING)
    assert StageChange.objects.count() == 0


def test_update_from_lead_moves_stage_but_from_participant_stays_a_report(
    korea_actor, korean_project, joint_project
):
    services.update_post(
        actor=korea_actor, project=korean_project, text="Permit filed", reported_stage="permitting"
    )
    services.update_post(
        actor=korea_actor, project=joint_project, text="We think so too", reported_stage="permitting"
    )
    korean_project.refresh_from_db()
    joint_project.refresh_from_db()
    assert (korean_project.stage, joint_project.stage) == ("permitting", "feasibility")
    assert joint_project.updates.get().reported_stage == "permitting"


def test_participant_changes_touch_the_project_for_sync(secretariat_actor, korean_project, japan):
    before = korean_project.updated_at
    feed_before = Change.objects.filter(resource="projects.jointproject", object_id=korean_project.pk).count()
    participant = services.participant_add(actor=secretariat_actor, project=korean_project, member=japan)
    services.participant_remove(actor=secretariat_actor, participant=participant)
    korean_project.refresh_from_db()
    assert korean_project.updated_at > before
    assert (
        Change.objects.filter(resource="projects.jointproject", object_id=korean_project.pk).count()
        == feed_before + 2
    )


def test_lead_cannot_also_be_a_participant_and_nobody_twice(secretariat_actor, korean_project, korea, japan):
    with pytest.raises(ValidationError) as caught:
        services.participant_add(actor=secretariat_actor, project=korean_project, member=korea)
    assert list(caught.value.message_dict) == ["member"]
    services.participant_add(actor=secretariat_actor, project=korean_project, member=japan)
    with pytest.raises(ValidationError):
        services.participant_add(actor=secretariat_actor, project=korean_project, member=japan)


def test_confidentiality_change_touches_the_project(secretariat_actor, korean_project, japan):
    feed = Change.objects.filter(resource="projects.jointproject", object_id=korean_project.pk)
    count = feed.count()
    services.project_update(actor=secretariat_actor, project=korean_project, restricted_to=[japan])
    assert feed.count() == count + 1
    services.project_update(actor=secretariat_actor, project=korean_project, confidentiality="restricted")
    assert feed.count() == count + 3  # the update itself, then the audience touch


def test_delegation_cannot_edit_the_project_record(korea_actor, korean_project):
    with pytest.raises(Forbidden):
        services.project_update(actor=korea_actor, project=korean_project, title="Mine now")


def test_funding_goes_pledged_approved_disbursed_with_dates(korea_actor, korean_project, korea):
    commitment = services.commitment_create(
        actor=korea_actor, project=korean_project, member=korea, amount=Decimal("5.00"), currency="KRW"
    )
    assert (commitment.status, commitment.pledged_on, commitment.approved_on) == ("pledged", TODAY(), None)
    commitment = services.commitment_advance(actor=korea_actor, commitment=commitment)
    assert (commitment.status, commitment.approved_on, commitment.disbursed_on) == ("approved", TODAY(), None)
    commitment = services.commitment_advance(actor=korea_actor, commitment=commitment)
    assert (commitment.status, commitment.disbursed_on) == ("disbursed", TODAY())
    with pytest.raises(ValidationError) as caught:
        services.commitment_advance(actor=korea_actor, commitment=commitment)
    assert list(caught.value.message_dict) == ["status"]


@pytest.mark.parametrize(
    ("start", "wanted"), [("pledged", "disbursed"), ("approved", "pledged"), ("disbursed", "approved")]
)
def test_funding_cannot_skip_or_go_back(secretariat_actor, korean_project, start, wanted):
    dates = {"pledged": {}, "approved": {"approved_on": datetime.date(2026, 4, 1)}}.get(
        start, {"approved_on": datetime.date(2026, 4, 1), "disbursed_on": datetime.date(2026, 5, 1)}
    )
    commitment = FundingCommitmentFactory(project=korean_project, status=start, **dates)
    with pytest.raises(ValidationError) as caught:
        services.commitment_update(actor=secretariat_actor, commitment=commitment, status=wanted)
    assert list(caught.value.message_dict) == ["status"]
    commitment.refresh_from_db()
    assert commitment.status == start


def test_delegation_records_only_its_own_commitments(korea_actor, joint_project, korea, japan, united_states):
    with pytest.raises(Forbidden):
        services.commitment_create(
            actor=korea_actor, project=joint_project, member=japan, amount=Decimal("1.00"), currency="USD"
        )
    theirs = FundingCommitmentFactory(project=joint_project, member=japan)
    with pytest.raises(Forbidden):
        services.commitment_update(actor=korea_actor, commitment=theirs, amount=Decimal("2.00"))
    mine = services.commitment_create(
        actor=korea_actor, project=joint_project, member=korea, amount=Decimal("1.00"), currency="USD"
    )
    assert mine.member == korea


def test_commitment_member_must_take_part(secretariat_actor, korean_project, united_states):
    with pytest.raises(ValidationError) as caught:
        services.commitment_create(
            actor=secretariat_actor,
            project=korean_project,
            member=united_states,
            amount=Decimal("1"),
            currency="USD",
        )
    assert list(caught.value.message_dict) == ["member"]


def test_milestone_cannot_be_done_in_the_future(korea_actor, korean_project):
    milestone = MilestoneFactory(project=korean_project)
    with pytest.raises(ValidationError) as caught:
        services.milestone_complete(
            actor=korea_actor, milestone=milestone, on=TODAY() + datetime.timedelta(days=1)
        )
    assert list(caught.value.message_dict) == ["done_on"]
    assert services.milestone_complete(actor=korea_actor, milestone=milestone).done_on == TODAY()


def test_participant_keeps_milestones_and_outsider_cannot(
    korea_actor, joint_project, japanese_project, japanese_secret
):
    services.milestone_create(actor=korea_actor, project=joint_project, title="FID", due_on=TODAY())
    with pytest.raises(Forbidden):
        services.milestone_create(actor=korea_actor, project=japanese_project, title="FID", due_on=TODAY())
    with pytest.raises(NotFound):
        services.milestone_create(actor=korea_actor, project=japanese_secret, title="FID", due_on=TODAY())


def test_observer_may_only_read(observer_user, korean_project):
    from members.permissions import actor_for_user

    with pytest.raises(Forbidden) as caught:
        services.update_post(actor=actor_for_user(observer_user), project=korean_project, text="hi")
    assert caught.value.message == "This account or token may only read."


def test_removed_participant_loses_a_restricted_project(
    secretariat_actor, korea_actor, japanese_secret, korea
):
    from projects.selectors import project_list

    participant = ParticipantFactory(project=japanese_secret, member=korea)
    assert project_list(actor=korea_actor).filter(pk=japanese_secret.pk).exists()
    services.participant_remove(actor=secretariat_actor, participant=participant)
    assert not project_list(actor=korea_actor).filter(pk=japanese_secret.pk).exists()


def test_commitment_status_check_holds_for_funding_status_values():
    assert set(services.FUNDING_STEPS) == {FundingStatus.PLEDGED, FundingStatus.APPROVED}


def test_a_participant_cannot_become_lead_without_leaving(secretariat_actor, joint_project, korea):
    with pytest.raises(ValidationError) as caught:
        services.project_update(actor=secretariat_actor, project=joint_project, lead_member=korea)
    assert list(caught.value.message_dict) == ["lead_member"]
    joint_project.refresh_from_db()
    assert joint_project.lead_member.iso2 == "JP"
