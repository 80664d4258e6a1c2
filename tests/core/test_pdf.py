import io

import pytest
from pypdf import PdfReader

from core.pdf import ExternalResourceRefused, _no_fetch, pdf_response, render_pdf


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_render_pdf_contains_template_text():
    pdf = render_pdf("core/pdf_base.html", {"title": "Joint statement on lithium"})

    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Joint statement on lithium" in text
    assert "Page 1 / 1" in text


def test_render_pdf_fetcher_refuses_network_urls():
    with pytest.raises(ExternalResourceRefused):
        _no_fetch("http://169.254.169.254/latest/meta-data")
    with pytest.raises(ExternalResourceRefused):
        _no_fetch("file:///etc/passwd")


def test_pdf_response_names_file():
    response = pdf_response(b"%PDF-1.7", filename="FORGE-2026-D-7.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="FORGE-2026-D-7.pdf"'
