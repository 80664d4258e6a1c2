"""Meeting documents and their versions (uploads checked, text extracted for search)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.actors import Actor
from core.services import require_settable
from core.tracking import touch, tracked_create, tracked_update
from meetings import permissions
from meetings.extract import extract_text
from meetings.models import Document, DocumentText, DocumentVersion, Meeting
from meetings.reminders import document_published_plan
from meetings.services.common import audience_set, row_lock
from meetings.uploads import DOCUMENT_EXTENSIONS, check_upload
from members.models import Member

DOCUMENT_FIELDS = {"title", "description", "confidentiality"}


def _add_version(document: Document, checked, *, actor: Actor) -> DocumentVersion:
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    text = extract_text(checked.file, checked.name)  # before storage takes the file
    version = DocumentVersion(
        document=document,
        number=last + 1,
        file=checked.file,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=timezone.now(),
        uploaded_by_label=actor.label,
        uploaded_by_user_id=actor.user_id,
    )
    version = tracked_create(version, actor=actor)
    DocumentText.objects.update_or_create(
        document=document,
        defaults={"version_number": version.number, "text": text},
    )
    return version


@transaction.atomic
def document_upload(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    file,
    description: str = "",
    confidentiality: str | None = None,
    restricted_to: Iterable[Member] = (),
) -> Document:
    """A new document with its first version; the file is checked before anything is written."""
    permissions.require_manage(actor)
    checked = check_upload(file, field="file", extensions=DOCUMENT_EXTENSIONS)
    document = Document(meeting=meeting, title=title, description=description)
    if confidentiality:
        document.confidentiality = confidentiality
    tracked_create(document, actor=actor)
    audience_set(document, restricted_to, actor=actor)
    version = _add_version(document, checked, actor=actor)
    document_published_plan(version=version)  # after the audience is set: it decides who is told
    return document


@transaction.atomic
def document_version_upload(*, actor: Actor, document: Document, file) -> DocumentVersion:
    """A new version of a document; earlier versions stay downloadable."""
    permissions.require_manage(actor)
    checked = check_upload(file, field="file", extensions=DOCUMENT_EXTENSIONS)
    locked = row_lock(document)  # version numbers are handed out one at a time
    version = _add_version(locked, checked, actor=actor)
    touch(locked)  # the document's latest version is part of what it shows
    document_published_plan(version=version)
    return version


@transaction.atomic
def document_update(
    *, actor: Actor, document: Document, restricted_to: Iterable[Member] | None = None, **fields: Any
) -> Document:
    permissions.require_manage(actor)
    saved = tracked_update(document, actor=actor, fields=require_settable(fields, DOCUMENT_FIELDS))
    if restricted_to is not None:
        audience_set(saved, restricted_to, actor=actor)
    return saved
