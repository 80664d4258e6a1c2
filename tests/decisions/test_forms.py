"""The web forms of decisions and written procedures: each calls its service, shows a refusal
next to the field it names, and changes nothing then."""

import datetime

import pytest

from decisions import services
from decisions.choices import DecisionStatus, PositionKind, ProcedureStatus
from decisions.models import Decision, Position, WrittenProcedure
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT

BEFORE = DEADLINE_UTC - datetime.timedelta(hours=3)


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


@pytest.fixture
def clock(time_machine):
    def move(instant):
        time_machine.move_to(instant, tick=False)

    move(OPENED_AT)
    return move


@pytest.mark.django_db
def test_create_decision_without_title_names_the_field_and_saves_nothing(secretariat_client):
    response = secretariat_client.post(
        "/decisions/new/", {"kind": "decision", "text": "Para.", "confidentiality": "members"}
    )

    assert response.status_code == 200
    assert field_errors(response, "title") == ["This field is required."]
    assert Decision.objects.count() == 0


@pytest.mark.django_db
def test_create_then_edit_text_adds_a_version(secretariat_client):
    response = secretariat_client.post(
        "/decisions/new/",
        {
            "title": "Work plan 2027",
            "kind": "work_plan",
            "text": "One.\n\nTwo.",
            "confidentiality": "members",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/decisions/{decision.pk}/"

    response = secretariat_client.post(
        f"/decisions/{decision.pk}/edit/",
        {
            "title": "Work plan 2027",
            "kind": "work_plan",
            "text": "One.\n\nTwo, as agreed.",
            "confidentiality": "members",
            "version_note": "call of 3 May",
        },
    )

    decision.refresh_from_db()
    assert response.status_code == 302
    assert decision.version == 2
    assert list(decision.versions.values_list("number", "note")) == [(1, "First draft"), (2, "call of 3 May")]


@pytest.mark.django_db
def test_edit_text_under_procedure_is_refused_on_the_text_field(procedure, draft, secretariat_client):
    response = secretariat_client.post(
        f"/decisions/{draft.pk}/edit/",
        {
            "title": draft.title,
            "kind": draft.kind,
            "text": "Another text.",
            "confidentiality": draft.confidentiality,
        },
    )

    assert response.status_code == 200
    assert field_errors(response, "text") == [
        "The text cannot change while the decision is under written procedure."
    ]
    draft.refresh_from_db()
    assert draft.version == 1


@pytest.mark.django_db
def test_delegation_cannot_open_the_create_form(korea_client, korea_user):
    assert korea_client.get("/decisions/new/").status_code == 403


@pytest.mark.django_db
def test_open_procedure_in_the_past_names_deadline(draft, secretariat_client, clock):
    response = secretariat_client.post(
        f"/decisions/{draft.pk}/procedure/",
        {"deadline": "2026-02-01T18:00", "time_zone": "Europe/Brussels", "all_members": "on"},
    )

    assert response.status_code == 200
    assert field_errors(response, "deadline") == ["The deadline must be in the future."]
    assert WrittenProcedure.objects.count() == 0


@pytest.mark.django_db
def test_open_procedure_with_unknown_zone_names_time_zone(draft, secretariat_client, clock):
    response = secretariat_client.post(
        f"/decisions/{draft.pk}/procedure/",
        {"deadline": "2026-02-09T18:00", "time_zone": "Europe/Atlantis", "all_members": "on"},
    )

    assert field_errors(response, "time_zone") == ["“Europe/Atlantis” is not an IANA time zone."]


@pytest.mark.django_db
def test_open_procedure_stores_the_deadline_in_utc(draft, secretariat_client, clock, korea_focal):
    response = secretariat_client.post(
        f"/decisions/{draft.pk}/procedure/",
        {
            "deadline": "2026-02-09T18:00",
            "time_zone": "Europe/Brussels",
            "all_members": "on",
            "note": "Please answer.",
        },
    )

    procedure = WrittenProcedure.objects.get()
    assert response.status_code == 302
    assert procedure.deadline == DEADLINE_UTC
    assert procedure.note == "Please answer."
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.UNDER_PROCEDURE


@pytest.mark.django_db
def test_objection_without_reason_names_text(procedure, korea_client, clock):
    response = korea_client.post(f"/decisions/procedures/{procedure.pk}/answer/", {"kind": "objection"})

    assert response.status_code == 200
    assert field_errors(response, "text") == ["Give the reason for breaking silence."]
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_delegation_answer_is_for_its_own_member_whatever_is_posted(
    procedure, korea, japan, korea_client, clock
):
    response = korea_client.post(
        f"/decisions/procedures/{procedure.pk}/answer/",
        {"kind": "objection", "text": "Paragraph 2 goes too far.", "member": japan.pk},
    )

    assert response.status_code == 302
    assert list(Position.objects.values_list("member__iso2", "kind", "text")) == [
        ("KR", PositionKind.OBJECTION, "Paragraph 2 goes too far.")
    ]


@pytest.mark.django_db
def test_answer_to_procedure_not_concerning_the_member_is_404(
    make_draft, open_procedure, japan, korea_client, japan_focal, korea_focal, clock
):
    decision = make_draft(title="Japan only", confidentiality="restricted", restricted_to=[japan])
    procedure = open_procedure(decision, all_members=False, concerned=[japan])

    assert korea_client.get(f"/decisions/procedures/{procedure.pk}/answer/").status_code == 404
    response = korea_client.post(f"/decisions/procedures/{procedure.pk}/answer/", {"kind": "support"})

    assert response.status_code == 404
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_late_answer_names_the_field(procedure, japan_client, clock):
    clock(DEADLINE_UTC)

    response = japan_client.post(f"/decisions/procedures/{procedure.pk}/answer/", {"kind": "support"})

    assert field_errors(response, "kind") == [
        "Too late: the deadline was 2026-02-09 18:00 Europe/Brussels (2026-02-09 17:00 UTC)."
    ]
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_secretariat_records_an_answer_for_a_member(procedure, japan, secretariat_client, clock):
    response = secretariat_client.post(
        f"/decisions/procedures/{procedure.pk}/answer/", {"kind": "support", "member": japan.pk}
    )

    assert response.status_code == 302
    assert list(Position.objects.values_list("member__iso2", "kind")) == [("JP", PositionKind.SUPPORT)]


@pytest.mark.django_db
def test_withdraw_objection_without_one_is_refused(procedure, korea_client, clock):
    response = korea_client.post(f"/decisions/procedures/{procedure.pk}/withdraw-objection/", {})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Republic of Korea has no objection standing."]


@pytest.mark.django_db
def test_withdraw_own_objection(procedure, korea, korea_actor, korea_client, clock):
    services.position_answer(
        actor=korea_actor,
        procedure=procedure,
        member=korea,
        kind=PositionKind.OBJECTION,
        text="No.",
        now=OPENED_AT,
    )

    response = korea_client.post(f"/decisions/procedures/{procedure.pk}/withdraw-objection/", {})

    assert response.status_code == 302
    assert Position.objects.get().withdrawn_at == OPENED_AT


@pytest.mark.django_db
def test_extend_earlier_is_refused_then_later_is_saved(procedure, secretariat_client, clock):
    url = f"/decisions/procedures/{procedure.pk}/extend/"
    response = secretariat_client.post(url, {"deadline": "2026-02-08T18:00", "time_zone": "Europe/Brussels"})
    assert field_errors(response, "deadline") == [
        "An extension must be later than the current deadline, "
        "2026-02-09 18:00 Europe/Brussels (2026-02-09 17:00 UTC)."
    ]

    response = secretariat_client.post(url, {"deadline": "2026-02-11T18:00", "time_zone": "Europe/Brussels"})

    procedure.refresh_from_db()
    assert response.status_code == 302
    assert procedure.deadline == DEADLINE_UTC + datetime.timedelta(days=2)


@pytest.mark.django_db
def test_withdraw_procedure_returns_decision_to_draft(procedure, draft, secretariat_client, clock):
    response = secretariat_client.post(f"/decisions/procedures/{procedure.pk}/withdraw/", {"note": "Redraft"})

    procedure.refresh_from_db()
    draft.refresh_from_db()
    assert response.status_code == 302
    assert (procedure.status, draft.status) == (ProcedureStatus.WITHDRAWN, DecisionStatus.DRAFT)


@pytest.mark.django_db
def test_move_to_tabled_without_meeting_names_meeting(draft, secretariat_client):
    response = secretariat_client.post(f"/decisions/{draft.pk}/move/", {"status": "tabled"})

    assert field_errors(response, "meeting") == ["Name the meeting where the decision is tabled."]
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT


@pytest.mark.django_db
def test_move_offers_only_allowed_statuses(draft, secretariat_client):
    response = secretariat_client.get(f"/decisions/{draft.pk}/move/")

    choices = [value for value, _ in response.context["form"].fields["status"].choices]
    assert choices == ["tabled", "withdrawn"]
