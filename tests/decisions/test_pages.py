"""Reading pages: the decision page's actions and countdown, the versions diff, the positions
grid and a member's record (constant queries as rows grow)."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import services
from decisions.choices import PositionKind, StatementKind
from decisions.diff import DELETED, EQUAL, INSERTED, paragraph_diff
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT

BEFORE = DEADLINE_UTC - datetime.timedelta(hours=3)


def test_diff_matches_paragraphs_then_words():
    old = ["The members welcome the report.", "They agree to share data.", "Done in Paris."]
    new = [
        "The members welcome the report.",
        "A new paragraph.",
        "They agree to share all data.",
        "Done in Paris.",
    ]

    result = paragraph_diff(old, new)

    assert [(p.old_number, p.new_number) for p in result] == [(1, 1), (None, 2), (2, 3), (3, 4)]
    assert [(s.kind, s.text) for s in result[2].segments] == [
        (EQUAL, "They agree to share"),
        (INSERTED, "all"),
        (EQUAL, "data."),
    ]
    assert [(s.kind, s.text) for s in result[1].segments] == [(INSERTED, "A new paragraph.")]
    assert not result[3].changed


def test_diff_marks_a_removed_paragraph():
    result = paragraph_diff(["One.", "Two."], ["One."])

    assert [(p.old_number, p.new_number, [s.kind for s in p.segments]) for p in result] == [
        (1, 1, [EQUAL]),
        (2, None, [DELETED]),
    ]


@pytest.mark.django_db
def test_diff_page_shows_words_added_and_removed(draft, secretariat_actor, secretariat_client):
    services.decision_update(
        actor=secretariat_actor,
        decision=draft,
        text="The members welcome the report.\n\nThey agree to pool data.",
    )

    response = secretariat_client.get(f"/decisions/{draft.pk}/changes/")

    html = response.content.decode()
    assert response.context["older"].number == 1
    assert '<del><span class="visually-hidden">removed: </span>share</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>pool</ins>' in html


@pytest.mark.django_db
def test_diff_page_with_unknown_version_shows_the_form_error(draft, secretariat_client):
    response = secretariat_client.get(f"/decisions/{draft.pk}/changes/?older=7")

    assert response.status_code == 200
    assert response.context["form"].errors["older"] == [
        "Select a valid choice. 7 is not one of the available choices."
    ]


@pytest.mark.django_db
def test_decision_page_offers_answer_and_countdown_to_concerned_delegation(
    procedure, draft, korea_client, time_machine
):
    time_machine.move_to(DEADLINE_UTC - datetime.timedelta(days=2, hours=3, minutes=5), tick=False)

    html = korea_client.get(f"/decisions/{draft.pk}/").content.decode()

    assert f'href="/decisions/procedures/{procedure.pk}/answer/"' in html
    assert f'href="/decisions/procedures/{procedure.pk}/extend/"' not in html
    assert 'data-deadline="2026-02-09T17:00:00+00:00"' in html
    assert "2 d 3 h 5 min left" in html
    assert "2026-02-10 02:00 Asia/Seoul" in html  # the deadline in Korea's capital time
    assert '<script src="/static/js/countdown.js" defer></script>' in html


@pytest.mark.django_db
def test_decision_page_after_deadline_says_it_passed(procedure, draft, secretariat_client, time_machine):
    time_machine.move_to(DEADLINE_UTC, tick=False)

    html = secretariat_client.get(f"/decisions/{draft.pk}/").content.decode()

    assert "Deadline passed: the procedure closes within a minute." in html
    assert f'href="/decisions/procedures/{procedure.pk}/extend/"' in html


def _answer_all(procedure, actors_and_members, kind):
    statement_kind = StatementKind.RESERVATION if kind == PositionKind.STATEMENT else ""
    for actor, member in actors_and_members:
        services.position_answer(
            actor=actor,
            procedure=procedure,
            member=member,
            kind=kind,
            text="x",
            statement_kind=statement_kind,
            now=OPENED_AT,
        )


@pytest.mark.django_db
def test_positions_grid_runs_constant_queries(
    make_draft,
    open_procedure,
    korea,
    japan,
    korea_actor,
    japan_actor,
    korea_focal,
    japan_focal,
    secretariat_client,
):
    first = open_procedure(make_draft(title="D0"))
    _answer_all(first, [(korea_actor, korea)], PositionKind.OBJECTION)
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get("/decisions/positions/").status_code == 200
    for n in range(1, 6):
        procedure = open_procedure(make_draft(title=f"D{n}"))
        _answer_all(procedure, [(korea_actor, korea), (japan_actor, japan)], PositionKind.SUPPORT)
    with CaptureQueriesContext(connection) as many:
        response = secretariat_client.get("/decisions/positions/")

    html = response.content.decode()
    assert len(re.findall(r'<tr><th scope="row">', html)) == 6
    assert html.count("position-support") == 10
    assert html.count("position-objection") == 1
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_grid_hides_others_positions_from_a_delegation_while_open(
    procedure, korea, japan, korea_actor, japan_actor, korea_client
):
    _answer_all(procedure, [(korea_actor, korea)], PositionKind.SUPPORT)
    _answer_all(procedure, [(japan_actor, japan)], PositionKind.OBJECTION)

    html = korea_client.get("/decisions/positions/").content.decode()

    assert "position-support" in html
    assert "position-objection" not in html
    assert "Shown at the deadline" in html


@pytest.mark.django_db
def test_member_record_lists_each_procedure_once_with_constant_queries(
    make_draft, open_procedure, korea, korea_actor, korea_focal, japan_focal, secretariat_client
):
    _answer_all(open_procedure(make_draft(title="D0")), [(korea_actor, korea)], PositionKind.STATEMENT)
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get("/decisions/positions/kr/").status_code == 200
    for n in range(1, 6):
        open_procedure(make_draft(title=f"D{n}"))
    with CaptureQueriesContext(connection) as many:
        response = secretariat_client.get("/decisions/positions/kr/")

    html = response.content.decode()
    assert len(re.findall(r'<tr><th scope="row">', html)) == 6
    assert html.count("position-statement") == 1
    assert html.count("position-silent") == 5
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_decision_page_prints_with_its_own_stylesheet(draft, secretariat_client):
    html = secretariat_client.get(f"/decisions/{draft.pk}/").content.decode()

    assert '<link rel="stylesheet" href="/static/css/decisions-print.css" media="print">' in html
    assert finders.find("css/decisions-print.css") is not None
    assert '<nav class="actions no-print"' in html
