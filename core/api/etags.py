"""Strong ETags computed from the JSON representation itself."""

from __future__ import annotations

import hashlib

from core.api.renderers import ORJSONRenderer


def etag_for(data) -> str:
    """A strong ETag from the representation itself, so it changes exactly when the JSON does."""
    return '"' + hashlib.sha256(ORJSONRenderer().render(data)).hexdigest()[:32] + '"'


def etag_list(header: str) -> set[str]:
    """The tags of an If-Match / If-None-Match header, weak ones compared as strong."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
