"""Uploads stop at the size limit while they arrive, not after the whole body is on disk.

`LimitedUploadHandler` runs first among Django's upload handlers (FILE_UPLOAD_HANDLERS). It
refuses a multipart body whose declared length is over the limit (plus room for the form's
other fields) before reading any of it, and stops a file as soon as its bytes pass the limit
(a body whose length hides the file's size): the parser then reads no further. Either way the
request is marked and `UploadLimitMiddleware` answers 413 with a message that names the field
and the limit (a page, or problem+json under /api/). The view never runs with half a body: the
refusal is an exception raised while the body is parsed, before any write.

The limit is FORGE_MAX_UPLOAD_BYTES, the same one the upload checks apply to a complete file.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.api.exceptions import PROBLEM_CONTENT_TYPE, problem_body

# Room for the form's other fields (title, CSRF token, multipart headers) beside the file.
FIELDS_ALLOWANCE = 256 * 1024
REFUSED = "forge_upload_refused"


class UploadTooLarge(RequestDataTooBig):
    """The body carries more than the upload limit; the request stops here."""


def upload_limit() -> int:
    return settings.FORGE_MAX_UPLOAD_BYTES


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops the upload at the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > upload_limit() + FIELDS_ALLOWANCE:
            self._refuse(field=None)
        self.received = 0

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            self._refuse(field=self.field_name)
        return raw_data  # on to the next handler, which keeps it

    def file_complete(self, file_size):
        return None  # the next handler builds the file

    def _refuse(self, *, field: str | None):
        setattr(self.request, REFUSED, field or "file")
        raise UploadTooLarge(f"Upload over {upload_limit()} bytes refused")


def too_large_message() -> str:
    limit = upload_limit()
    if limit >= 1024 * 1024:
        size = _("%(count)s MB") % {"count": limit // (1024 * 1024)}
    else:
        size = _("%(count)s bytes") % {"count": limit}
    return _("The file is larger than the limit of %(size)s.") % {"size": size}


class UploadLimitMiddleware:
    """Answers 413, naming the field, for a request the upload handler refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        field = getattr(request, REFUSED, None)
        if field is None:
            return response
        message = too_large_message()
        title = _("Upload too large")
        if request.path.startswith("/api/"):
            body = problem_body(413, title, message, {field: [message]})
            answer = JsonResponse(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
        else:
            context = {"status": 413, "title": title, "message": f"{field}: {message}"}
            answer = render(request, "error.html", context, status=413)
        # The rest of the body was never read: the connection cannot carry another request.
        answer["Connection"] = "close"
        answer["Cache-Control"] = "private, no-store"
        return answer
