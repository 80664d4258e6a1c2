"""Uploads stop at the size limit while they arrive (core/uploads.py): a body twice the limit is
refused with 413 and a message naming the field, after reading at most the limit and one chunk,
and nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from core.uploads import FIELDS_ALLOWANCE
from meetings.models import Document, DocumentVersion
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

CHUNK = FileUploadHandler.chunk_size  # what the multipart parser reads at a time (64 KiB)


class CountingInput(io.BytesIO):
    """wsgi.input that counts what the server read from it."""

    def __init__(self, body: bytes):
        super().__init__(body)
        self.consumed = 0

    def read(self, size=-1):
        data = super().read(size)
        self.consumed += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.consumed += len(data)
        return data


def _pdf(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"%PDF-1.7\n" + b"0" * (size - 9), content_type="application/pdf")


def _post(client, url: str, size: int):
    body = encode_multipart(BOUNDARY, {"title": "Report", "file": _pdf(size)})
    stream = CountingInput(body)
    response = client.generic(
        "POST", url, data=body, content_type=MULTIPART_CONTENT, **{"wsgi.input": stream}
    )
    return response, stream.consumed, len(body)


@pytest.fixture
def document(db):
    meeting = MeetingFactory()
    return Document.objects.create(meeting=meeting, title="Report")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_upload_twice_the_limit_is_refused_before_reading(settings, secretariat_client, document, media):
    """The declared length is over the limit: nothing of the body is read."""
    settings.FORGE_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    response, consumed, sent = _post(
        secretariat_client, f"/meetings/documents/{document.pk}/versions/", 4 * 1024 * 1024
    )

    assert sent > 2 * settings.FORGE_MAX_UPLOAD_BYTES
    assert (response.status_code, consumed) == (413, 0)
    assert response["Connection"] == "close"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "file: The file is larger than the limit of 2 MB." in response.content.decode()
    assert not DocumentVersion.objects.filter(document=document).exists()
    assert not any(media.rglob("*.pdf"))


def test_upload_twice_the_limit_stops_at_the_limit_while_reading(
    settings, secretariat_client, document, media
):
    """A body short enough to pass the declared-length check: the file is stopped as its bytes
    pass the limit, and the parser reads no further than the limit and one chunk."""
    settings.FORGE_MAX_UPLOAD_BYTES = 100 * 1024
    response, consumed, sent = _post(
        secretariat_client, f"/meetings/documents/{document.pk}/versions/", 200 * 1024
    )

    assert sent < settings.FORGE_MAX_UPLOAD_BYTES + FIELDS_ALLOWANCE  # so the reading path is the one tested
    assert response.status_code == 413
    assert consumed <= settings.FORGE_MAX_UPLOAD_BYTES + CHUNK, consumed
    assert "file: The file is larger than the limit of 102400 bytes." in response.content.decode()
    assert not DocumentVersion.objects.filter(document=document).exists()


def test_api_upload_twice_the_limit_is_a_413_problem_naming_the_field(
    settings, secretariat_client, document, media
):
    settings.FORGE_MAX_UPLOAD_BYTES = 100 * 1024
    response, consumed, _ = _post(
        secretariat_client, f"/api/v1/documents/{document.pk}/versions/", 200 * 1024
    )

    assert (response.status_code, response["Content-Type"]) == (413, "application/problem+json")
    assert response.json() == {
        "type": "about:blank",
        "title": "Upload too large",
        "status": 413,
        "detail": "The file is larger than the limit of 102400 bytes.",
        "errors": {"file": ["The file is larger than the limit of 102400 bytes."]},
    }
    assert consumed <= settings.FORGE_MAX_UPLOAD_BYTES + CHUNK, consumed
    assert not DocumentVersion.objects.filter(document=document).exists()


def test_upload_within_the_limit_is_stored(settings, secretariat_client, document, media):
    settings.FORGE_MAX_UPLOAD_BYTES = 100 * 1024
    response, consumed, sent = _post(
        secretariat_client, f"/api/v1/documents/{document.pk}/versions/", 90 * 1024
    )

    assert response.status_code == 201, response.content
    assert consumed == sent
    assert DocumentVersion.objects.get(document=document).size == 90 * 1024
