"""The dashboard's open procedures and a delegation's "procedures awaiting your answer"."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from decisions import services
from decisions.choices import PositionKind
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT


@pytest.fixture
def before_deadline(time_machine):
    time_machine.move_to(OPENED_AT, tick=False)


@pytest.mark.django_db
def test_dashboard_lists_open_procedures_with_constant_queries(
    make_draft, open_procedure, secretariat_client, korea_focal, japan_focal, before_deadline
):
    open_procedure(make_draft(title="Statement 0"))
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get("/").status_code == 200
    for n in range(1, 5):
        open_procedure(make_draft(title=f"Statement {n}"))
    with CaptureQueriesContext(connection) as many:
        html = secretariat_client.get("/").content.decode()

    panel = html.split('id="open-procedures"')[1].split("</section>")[0]
    assert [f"Statement {n}" in panel for n in range(5)] == [True] * 5
    assert panel.count("2026-02-09 18:00 Europe/Brussels") == 5
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_home_lists_procedures_awaiting_the_delegations_answer(
    make_draft, open_procedure, korea, korea_actor, korea_client, korea_focal, japan_focal, before_deadline
):
    answered = open_procedure(make_draft(title="Already answered"))
    services.position_answer(
        actor=korea_actor, procedure=answered, member=korea, kind=PositionKind.SUPPORT, now=OPENED_AT
    )
    waiting = open_procedure(make_draft(title="Work plan"))

    html = korea_client.get("/").content.decode()

    panel = html.split('id="procedures-to-answer"')[1].split("</section>")[0]
    assert f'href="/decisions/procedures/{waiting.pk}/answer/">Answer: Work plan</a>' in panel
    assert "Already answered" not in panel
    assert "2026-02-10 02:00 Asia/Seoul" in panel


@pytest.mark.django_db
def test_home_panel_runs_constant_queries(
    make_draft, open_procedure, korea_client, korea_focal, japan_focal, before_deadline
):
    open_procedure(make_draft(title="P0"))
    with CaptureQueriesContext(connection) as one:
        korea_client.get("/")
    for n in range(1, 5):
        open_procedure(make_draft(title=f"P{n}"))
    with CaptureQueriesContext(connection) as many:
        html = korea_client.get("/").content.decode()

    assert html.count("/answer/") == 5
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_home_says_nothing_waits_once_closed(procedure, korea_client, time_machine):
    services.procedure_close(procedure_id=procedure.pk, now=DEADLINE_UTC)
    time_machine.move_to(DEADLINE_UTC, tick=False)

    assert "No written procedure is waiting for your answer." in korea_client.get("/").content.decode()


@pytest.mark.django_db
def test_deadline_email_shows_each_zone_as_labelled(procedure):
    context = {
        "decision": procedure.decision,
        "deadline_local": procedure.deadline,
        "local_tz": "Asia/Seoul",
        "deadline_procedure": procedure.deadline,
        "procedure_tz": procedure.time_zone,
        "deadline_utc": procedure.deadline,
    }

    text = render_to_string("email/_procedure_deadline.txt", context)

    assert text.splitlines()[1] == (
        "Deadline: Tuesday 10 February 2026, 02:00 (Asia/Seoul) = Monday 9 February 2026, 18:00 "
        "(Europe/Brussels) = 2026-02-09 17:00 UTC"
    )


@pytest.mark.django_db
def test_dashboard_panel_shows_the_deadline_in_the_procedure_zone(
    procedure, secretariat_client, time_machine
):
    time_machine.move_to(OPENED_AT, tick=False)

    html = secretariat_client.get("/").content.decode()

    assert "<strong>2026-02-09 18:00 Europe/Brussels</strong>" in html
