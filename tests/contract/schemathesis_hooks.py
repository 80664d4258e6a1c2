"""Schemathesis hooks for tests/contract/test_schemathesis_live.py: a bounded coverage phase.

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

import os

import schemathesis

PER_PARAMETER = bool(os.environ.get("FORGE_COVERAGE_PER_PARAMETER"))
_sent_kinds: set[tuple] = set()


@schemathesis.hook("filter_case")
def first_coverage_case_of_each_kind(context, case) -> bool:
    # Case metadata is not public API; schemathesis is pinned in requirements-dev.txt, and an
    # upgrade that moves it fails this hook loudly (an AttributeError stops the run).
    meta = case._meta
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
