import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.errors import NotFound
from core.models import Change
from core.reminders.models import Reminder
from decisions import reminders, services
from decisions.choices import DecisionStatus, PositionKind, ProcedureStatus, StatementKind
from decisions.models import Decision, WrittenProcedure
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT, wall_clock

UTC = datetime.UTC
BEFORE = DEADLINE_UTC - datetime.timedelta(hours=1)
AT_DEADLINE = DEADLINE_UTC
AFTER = DEADLINE_UTC + datetime.timedelta(seconds=30)


def _answer(actor, procedure, member, kind, now=BEFORE, **fields):
    return services.position_answer(
        actor=actor, procedure=procedure, member=member, kind=kind, now=now, **fields
    )


def test_procedure_open_stores_deadline_in_utc_and_moves_decision(procedure, draft):
    assert procedure.deadline == DEADLINE_UTC
    assert procedure.time_zone == "Europe/Brussels"
    assert procedure.local_deadline.hour == 18
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.UNDER_PROCEDURE
    assert list(Change.objects.filter(event="procedure.opened").values_list("object_id", flat=True)) == [
        procedure.pk
    ]


def test_procedure_open_deadline_in_past_refused_naming_field(draft, open_procedure):
    with pytest.raises(ValidationError) as caught:
        open_procedure(draft, now=datetime.datetime(2026, 3, 1, tzinfo=UTC))
    assert list(caught.value.message_dict) == ["deadline"]
    assert WrittenProcedure.objects.count() == 0


def test_procedure_open_nonexistent_local_time_refused(draft, open_procedure):
    with pytest.raises(ValidationError) as caught:
        open_procedure(draft, deadline_local=wall_clock(2026, 3, 29, 2, 30))
    assert caught.value.message_dict == {
        "deadline": [
            "2026-03-29 02:30 does not exist in Europe/Brussels (the clocks go forward); choose another time."
        ]
    }


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (wall_clock(2026, 3, 29, 18, 0), datetime.datetime(2026, 3, 29, 16, 0, tzinfo=UTC)),
        (wall_clock(2026, 10, 25, 18, 0), datetime.datetime(2026, 10, 25, 17, 0, tzinfo=UTC)),
    ],
)
def test_procedure_closes_at_right_instant_on_day_clocks_change(draft, open_procedure, local, utc):
    procedure = open_procedure(draft, deadline_local=local)

    early = services.procedure_close(procedure_id=procedure.pk, now=utc - datetime.timedelta(microseconds=1))
    closed = services.procedure_close(procedure_id=procedure.pk, now=utc)

    assert early is None
    assert closed.status == ProcedureStatus.ADOPTED
    assert WrittenProcedure.objects.get(pk=procedure.pk).deadline == utc
    adopted = Decision.objects.get(pk=draft.pk)
    assert (adopted.status, adopted.adopted_at, adopted.reference) == (
        DecisionStatus.ADOPTED,
        utc,
        "FORGE/2026/D/1",
    )


def test_procedure_close_without_objection_adopts_at_deadline(
    procedure, draft, secretariat_actor, japan, japan_actor
):
    _answer(japan_actor, procedure, japan, PositionKind.SUPPORT)

    closed = services.procedure_close(procedure_id=procedure.pk, now=AFTER)

    assert closed.status == ProcedureStatus.ADOPTED
    assert closed.closed_at == AFTER
    decision = Decision.objects.get(pk=draft.pk)
    assert (decision.reference, decision.adopted_at) == ("FORGE/2026/D/1", DEADLINE_UTC)
    assert Change.objects.filter(event="decision.adopted", object_id=draft.pk).count() == 1
    assert Change.objects.filter(event="procedure.closed", object_id=procedure.pk).count() == 1


def test_procedure_close_with_objection_not_adopted_naming_member(procedure, draft, korea, korea_actor):
    _answer(korea_actor, procedure, korea, PositionKind.OBJECTION, text="Paragraph 2 needs consultation.")

    closed = services.procedure_close(procedure_id=procedure.pk, now=AFTER)

    assert closed.status == ProcedureStatus.NOT_ADOPTED
    assert closed.closing_note == "Not adopted: silence broken by Republic of Korea"
    decision = Decision.objects.get(pk=draft.pk)
    assert (decision.status, decision.reference) == (DecisionStatus.NOT_ADOPTED, "")


def test_procedure_closing_note_is_recorded_in_the_working_language(procedure, draft, korea, korea_actor):
    """Whoever runs the closing (a Korean-language user's request included), the record reads the same."""
    _answer(korea_actor, procedure, korea, PositionKind.OBJECTION, text="Paragraph 2 needs consultation.")

    with translation.override("ko"):
        closed = services.procedure_close(procedure_id=procedure.pk, now=AFTER)

    assert closed.closing_note == "Not adopted: silence broken by Republic of Korea"


def test_procedure_close_twice_changes_nothing(procedure, draft):
    first = services.procedure_close(procedure_id=procedure.pk, now=AFTER)
    changes = Change.objects.count()

    second = services.procedure_close(procedure_id=procedure.pk, now=AFTER + datetime.timedelta(minutes=1))
    due = services.procedures_close_due(now=AFTER + datetime.timedelta(minutes=2))

    assert first.status == ProcedureStatus.ADOPTED
    assert (second, due) == (None, 0)
    assert Change.objects.count() == changes
    assert Decision.objects.get(pk=draft.pk).reference == "FORGE/2026/D/1"


