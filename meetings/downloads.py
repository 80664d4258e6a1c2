"""Serving stored files (documents, credentials) after a permission check, never via MEDIA_URL."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext

from core.errors import NotFound


def stored_file_response(field_file, filename: str, content_type: str) -> FileResponse:
    """Stream a file from the default storage (local disk or S3) as an attachment."""
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise NotFound(gettext("The file is missing from storage.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    # The caller's permission decided this answer: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
