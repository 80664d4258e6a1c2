import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from core.choices import Confidentiality
from decisions import services
from decisions.choices import PositionKind, StatementKind
from tests.decisions.conftest import DEADLINE_UTC, OPENED_AT

BEFORE = DEADLINE_UTC.replace(hour=10)


@pytest.mark.django_db
def test_register_runs_constant_queries(make_draft, open_procedure, secretariat_client):
    open_procedure(make_draft(title="D0"))
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get("/decisions/").status_code == 200
    for n in range(1, 6):
        open_procedure(make_draft(title=f"D{n}"))
    with CaptureQueriesContext(connection) as many:
        response = secretariat_client.get("/decisions/")
    assert len(re.findall(r'href="/decisions/\d+/"', response.content.decode())) == 6
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_decision_page_of_restricted_procedure_is_404_for_member_not_concerned(
    make_draft, open_procedure, korea, japan, korea_client, japan_client, korea_focal, japan_focal
):
    decision = make_draft(
        title="Japan only", confidentiality=Confidentiality.RESTRICTED, restricted_to=[japan]
    )
    open_procedure(decision, all_members=False, concerned=[japan])

    assert korea_client.get(f"/decisions/{decision.pk}/").status_code == 404
    assert "Japan only" not in korea_client.get("/decisions/").content.decode()
    assert japan_client.get(f"/decisions/{decision.pk}/").status_code == 200


@pytest.mark.django_db
def test_pdf_text_has_reference_and_adoption_record(procedure, draft, korea, korea_actor, secretariat_client):
    services.position_answer(
        actor=korea_actor,
        procedure=procedure,
        member=korea,
        kind=PositionKind.STATEMENT,
        statement_kind=StatementKind.INTERPRETATIVE,
        text="Korea reads paragraph 2 as voluntary.",
        now=BEFORE,
    )
    services.procedure_close(procedure_id=procedure.pk, now=DEADLINE_UTC)

    response = secretariat_client.get(f"/decisions/{draft.pk}/pdf/")

    assert response["Content-Disposition"] == 'inline; filename="FORGE-2026-D-1.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "FORGE/2026/D/1" in text
    assert "Adopted by written procedure at 2026-02-09 18:00 Europe/Brussels (2026-02-09 17:00 UTC)" in text
    assert "Republic of Korea (Interpretative statement): Korea reads paragraph 2 as voluntary." in text
    assert OPENED_AT.strftime("%Y-%m-%d %H:%M") in text