def test_withdrawn_objection_does_not_block(procedure, korea, korea_actor):
    _answer(korea_actor, procedure, korea, PositionKind.OBJECTION, text="Wait")
    services.objection_withdraw(actor=korea_actor, procedure=procedure, member=korea, now=BEFORE)

    closed = services.procedure_close(procedure_id=procedure.pk, now=AFTER)

    assert closed.status == ProcedureStatus.ADOPTED


def test_objection_without_reason_refused_naming_text(procedure, korea, korea_actor):
    with pytest.raises(ValidationError) as caught:
        _answer(korea_actor, procedure, korea, PositionKind.OBJECTION, text="  ")
    assert caught.value.message_dict == {"text": ["Give the reason for breaking silence."]}


def test_statement_for_record_does_not_block(procedure, korea, korea_actor):
    _answer(
        korea_actor,
        procedure,
        korea,
        PositionKind.STATEMENT,
        text="Korea reads paragraph 2 as voluntary.",
        statement_kind=StatementKind.INTERPRETATIVE,
    )
    assert services.procedure_close(procedure_id=procedure.pk, now=AFTER).status == ProcedureStatus.ADOPTED


def test_answer_at_deadline_refused_as_late_naming_field(procedure, korea, korea_actor):
    with pytest.raises(ValidationError) as caught:
        _answer(korea_actor, procedure, korea, PositionKind.OBJECTION, text="Late", now=AT_DEADLINE)
    assert caught.value.message_dict == {
        "kind": ["Too late: the deadline was 2026-02-09 18:00 Europe/Brussels (2026-02-09 17:00 UTC)."]
    }


def test_delegation_cannot_answer_for_another_member(procedure, japan, korea_actor):
    with pytest.raises(NotFound):
        _answer(korea_actor, procedure, japan, PositionKind.OBJECTION, text="Not mine")
    assert procedure.positions.count() == 0


def test_extend_moves_deadline_reminders(procedure, secretariat_actor):
    def deadline_reminders(status):
        return sorted(
            Reminder.objects.filter(kind=reminders.DEADLINE, status=status)
            .values_list("due_at", flat=True)
            .order_by("due_at")
            .distinct()
        )

    assert deadline_reminders("pending") == [
        DEADLINE_UTC - datetime.timedelta(hours=48),
        DEADLINE_UTC - datetime.timedelta(hours=24),
    ]

    services.procedure_extend(
        actor=secretariat_actor,
        procedure=procedure,
        deadline_local=wall_clock(2026, 2, 11, 18, 0),
        now=OPENED_AT + datetime.timedelta(days=1),
    )

    new_deadline = datetime.datetime(2026, 2, 11, 17, 0, tzinfo=UTC)
    assert deadline_reminders("pending") == [
        new_deadline - datetime.timedelta(hours=48),
        new_deadline - datetime.timedelta(hours=24),
    ]
    assert deadline_reminders("cancelled") == [
        DEADLINE_UTC - datetime.timedelta(hours=48),
        DEADLINE_UTC - datetime.timedelta(hours=24),
    ]
    assert WrittenProcedure.objects.get(pk=procedure.pk).ics_sequence == 1


def test_extend_earlier_refused(procedure, secretariat_actor):
    with pytest.raises(ValidationError) as caught:
        services.procedure_extend(
            actor=secretariat_actor,
            procedure=procedure,
            deadline_local=wall_clock(2026, 2, 8, 18, 0),
            now=OPENED_AT,
        )
    assert list(caught.value.message_dict) == ["deadline"]


def test_opening_plans_notice_and_deadline_reminders_for_unanswered(procedure, korea, korea_actor):
    kinds = sorted(Reminder.objects.values_list("kind", "recipient_email"))
    assert kinds == [
        (reminders.DEADLINE, "kim@korea.example"),
        (reminders.DEADLINE, "kim@korea.example"),
        (reminders.DEADLINE, "sato@japan.example"),
        (reminders.DEADLINE, "sato@japan.example"),
        (reminders.OPENED, "kim@korea.example"),
        (reminders.OPENED, "sato@japan.example"),
    ]

    _answer(korea_actor, procedure, korea, PositionKind.SUPPORT)

    assert sorted(
        Reminder.objects.filter(kind=reminders.DEADLINE, status="pending").values_list(
            "recipient_email", flat=True
        )
    ) == ["sato@japan.example", "sato@japan.example"]


def test_close_plans_result_to_all_concerned(procedure):
    services.procedure_close(procedure_id=procedure.pk, now=AFTER)

    assert sorted(
        Reminder.objects.filter(kind=reminders.RESULT).values_list("recipient_email", flat=True)
    ) == [
        "kim@korea.example",
        "sato@japan.example",
    ]
    assert Reminder.objects.filter(kind=reminders.DEADLINE, status="pending").count() == 0


def test_withdraw_procedure_returns_decision_to_draft(procedure, draft, secretariat_actor):
    services.procedure_withdraw(actor=secretariat_actor, procedure=procedure, note="Redraft", now=BEFORE)

    assert WrittenProcedure.objects.get(pk=procedure.pk).status == ProcedureStatus.WITHDRAWN
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.DRAFT
    assert services.procedure_close(procedure_id=procedure.pk, now=AFTER) is None
