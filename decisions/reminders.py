"""Written-procedure reminders, through the core engine.

- procedure opened (essential): the focal points of every member concerned, at once, with the
  deadline in their capital's time and in the procedure's time zone;
- deadline approaching (essential): 48 and 24 hours before the deadline, to the focal points of
  members that have not answered; an answer, an extension or the closing makes the row stale
  (an extension plans new rows for the new deadline and cancels the old ones);
- result (essential): to all concerned when the procedure closes or is withdrawn.

The procedure services call `procedure_reminders_plan` in their transactions (open, answer,
extend) and `procedure_result_plan` when it closes.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reminders.registry import ReminderKind
from core.reminders.services import Desired, reminder_plan
from decisions.choices import ProcedureStatus
from decisions.models import Position, WrittenProcedure
from members.reminders import focal_point_recipients  # the one rule for "a member's focal points on a day"

OPENED = "decision.procedure_opened"
DEADLINE = "decision.procedure_deadline"
RESULT = "decision.procedure_result"
KINDS = [OPENED, DEADLINE]
HOURS_BEFORE = (48, 24)


def _times(procedure: WrittenProcedure, tz: str) -> dict:
    return {
        "procedure": procedure,
        "decision": procedure.decision,
        "deadline_local": procedure.deadline.astimezone(zoneinfo.ZoneInfo(tz)),
        "local_tz": tz,
        "deadline_procedure": procedure.local_deadline,
        "procedure_tz": procedure.time_zone,
        "deadline_utc": procedure.deadline.astimezone(datetime.UTC),
    }


def _context(reminder, procedure: WrittenProcedure) -> dict:
    return _times(procedure, reminder.recipient_time_zone)


def _link(reminder, procedure: WrittenProcedure) -> str:
    return procedure.get_absolute_url()


def _opened_stale(reminder, procedure: WrittenProcedure) -> bool:
    return not procedure.is_open


def _deadline_stale(reminder, procedure: WrittenProcedure) -> bool:
    """Closed, deadline moved, or the member has answered since."""
    if not procedure.is_open or reminder.context.get("deadline") != procedure.deadline.isoformat():
        return True
    return Position.objects.filter(procedure=procedure, member_id=reminder.recipient_member_id).exists()


REMINDER_KINDS = [
    ReminderKind(
        name=OPENED,
        label=_("Written procedure opened"),
        template="email/decision_procedure_opened",
        essential=True,
        description=_("To the focal points of every member concerned when a written procedure opens."),
        is_stale=_opened_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=DEADLINE,
        label=_("Written procedure deadline approaching"),
        template="email/decision_procedure_deadline",
        essential=True,
        description=_("To members that have not answered, 48 and 24 hours before the deadline."),
        is_stale=_deadline_stale,
        context=_context,
        link=_link,
    ),
    ReminderKind(
        name=RESULT,
        label=_("Written procedure result"),
        template="email/decision_procedure_result",
        essential=True,
        description=_("To all members concerned when a written procedure closes or is withdrawn."),
        context=_context,
        link=_link,
    ),
]


def _concerned_focal(procedure: WrittenProcedure, now: datetime.datetime) -> dict:
    from decisions.services.procedure import concerned_members

    return focal_point_recipients(set(concerned_members(procedure).values_list("pk", flat=True)), now.date())


def procedure_reminders_plan(*, procedure: WrittenProcedure, now: datetime.datetime | None = None) -> None:
    """Make the opening and deadline reminders of one procedure match its state."""
    now = now or timezone.now()
    desired: list[Desired] = []
    if procedure.status == ProcedureStatus.OPEN:
        focal = _concerned_focal(procedure, now)
        answered = set(Position.objects.filter(procedure=procedure).values_list("member_id", flat=True))
        context = {"deadline": procedure.deadline.isoformat(), "title": procedure.decision.title}
        for member_id, recipients in focal.items():
            for recipient in recipients:
                desired.append(
                    Desired(
                        subject=procedure,
                        kind=OPENED,
                        recipient=recipient,
                        occurrence=f"opened:{procedure.pk}",
                        due_at=procedure.opened_at,
                        context=context,
                    )
                )
                if member_id in answered:
                    continue
                for hours in HOURS_BEFORE:
                    desired.append(
                        Desired(
                            subject=procedure,
                            kind=DEADLINE,
                            recipient=recipient,
                            occurrence=f"{hours}h:{procedure.deadline.isoformat()}",
                            due_at=procedure.deadline - datetime.timedelta(hours=hours),
                            context={**context, "hours_before": hours},
                        )
                    )
    reminder_plan(subjects=[procedure], kinds=KINDS, desired=desired, now=now)


def procedure_result_plan(*, procedure: WrittenProcedure, now: datetime.datetime | None = None) -> None:
    """Tell every member concerned how the procedure ended; the open reminders are cancelled."""
    now = now or timezone.now()
    procedure_reminders_plan(procedure=procedure, now=now)
    desired = [
        Desired(
            subject=procedure,
            kind=RESULT,
            recipient=recipient,
            occurrence=f"result:{procedure.status}",
            due_at=now,
            context={"status": procedure.status, "note": procedure.closing_note},
        )
        for recipients in _concerned_focal(procedure, now).values()
        for recipient in recipients
    ]
    reminder_plan(subjects=[procedure], kinds=[RESULT], desired=desired, now=now)
