"""The search box: members, delegates, meetings, documents (with the text of their files) and
projects, only what the viewer may see, ranked, highlighted, in a fixed number of queries."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choices import Confidentiality
from core.search import highlight, parse_terms
from meetings import services
from tests.factories import DelegateFactory, JointProjectFactory, MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _pdf_with_text(text: str) -> SimpleUploadedFile:
    from weasyprint import HTML

    content = HTML(string=f"<h1>Annex</h1><p>{text}</p>").write_pdf()
    return SimpleUploadedFile("annex.pdf", content, content_type="application/pdf")


def _docx_with_text(text: str) -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        "note.docx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _results(client, query: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.postgres_only
def test_search_finds_restricted_document_by_its_text_only_for_the_named_member(
    secretariat_actor, korea, japan, korea_client, japan_client
):
    meeting = MeetingFactory(title="SOM 4")
    services.document_upload(
        actor=secretariat_actor,
        meeting=meeting,
        title="Offtake annex",
        file=_pdf_with_text("Indicative cobaltite tonnages for the refinery."),
        confidentiality=Confidentiality.RESTRICTED,
        restricted_to=[korea],
    )
    _, korea_page = _results(korea_client, "cobaltite")
    _, japan_page = _results(japan_client, "cobaltite")
    assert "Offtake annex" in korea_page and "<mark>cobaltite</mark>" in korea_page
    assert "Offtake annex" not in japan_page and "0 results" in japan_page


def test_search_finds_a_word_document_by_its_text(secretariat_actor, korea, korea_client):
    meeting = MeetingFactory(title="Finance call")
    services.document_upload(
        actor=secretariat_actor,
        meeting=meeting,
        title="Co-financing note",
        file=_docx_with_text("Blended guarantees."),
    )
    _, page = _results(korea_client, "guarantees")
    assert "Co-financing note" in page and "<mark>guarantees</mark>" in page


def test_search_ranks_title_matches_above_text_matches(korea, korea_client):
    MeetingFactory(title="Graphite supply meeting")
    MeetingFactory(title="Working lunch", description="Graphite came up over coffee.")
    _, page = _results(korea_client, "graphite")
    assert page.index("Graphite supply meeting") < page.index("Working lunch")
    assert "2 results" in page


def test_search_covers_members_delegates_and_projects_by_word_prefix(korea, korea_client):
    DelegateFactory(member=korea, full_name="Lithgow Park", title="Adviser")
    JointProjectFactory(title="Andes lithium brine")
    MemberFactory(iso2="LT", name="Lithuania")
    _, page = _results(korea_client, "lith")
    for title in ("Lithgow Park", "Andes lithium brine", "Lithuania"):
        assert title in page, title


def test_search_hides_other_delegations_restricted_projects(korea, japan, korea_client):
    secret = JointProjectFactory(title="Quiet nickel deal", confidentiality=Confidentiality.RESTRICTED)
    secret.restricted_to.add(japan)
    _, page = _results(korea_client, "nickel")
    assert "Quiet nickel deal" not in page


def test_search_runs_a_fixed_number_of_queries(korea, korea_client, secretariat_actor):
    def rows(n, start):
        for i in range(start, start + n):
            MeetingFactory(title=f"Copper talks {i}")
            JointProjectFactory(title=f"Copper mine {i}")
            DelegateFactory(member=korea, full_name=f"Copper Kim {i}")
            services.document_upload(
                actor=secretariat_actor,
                meeting=MeetingFactory(title=f"Host {i}"),
                title=f"Copper paper {i}",
                file=SimpleUploadedFile(f"c{i}.txt", b"copper", content_type="text/plain"),
            )

    rows(1, 0)
    one, _ = _results(korea_client, "copper")
    rows(5, 1)
    many, page = _results(korea_client, "copper")
    assert page.count("Copper paper") == 6
    assert one == many


def test_search_without_words_shows_the_box_only(korea_client):
    _, page = _results(korea_client, " ! ")
    assert 'id="search-page-q"' in page and "results" not in page


def test_highlight_escapes_text_and_marks_every_term():
    snippet = highlight("<b>Lithium</b> & lithium-ion", parse_terms("LITHIUM"))
    assert snippet == "&lt;b&gt;<mark>Lithium</mark>&lt;/b&gt; &amp; <mark>lithium</mark>-ion"
