"""FORGE reference data: the delegations at the 2026 launch and the chair history.

The CSV files under members/data/ are the project's own copy of the published facts
(State Department fact sheet of 4 February 2026, MSP records). Loading is idempotent:
a second run changes nothing and records nothing.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from core.actors import Actor
from members import services
from members.choices import ChairRole, Forum, MemberKind, MemberStatus
from members.models import ChairTerm, Member

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_members(*, actor: Actor) -> int:
    """Upsert the 56 delegations; returns how many were created."""
    existing = {member.iso2: member for member in Member.objects.all()}
    created = 0
    for row in _rows("participants.csv"):
        fields = {
            "name": row["name"],
            "kind": MemberKind(row["kind"]),
            # No membership roll has been published: the launch delegations are participants.
            "status": MemberStatus.PARTICIPANT,
            "capital_time_zone": row["capital_time_zone"],
            "msp_partner": row["msp_partner"] == "yes",
            "attended_launch": True,
        }
        member = existing.get(row["iso2"])
        if member is None:
            services.member_create(actor=actor, iso2=row["iso2"], **fields)
            created += 1
        else:
            # Only fill what the reference knows; never overwrite the secretariat's status.
            fields.pop("status")
            services.member_update(actor=actor, member=member, **fields)
    return created


def load_chair_terms(*, actor: Actor) -> int:
    members = {member.iso2: member for member in Member.objects.all()}
    created = 0
    for row in _rows("chair_terms.csv"):
        if not row["chair_iso2"]:
            continue  # a documented gap, not a term: the rotation computes gaps itself
        starts_on = datetime.date.fromisoformat(row["starts_on"])
        member = members[row["chair_iso2"]]
        if ChairTerm.objects.filter(member=member, role=ChairRole.CHAIR, starts_on=starts_on).exists():
            continue
        services.chair_term_create(
            actor=actor,
            forum=Forum(row["forum"]),
            member=member,
            role=ChairRole.CHAIR,
            starts_on=starts_on,
            ends_on=datetime.date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
            basis=row["basis"],
        )
        created += 1
    return created


def load(*, actor: Actor, stdout) -> None:
    stdout.write(f"members: {load_members(actor=actor)} created")
    stdout.write(f"chair terms: {load_chair_terms(actor=actor)} created")
