"""Upload checks: a file is accepted only when its extension, declared type and content agree.

The declared content type comes from the client and is only a hint: a contradicting one is
refused, a generic one (application/octet-stream) is allowed, and the stored type is always
our own, derived from the checked extension.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    declared: frozenset[str]


KINDS: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf", frozenset({"application/pdf", "application/x-pdf"})),
    ".docx": Kind(
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset(
            {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"}
        ),
    ),
    ".xlsx": Kind(
        "Excel (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"}),
    ),
    ".pptx": Kind(
        "PowerPoint (PPTX)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        frozenset(
            {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"}
        ),
    ),
    ".odt": Kind(
        "OpenDocument text (ODT)",
        "application/vnd.oasis.opendocument.text",
        frozenset({"application/vnd.oasis.opendocument.text", "application/zip"}),
    ),
    ".txt": Kind("plain text", "text/plain", frozenset({"text/plain"})),
    ".csv": Kind(
        "CSV",
        "text/csv",
        frozenset({"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}),
    ),
}
DOCUMENT_EXTENSIONS = tuple(KINDS)
CREDENTIAL_EXTENSIONS = (".pdf",)
# The part of the archive that tells an Office file of each kind apart from any zip.
OOXML_MARKERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


@dataclass(frozen=True)
class CheckedFile:
    file: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload, *, field: str, extensions: tuple[str, ...]) -> CheckedFile:
    """Validate an uploaded file; raise ValidationError on `field` naming what is wrong."""
    if upload is None or not hasattr(upload, "read"):
        raise ValidationError({field: "Choose a file to upload."})
    name = PurePath(upload.name or "").name[:200]
    extension = PurePath(name).suffix.lower()
    allowed = ", ".join(KINDS[ext].label for ext in extensions)
    if extension not in extensions:
        raise ValidationError({field: f"This type of file is not accepted here; upload {allowed}."})
    limit = settings.FORGE_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError({field: f"The file is larger than the limit of {limit // (1024 * 1024)} MB."})
    if upload.size == 0:
        raise ValidationError({field: "The file is empty."})
    kind = KINDS[extension]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in GENERIC_TYPES and declared not in kind.declared:
        raise ValidationError({field: f"The file says it is {declared}, not {kind.label}."})
    if not _content_matches(upload, extension):
        raise ValidationError({field: f"The file's content is not {kind.label}."})
    return CheckedFile(
        file=upload, name=name, content_type=kind.content_type, size=upload.size, sha256=_sha256(upload)
    )


def _content_matches(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if extension == ".pdf":
            return head.startswith(b"%PDF-")
        if extension in OOXML_MARKERS:
            return head.startswith(b"PK\x03\x04") and _zip_has(upload, OOXML_MARKERS[extension])
        if extension == ".odt":
            return head.startswith(b"PK\x03\x04") and _odt_mimetype(upload)
        return _is_text(upload)
    finally:
        upload.seek(0)


def _zip_has(upload, prefix: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names)


def _odt_mimetype(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _is_text(upload) -> bool:
    data = upload.read()  # bounded by FORGE_MAX_UPLOAD_BYTES, checked above
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
