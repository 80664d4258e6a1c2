"""Demo joint projects: the five invented examples of projects/data/demo_examples.csv.

Every project is fictional, titled "(example)" and flagged is_example. Milestones are dated
around the day of loading, so a fresh demo shows some overdue, some upcoming and some done.
Idempotent: a project whose title exists is left as it is (with everything under it).
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from core.actors import Actor
from core.choices import Confidentiality
from meetings.models import Meeting
from members.models import Member
from projects import services
from projects.choices import FundingStatus, ParticipantRole, Segment, Stage
from projects.models import JointProject, Mineral

DATA_DIR = Path(__file__).resolve().parent / "data"

SEGMENTS = {
    "exploration": Segment.EXPLORATION,
    "extraction": Segment.EXTRACTION,
    "processing and refining": Segment.PROCESSING,
    "component manufacturing": Segment.COMPONENTS,
    "recycling": Segment.RECYCLING,
    "substitution": Segment.SUBSTITUTION,
}
STAGES = {
    "prospect": Stage.PROSPECT,
    "exploration": Stage.EXPLORATION,
    "scoping study": Stage.SCOPING,
    "prefeasibility": Stage.PREFEASIBILITY,
    "feasibility": Stage.FEASIBILITY,
    "permitting": Stage.PERMITTING,
    "construction": Stage.CONSTRUCTION,
    "commissioning": Stage.COMMISSIONING,
    "production": Stage.PRODUCTION,
}


@dataclass(frozen=True)
class Extra:
    """What the CSV does not say: roles, budget, milestones (days from today, done offset or
    None), commitments (member, amount, currency, status) and updates."""

    roles: dict[str, str]
    budget: tuple[str, str]
    milestones: list[tuple[str, int, int | None]]
    commitments: list[tuple[str, str, str, str]]
    updates: list[tuple[str, str]]
    confidentiality: str = Confidentiality.MEMBERS


EXTRAS = {
    "EX-P1": Extra(
        roles={"JP": ParticipantRole.OFFTAKER, "KR": ParticipantRole.FINANCIER},
        budget=("420000000.00", "USD"),
        milestones=[
            ("Letter of interest from a DFI", -150, -140),
            ("Bankable feasibility study", -20, None),
            ("Water-use permit application", 30, None),
        ],
        commitments=[
            ("US", "25000000.00", "USD", FundingStatus.APPROVED),
            ("JP", "3000000000.00", "JPY", FundingStatus.PLEDGED),
        ],
        updates=[
            ("US", "Pilot evaporation ponds met the recovery target; feasibility study in final review.")
        ],
    ),
    "EX-P2": Extra(
        roles={"EU": ParticipantRole.FINANCIER},
        budget=("610000000.00", "USD"),
        milestones=[
            ("Senior debt signed", -200, -190),
            ("Offtake MoU converted to binding agreement", -45, None),
            ("Mechanical completion", 120, None),
        ],
        commitments=[
            ("US", "150000000.00", "USD", FundingStatus.DISBURSED),
            ("EU", "80000000.00", "EUR", FundingStatus.APPROVED),
        ],
        updates=[("EU", "Civil works at 60 %; the binding offtake agreement slipped to next quarter.")],
    ),
    "EX-P3": Extra(
        roles={"DE": ParticipantRole.TECHNICAL, "KR": ParticipantRole.OFFTAKER},
        budget=("95000000.00", "EUR"),
        milestones=[
            ("Export-credit cover approved", -120, -110),
            ("First recycled NdFeB batch", 10, None),
            ("Nameplate throughput", 200, None),
        ],
        commitments=[
            ("EU", "30000000.00", "EUR", FundingStatus.APPROVED),
            ("KR", "12000000.00", "USD", FundingStatus.PLEDGED),
        ],
        updates=[("KR", "Commissioning started; Korean magnet makers lined up for the first batches.")],
        confidentiality=Confidentiality.RESTRICTED,
    ),
    "EX-P4": Extra(
        roles={"AU": ParticipantRole.TECHNICAL},
        budget=("8500000.00", "USD"),
        milestones=[("Drilling grant awarded", -90, -85), ("Scoping study (PEA) published", 60, None)],
        commitments=[("US", "4000000.00", "USD", FundingStatus.DISBURSED)],
        updates=[("US", "Phase 1 drilling complete: 42 holes; assays pending.")],
    ),
    "EX-P5": Extra(
        roles={"JP": ParticipantRole.OFFTAKER, "SE": ParticipantRole.TECHNICAL},
        budget=("240000000.00", "EUR"),
        milestones=[
            ("Term sheet agreed", -60, -55),
            ("Final investment decision", -5, None),
            ("Environmental permit", 90, None),
        ],
        commitments=[("EU", "40000000.00", "EUR", FundingStatus.PLEDGED)],
        updates=[("EU", "FID postponed pending the offtake price floor; term sheet still valid.")],
    ),
}


def _example_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "demo_examples.csv").open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["record"] == "project"]


def _parse_detail(detail: str) -> tuple[list[str], str, list[str]]:
    """ "Cobalt and Copper; processing and refining; ...; members US EU" -> minerals, segment, members."""
    parts = [part.strip() for part in detail.split(";")]
    minerals = [name.strip() for name in parts[0].split(" and ")]
    members = parts[-1].removeprefix("members").split()
    return minerals, SEGMENTS[parts[1]], members


def _stage(text: str) -> tuple[str, str]:
    """ "feasibility (FID pending)" -> (feasibility, "FID pending")."""
    base, _, rest = text.partition("(")
    return STAGES[base.strip()], rest.rstrip(")").strip()


# The example meeting where the demo commitments are said to have been announced, when the
# meetings demo has loaded it.
ANNOUNCED_AT_TITLE = "FORGE Finance Network call (example)"


def load(*, actor: Actor, stdout) -> None:
    today = timezone.localdate()
    announced_at = Meeting.objects.filter(title=ANNOUNCED_AT_TITLE).first()
    members = {member.iso2: member for member in Member.objects.all()}
    minerals = {mineral.slug: mineral for mineral in Mineral.objects.all()}
    created = 0
    for row in _example_rows():
        if JointProject.objects.filter(title=row["title"]).exists():
            continue
        extra = EXTRAS[row["id"]]
        mineral_names, segment, codes = _parse_detail(row["detail"])
        stage, stage_note = _stage(row["when_or_stage"])
        lead, others = members[codes[0]], [members[code] for code in codes[1:]]
        notes = "; ".join(part.strip() for part in row["detail"].split(";")[2:-1])
        project = services.project_create(
            actor=actor,
            title=row["title"],
            summary=f"Invented example for the demo. {notes[:1].upper()}{notes[1:]}."
            + (f" Stage note: {stage_note}." if stage_note else ""),
            minerals=[minerals[slugify(name)] for name in mineral_names],
            segment=segment,
            host_country=row["place_or_host"],
            lead_member=lead,
            stage=stage,
            stage_on=today - datetime.timedelta(days=60),
            budget_amount=Decimal(extra.budget[0]),
            budget_currency=extra.budget[1],
            confidentiality=extra.confidentiality,
            is_example=True,
        )
        for member in others:
            role = extra.roles.get(member.iso2, ParticipantRole.PARTICIPANT)
            services.participant_add(actor=actor, project=project, member=member, role=role)
        for title, due, done in extra.milestones:
            services.milestone_create(
                actor=actor,
                project=project,
                title=title,
                due_on=today + datetime.timedelta(days=due),
                done_on=today + datetime.timedelta(days=done) if done is not None else None,
            )
        for code, amount, currency, status in extra.commitments:
            services.commitment_create(
                actor=actor,
                project=project,
                member=members[code],
                amount=Decimal(amount),
                currency=currency,
                status=status,
                pledged_on=today - datetime.timedelta(days=100),
                approved_on=today - datetime.timedelta(days=70) if status != FundingStatus.PLEDGED else None,
                disbursed_on=today - datetime.timedelta(days=30)
                if status == FundingStatus.DISBURSED
                else None,
                announced_at=announced_at,
            )
        for code, text in extra.updates:
            services.update_post(actor=actor, project=project, text=f"{text} (example, posted for {code})")
        created += 1
    stdout.write(f"example projects: {created} created")
