"""Demo written procedures, dated around the day of loading: one adopted by silence, one where
Korea broke silence (not adopted), and one open with its deadline a few days ahead.

Every decision is fictional, titled "(example)" and flagged is_example. Each step goes through
the services with `now` set to its day, so the history, positions and references read as if it
had happened. Idempotent: a decision whose title exists is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from core.actors import Actor
from decisions import services
from decisions.choices import DecisionKind, PositionKind, StatementKind
from decisions.models import Decision
from members.models import Member

UTC = datetime.UTC
ZONE = "Europe/Brussels"


@dataclass(frozen=True)
class Example:
    title: str
    kind: str
    text: str
    opened: int  # days from the day of loading
    deadline: int  # days from the day of loading, at 18:00 Brussels time
    # (member ISO code, position, text, statement kind) answered the day after opening
    answers: list[tuple[str, str, str, str]] = field(default_factory=list)


EXAMPLES = [
    Example(
        title="Joint statement on battery mineral recycling (example)",
        kind=DecisionKind.JOINT_STATEMENT,
        text=(
            "The members of FORGE recognise the role of recycling in secure supply chains.\n\n"
            "They will share data on collection rates of end-of-life batteries each year.\n\n"
            "They invite the secretariat to report on progress at the next ministerial meeting."
        ),
        opened=-20,
        deadline=-13,
        answers=[
            ("JP", PositionKind.SUPPORT, "", ""),
            (
                "KR",
                PositionKind.STATEMENT,
                "The Republic of Korea reads paragraph 2 as covering data already published.",
                StatementKind.INTERPRETATIVE,
            ),
        ],
    ),
    Example(
        title="Work plan on rare earth processing 2027 (example)",
        kind=DecisionKind.WORK_PLAN,
        text=(
            "The members adopt the work plan on rare earth processing for 2027 annexed hereto.\n\n"
            "The secretariat will convene a technical group on separation capacity.\n\n"
            "Members will pledge funding for two pilot plants by the end of the year."
        ),
        opened=-10,
        deadline=-5,
        answers=[
            ("JP", PositionKind.SUPPORT, "", ""),
            (
                "KR",
                PositionKind.OBJECTION,
                "Paragraph 3 commits funding before our budget cycle allows it.",
                "",
            ),
        ],
    ),
    Example(
        title="Designation of the chair for 2027 (example)",
        kind=DecisionKind.CHAIR_DESIGNATION,
        text=(
            "The members designate the chair of FORGE for the year 2027 in the order of rotation.\n\n"
            "The outgoing chair will hand over at the last meeting of the year."
        ),
        opened=-1,
        deadline=4,
    ),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=UTC)


def _load_one(example: Example, *, actor: Actor, today: datetime.date) -> None:
    opened = _at(today + datetime.timedelta(days=example.opened), 9)
    decision = services.decision_create(
        actor=actor, title=example.title, kind=example.kind, text=example.text, is_example=True, now=opened
    )
    deadline_day = today + datetime.timedelta(days=example.deadline)
    procedure = services.procedure_open(
        actor=actor,
        decision=decision,
        deadline_local=datetime.datetime.combine(deadline_day, datetime.time(18, 0)),
        time_zone=ZONE,
        note="Please answer by the deadline; silence means agreement.",
        now=opened,
    )
    members = {m.iso2: m for m in Member.objects.filter(iso2__in=[a[0] for a in example.answers])}
    for iso2, kind, text, statement_kind in example.answers:
        if iso2 in members:
            services.position_answer(
                actor=actor,
                procedure=procedure,
                member=members[iso2],
                kind=kind,
                text=text,
                statement_kind=statement_kind,
                now=opened + datetime.timedelta(days=1),
            )
    if procedure.deadline <= timezone.now():
        services.procedure_close(procedure_id=procedure.pk, now=procedure.deadline, actor=actor)


def load(*, actor: Actor, stdout) -> None:
    today = timezone.localdate()
    loaded = 0
    for example in EXAMPLES:
        if Decision.objects.filter(title=example.title).exists():
            continue
        _load_one(example, actor=actor, today=today)
        loaded += 1
    stdout.write(f"Decisions: {loaded} example written procedure(s) loaded.")
