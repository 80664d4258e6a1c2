"""JSON rendering with orjson: the same bytes DRF's renderer would give, several times faster."""

from __future__ import annotations

import datetime
import decimal
import uuid

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import JSONRenderer


def _default(value):
    # What DRF's encoder handles beyond plain JSON; serializers already turn most of these
    # into strings, so this is the rare path.
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return str(value.total_seconds())
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class ORJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
