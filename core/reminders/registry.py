"""The kinds of reminder the apps define, found through settings so that core names no app.

Each module listed in `FORGE_REMINDER_MODULES` (e.g. "members.reminders") exposes
`REMINDER_KINDS` (a list of `ReminderKind`) and may expose `plan_periodic(now)`, which the
periodic planner task calls for reminders that depend on the passing of time only (weekly
"still overdue" notices).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ReminderKind:
    """What an app says about one kind of reminder.

    `template` names the email templates: "{template}.txt", "{template}.html" and
    "{template}_subject.txt". `essential` kinds cannot be opted out of. `is_stale(reminder,
    subject)` says, at send time, that the reason for the reminder has gone (an RSVP already
    given); `context(reminder, subject)` adds fresh facts for the templates; `link(reminder,
    subject)` is the page the email and the in-app notice point to.
    """

    name: str
    label: str
    template: str
    essential: bool = False
    description: str = ""
    is_stale: Callable[[Any, Any], bool] | None = field(default=None, compare=False)
    context: Callable[[Any, Any], dict] | None = field(default=None, compare=False)
    link: Callable[[Any, Any], str] | None = field(default=None, compare=False)


def _modules() -> list:
    return [importlib.import_module(path) for path in settings.FORGE_REMINDER_MODULES]


@cache
def _kinds() -> dict[str, ReminderKind]:
    found: dict[str, ReminderKind] = {}
    for module in _modules():
        for kind in getattr(module, "REMINDER_KINDS", []):
            found[kind.name] = kind
    return found


def kind_get(name: str) -> ReminderKind | None:
    return _kinds().get(name)


def kinds() -> list[ReminderKind]:
    return sorted(_kinds().values(), key=lambda kind: kind.name)


def periodic_planners() -> list[Callable]:
    return [module.plan_periodic for module in _modules() if hasattr(module, "plan_periodic")]
