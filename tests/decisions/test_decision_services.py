import datetime

import pytest
from django.core.exceptions import ValidationError

from core.errors import Forbidden
from core.models import AuditEntry, Change
from decisions import services
from decisions.choices import DecisionKind, DecisionStatus
from decisions.models import Decision, StatusChange
from tests.factories import MeetingFactory

UTC = datetime.UTC
AT = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _draft(actor, **fields) -> Decision:
    fields.setdefault("title", "Work plan 2026")
    fields.setdefault("kind", DecisionKind.WORK_PLAN)
    fields.setdefault("text", "The forum adopts its work plan.\n\nIt reviews it in 2027.")
    return services.decision_create(actor=actor, now=AT, **fields)


def _tabled(actor, **fields) -> Decision:
    decision = _draft(actor, **fields)
    return services.decision_move(
        actor=actor, decision=decision, to_status=DecisionStatus.TABLED, meeting=MeetingFactory(), now=AT
    )


def test_decision_create_drafts_first_version_audited_and_on_feed(secretariat_actor):
    decision = _draft(secretariat_actor)

    assert decision.status == DecisionStatus.DRAFT
    assert decision.paragraphs == ["The forum adopts its work plan.", "It reviews it in 2027."]
    assert list(decision.versions.values_list("number", flat=True)) == [1]
    assert (
        AuditEntry.objects.filter(
            content_type__model="decision", object_id=str(decision.pk), action="create"
        ).count()
        == 1
    )
    assert Change.objects.filter(resource="decisions.decision", object_id=decision.pk).count() == 1


def test_decision_create_by_delegation_is_refused(korea_actor):
    with pytest.raises(Forbidden):
        _draft(korea_actor)
    assert Decision.objects.count() == 0


def test_decision_update_text_adds_version(secretariat_actor):
    decision = _draft(secretariat_actor)

    updated = services.decision_update(
        actor=secretariat_actor, decision=decision, text="The forum adopts its plan.", version_note="Chair"
    )

    assert updated.version == 2
    assert [(v.number, v.text, v.note) for v in updated.versions.all()] == [
        (1, "The forum adopts its work plan.\n\nIt reviews it in 2027.", "First draft"),
        (2, "The forum adopts its plan.", "Chair"),
    ]


def test_decision_adopt_gives_reference_in_year_of_adoption(secretariat_actor):
    first = _tabled(secretariat_actor)
    second = _tabled(secretariat_actor, title="Second")
    new_year_eve = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

    adopted_first = services.decision_adopt(actor=secretariat_actor, decision=first, at=new_year_eve)
    adopted_second = services.decision_adopt(actor=secretariat_actor, decision=second, at=AT)

    assert adopted_first.reference == "FORGE/2026/D/1"
    assert adopted_second.reference == "FORGE/2026/D/2"
    assert adopted_first.adopted_at == new_year_eve
    assert list(StatusChange.objects.filter(decision=first).values_list("from_status", "to_status")) == [
        ("", DecisionStatus.DRAFT),
        (DecisionStatus.DRAFT, DecisionStatus.TABLED),
        (DecisionStatus.TABLED, DecisionStatus.ADOPTED),
    ]


def test_decision_update_text_of_adopted_decision_is_refused_naming_field(secretariat_actor):
    decision = services.decision_adopt(actor=secretariat_actor, decision=_tabled(secretariat_actor), at=AT)

    with pytest.raises(ValidationError) as caught:
        services.decision_update(actor=secretariat_actor, decision=decision, text="Changed")

    assert list(caught.value.message_dict) == ["text"]
    assert Decision.objects.get(pk=decision.pk).version == 1


def test_decision_move_adopted_to_draft_is_refused(secretariat_actor):
    decision = services.decision_adopt(actor=secretariat_actor, decision=_tabled(secretariat_actor), at=AT)

    with pytest.raises(ValidationError) as caught:
        services.decision_move(actor=secretariat_actor, decision=decision, to_status=DecisionStatus.DRAFT)

    assert caught.value.message_dict == {"status": ["A decision cannot move from “Adopted” to “Draft”."]}


def test_decision_move_tabled_needs_meeting(secretariat_actor):
    decision = _draft(secretariat_actor)

    with pytest.raises(ValidationError) as caught:
        services.decision_move(actor=secretariat_actor, decision=decision, to_status=DecisionStatus.TABLED)

    assert list(caught.value.message_dict) == ["meeting"]
