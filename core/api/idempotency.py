"""`Idempotency-Key` on POST: a retried request gets the first response instead of a second object.

A key belongs to the token (or account) that sent it. The first request with a key inserts a
claim row and commits it at once, so the database's unique constraint picks one winner among
concurrent attempts. The winner runs, and its response is stored in the same transaction as
the object it created: both commit or neither does. Then:

- a retry with the same method, path and body gets the stored status, headers and body, plus
  `Idempotent-Replayed: true`;
- the same key with a different request answers 422;
- a retry while the first attempt still runs answers 409 (retry a moment later).

Only successful (2xx) responses are stored. A request that fails (invalid input, a refused
write) changed nothing, so its claim is released and the client may fix the request and send
it again with the same key; this follows Stripe, which saves no result when a request fails
validation or conflicts. A claim whose request died without an answer (a killed process) is
taken over after CLAIM_TIMEOUT, which is far above any request's run time. Keys are kept at
least 24 hours (core.sync.services.idempotency_keys_prune).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.errors import Conflict, DomainError
from core.sync.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)
STORED_HEADERS = ("ETag", "Location")
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class IdempotencyKeyReused(DomainError):
    status_code = 422
    title = "Unprocessable content"


def idempotent(handler):
    """Wrap a POST handler of a viewset (`def create(self, request, ...)`) with the above."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        raw = request.headers.get(HEADER)
        owner = _owner(request)
        if raw is None or owner is None:
            return handler(view, request, *args, **kwargs)
        if not _KEY.match(raw):
            raise ValidationError({HEADER: ["Give 1 to 255 visible ASCII characters (a UUID is ideal)."]})
        claim = _claim(owner=owner, key=raw, fingerprint=_fingerprint(request), request=request)
        if isinstance(claim, Response):
            return claim
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                stored = 200 <= response.status_code < 300
                if stored:
                    _complete(claim, response)
        except BaseException:
            _release(claim)
            raise
        if not stored:
            _release(claim)
        return response

    return wrapper


def _owner(request) -> str | None:
    token = getattr(request, "auth", None)
    if token is not None and getattr(token, "pk", None) is not None:
        return f"token:{token.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk is not None:
        return f"user:{user.pk}"
    return None


def _fingerprint(request) -> str:
    """SHA-256 of method, path and the parsed body (key order and file streams normalised)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict from a form or multipart body
        body = dict(sorted(data.lists()))
    else:
        body = data
    digest.update(json.dumps(body, sort_keys=True, default=str).encode())
    for name, upload in sorted(getattr(request, "FILES", {}).items()):
        digest.update(f"\n{name}:{upload.name}:{upload.size}:".encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def _claim(*, owner: str, key: str, fingerprint: str, request) -> IdempotencyKey | Response:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    owner=owner,
                    key=key,
                    request_hash=fingerprint,
                    method=request.method,
                    path=request.path[:500],
                )
        except IntegrityError:
            pass  # someone holds this key: look at what they did with it
        existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if existing is None:
            continue  # released between our insert and our read: try to claim it again
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with a different request; use a new key for a new request."
            )
        if existing.state == IdempotencyKey.State.DONE:
            return _replay(existing)
        if existing.locked_at < timezone.now() - CLAIM_TIMEOUT:
            taken = IdempotencyKey.objects.filter(
                pk=existing.pk, state=IdempotencyKey.State.IN_PROGRESS, locked_at=existing.locked_at
            ).update(locked_at=timezone.now())
            if taken:
                return existing
            continue
        break
    raise Conflict("A request with this Idempotency-Key is still in progress; retry in a moment.")


def _complete(claim: IdempotencyKey, response) -> None:
    body = JSONRenderer().render(response.data).decode() if response.data is not None else ""
    IdempotencyKey.objects.filter(pk=claim.pk).update(
        state=IdempotencyKey.State.DONE,
        response_status=response.status_code,
        response_headers={name: response[name] for name in STORED_HEADERS if response.has_header(name)},
        response_body=body,
        completed_at=timezone.now(),
    )


def _release(claim: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=claim.pk, state=IdempotencyKey.State.IN_PROGRESS).delete()


def _replay(stored: IdempotencyKey) -> Response:
    headers = {**stored.response_headers, REPLAYED_HEADER: "true"}
    data = json.loads(stored.response_body) if stored.response_body else None  # dicts keep key order
    return Response(data, status=stored.response_status, headers=headers)
