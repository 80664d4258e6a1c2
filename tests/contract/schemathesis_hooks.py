"""Schemathesis hooks for tests/contract/test_schemathesis_live.py: a bounded coverage phase, and
a unique Idempotency-Key per request (see a_fresh_idempotency_key_per_request).

The coverage phase enumerates every boundary and every wrong value of every parameter and
property, in each of the three request media types (JSON, multipart, form): for this API about
13,000 requests per actor (5,100 with valid data, 7,900 with invalid data), some seven minutes
per actor on the test machine. Every actor runs it on every operation, in both modes, but sends
only the first case of each kind per operation: each scenario the phase knows (a valid object,
only the required properties, a wrong type, a string below its minLength, a number above its
maximum, an invalid enum value, a missing required header, ...) once per generation mode, place
in the request (path, query, header, body) and, when FORGE_COVERAGE_PER_PARAMETER is set, per
parameter and per body media type. The selection is deterministic: the phase generates its
cases in the same order every run, and the first of each kind is kept.

The secretariat's run is per parameter: every query filter, path parameter and header gets each
kind of boundary and wrong value, and every body each kind in each media type. The delegation's
and the forum's runs keep one case of each kind per place in the request (bodies: the first
media type, JSON), which is enough to hold their answers to the document: the same validation
runs for them, and what differs per actor is scoping (404 for what is not theirs) and the right
to write (403 for the read token).
"""

from __future__ import annotations

import itertools
import os

import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

IDEMPOTENCY_KEY = "Idempotency-Key"
PER_PARAMETER = bool(os.environ.get("FORGE_COVERAGE_PER_PARAMETER"))
_sent_kinds: set[tuple] = set()
_key_numbers = itertools.count(1)


@schemathesis.hook("filter_case")
def first_coverage_case_of_each_kind(context, case) -> bool:
    meta = case.meta
    if meta is None or meta.phase.name.value != "coverage":
        return True
    data = meta.phase.data
    kind = (
        case.operation.label,
        meta.generation.mode.value,
        data.scenario,
        data.parameter_location,
        data.parameter if PER_PARAMETER else None,
    )
    if kind in _sent_kinds:
        return False
    _sent_kinds.add(kind)
    return True


@schemathesis.hook("map_case")
def a_fresh_idempotency_key_per_request(context, case):
    """The document asks for a unique Idempotency-Key per intended request, and the API answers
    422 to a key reused with another body. Schemathesis builds an operation's cases from one
    template, so every body carried the same key and most create cases stopped at that 422
    before their body was read. A valid key is made unique per case, as a partner's client
    would send it; a case about the key itself (a boundary or a wrong value) keeps its key."""
    headers = case.headers
    meta = case.meta
    if not headers or IDEMPOTENCY_KEY not in headers or meta is None:
        return case
    header = meta.components.get(ParameterLocation.HEADER)
    about_the_key = getattr(meta.phase.data, "parameter", None) == IDEMPOTENCY_KEY
    if (header is not None and header.mode == GenerationMode.NEGATIVE) or about_the_key:
        return case
    headers[IDEMPOTENCY_KEY] = f"contract-{next(_key_numbers)}"
    return case
