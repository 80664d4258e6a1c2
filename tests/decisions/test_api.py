import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choices import Confidentiality
from core.sync.services import changes_sequence
from decisions import services
from decisions.choices import PositionKind
from members.choices import TokenScope
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT

BEFORE = DEADLINE_UTC - datetime.timedelta(hours=1)


def _answer_url(procedure):
    return f"/api/v1/procedures/{procedure.pk}/answer/"


@pytest.mark.django_db
def test_api_member_token_answers_for_own_member(procedure, korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(
            _answer_url(procedure),
            {"member": "KR", "kind": "objection", "text": "Paragraph 2"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="answer-1",
        )
        again = client.post(
            _answer_url(procedure),
            {"member": "KR", "kind": "objection", "text": "Paragraph 2"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="answer-1",
        )

    assert response.status_code == 201
    assert (response.json()["member"], response.json()["kind"]) == ("KR", "objection")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert procedure.positions.count() == 1


@pytest.mark.django_db
def test_api_late_answer_is_400_naming_field(procedure, korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    with time_machine.travel(DEADLINE_UTC, tick=False):
        response = client.post(_answer_url(procedure), {"member": "KR", "kind": "support"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["kind"]
    assert procedure.positions.count() == 0


@pytest.mark.django_db
def test_api_answer_for_another_member_is_404(procedure, korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(_answer_url(procedure), {"member": "JP", "kind": "support"}, format="json")

    assert response.status_code == 404
    assert procedure.positions.count() == 0


@pytest.fixture
def restricted_procedure(
    make_draft, open_procedure, korea, japan, korea_focal, japan_focal, secretariat_actor
):
    decision = make_draft(
        title="Japan only", confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan]
    )
    return open_procedure(decision, all_members=False, concerned=[japan])


@pytest.mark.django_db
def test_api_restricted_procedure_invisible_to_member_not_concerned(
    restricted_procedure, korea, japan, api_client_for
):
    korean = api_client_for(TokenScope.READ, korea)
    japanese = api_client_for(TokenScope.READ, japan)
    changes_sequence()

    assert korean.get(f"/api/v1/procedures/{restricted_procedure.pk}/").status_code == 404
    assert korean.get(f"/api/v1/decisions/{restricted_procedure.decision_id}/").status_code == 404
    assert korean.get("/api/v1/procedures/").json()["results"] == []
    korean_feed = korean.get("/api/v1/changes/").json()["changes"]
    japanese_feed = japanese.get("/api/v1/changes/").json()["changes"]
    # The feed cannot know whether a reader ever had an object: hidden changes reach it as bare
    # tombstones (id only), never with the object.
    assert [
        c for c in korean_feed if c["resource"] in ("decisions", "procedures") and c["op"] != "delete"
    ] == []
    assert all("object" not in c or c["object"] is None for c in korean_feed)
    assert {c["resource"] for c in japanese_feed} >= {"decisions", "procedures"}
    assert japanese.get(f"/api/v1/procedures/{restricted_procedure.pk}/").status_code == 200
    assert [c["id"] for c in japanese.get("/api/v1/procedures/").json()["results"]] == [
        restricted_procedure.pk
    ]


@pytest.mark.django_db
def test_api_positions_of_others_hidden_while_open(
    procedure, korea, japan, korea_actor, japan_actor, api_client_for
):
    services.position_answer(
        actor=korea_actor, procedure=procedure, member=korea, kind="objection", text="No", now=BEFORE
    )
    services.position_answer(actor=japan_actor, procedure=procedure, member=japan, kind="support", now=BEFORE)
    japanese = api_client_for(TokenScope.READ, japan)

    while_open = japanese.get("/api/v1/positions/").json()["results"]
    services.procedure_close(procedure_id=procedure.pk, now=DEADLINE_UTC)
    after_close = japanese.get("/api/v1/positions/").json()["results"]

    assert [p["member"] for p in while_open] == ["JP"]
    assert sorted(p["member"] for p in after_close) == ["JP", "KR"]


@pytest.mark.django_db
def test_api_secretariat_opens_procedure_with_local_deadline(draft, korea, secretariat_user, korea_focal):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(secretariat_user)
    with time_machine.travel(OPENED_AT, tick=False):
        response = client.post(
            "/api/v1/procedures/",
            {"decision": draft.pk, "deadline_local": "2026-03-29T18:00", "time_zone": "Europe/Brussels"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="open-1",
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["deadline"], body["deadline_local"]) == ("2026-03-29T16:00:00Z", "2026-03-29T18:00:00+02:00")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/decisions/", "/api/v1/procedures/", "/api/v1/positions/"])
def test_api_lists_run_constant_queries(
    path, make_draft, open_procedure, korea, korea_actor, secretariat_user
):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(secretariat_user)

    def add_one(n):
        procedure = open_procedure(make_draft(title=f"D{n}"))
        services.position_answer(
            actor=korea_actor, procedure=procedure, member=korea, kind=PositionKind.SUPPORT, now=OPENED_AT
        )

    add_one(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    for n in range(1, 6):
        add_one(n)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(path).json()["results"]) == 6
    assert len(many.captured_queries) == len(one.captured_queries)
