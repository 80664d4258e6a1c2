"""Minerals: the USGS 2025 critical minerals and the EU CRMA strategic and critical raw
materials, merged into one list with a flag per list.

Sources, copied into projects/data/: the USGS 2025 final List of Critical Minerals (60 names,
7 Nov 2025) and Regulation (EU) 2024/1252 Annex I (17 strategic) and Annex II (34 critical),
CRMA names as transcribed (not yet checked against the Official Journal; the UI says so).

Matching: a CRMA name is normalised (lower case, grade qualifiers such as "– battery grade"
and a trailing "metal" dropped) and compared with the normalised USGS names. Names that
differ, and the CRMA's group entries, go through ALIASES; an alias with a note is an
uncertain match, and the note is stored with the mineral and shown. CRMA entries that match
no USGS name become minerals of their own. Loading is idempotent: a second run changes and
records nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from core.actors import Actor
from projects import services
from projects.models import Mineral

DATA_DIR = Path(__file__).resolve().parent / "data"

_REE_NOTE = (
    "Uncertain: the CRMA lists “{group}” as a group without naming the elements; read here as the "
    "EU 2023 criticality study groups them."
)

# Normalised CRMA name -> (USGS names it covers, note when the match is uncertain).
ALIASES: dict[str, tuple[list[str], str]] = {
    "bauxite/alumina/aluminium": (["Aluminum"], ""),
    "baryte": (["Barite"], ""),  # the same mineral, British and American spelling
    "coking coal": (
        ["Metallurgical Coal"],
        "Uncertain: CRMA “coking coal” read as USGS “metallurgical coal” (usually synonyms).",
    ),
    "phosphate rock": (["Phosphate"], "Uncertain: USGS “phosphate” read as CRMA “phosphate rock”."),
    "platinum group metals": (["Iridium", "Palladium", "Platinum", "Rhodium", "Ruthenium"], ""),
    "rare earth elements for magnets (nd, pr, tb, dy, gd, sm and ce)": (
        ["Neodymium", "Praseodymium", "Terbium", "Dysprosium", "Gadolinium", "Samarium", "Cerium"],
        "",
    ),
    "heavy rare earth elements": (
        [
            "Dysprosium",
            "Erbium",
            "Europium",
            "Gadolinium",
            "Holmium",
            "Lutetium",
            "Terbium",
            "Thulium",
            "Ytterbium",
            "Yttrium",
        ],
        _REE_NOTE.format(group="heavy rare earth elements"),
    ),
    "light rare earth elements": (
        ["Cerium", "Lanthanum", "Neodymium", "Praseodymium", "Samarium"],
        _REE_NOTE.format(group="light rare earth elements"),
    ),
}

_GRADE = re.compile(r"\s+[–-]\s+.*$")  # "Lithium – battery grade" -> "Lithium"
_METAL = re.compile(r"\s+metal$")  # "Silicon metal" -> "Silicon"


def normalise(name: str) -> str:
    name = " ".join(name.strip().lower().split())
    if name in ALIASES:
        return name
    return _METAL.sub("", _GRADE.sub("", name))


@dataclass
class MineralRow:
    name: str
    usgs_2025: bool = False
    crma_strategic: bool = False
    crma_critical: bool = False
    crma_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fields(self) -> dict:
        return {
            "name": self.name,
            "slug": slugify(self.name),
            "usgs_2025": self.usgs_2025,
            "crma_strategic": self.crma_strategic,
            "crma_critical": self.crma_critical,
            "crma_names": "; ".join(self.crma_names)[:400],
            "match_note": " ".join(self.notes)[:400],
        }


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def merged_minerals() -> list[MineralRow]:
    """The two lists as one, USGS names first, then CRMA-only entries (see the module doc)."""
    merged = {
        normalise(row["name"]): MineralRow(row["name"], usgs_2025=True)
        for row in _rows("usgs_critical_minerals_2025.csv")
    }
    by_name = {row.name: row for row in merged.values()}
    for row in _rows("eu_crma_raw_materials.csv"):
        crma_name = row["name"].strip()
        key = normalise(crma_name)
        if key in ALIASES:
            names, note = ALIASES[key]
            targets = [by_name[name] for name in names]
        else:
            note = ""
            if key not in merged:
                merged[key] = MineralRow(_GRADE.sub("", crma_name))
                by_name[merged[key].name] = merged[key]
            targets = [merged[key]]
        strategic = row["annex"].startswith("I ")
        for target in targets:
            if strategic:
                target.crma_strategic = True
            else:
                target.crma_critical = True
            if crma_name not in target.crma_names:
                target.crma_names.append(crma_name)
            if note and note not in target.notes:
                target.notes.append(note)
    return list(merged.values())


def load_minerals(*, actor: Actor) -> int:
    """Upsert the merged list; returns how many minerals were created."""
    existing = {mineral.slug: mineral for mineral in Mineral.objects.all()}
    created = 0
    for row in merged_minerals():
        fields = row.fields()
        mineral = existing.get(fields["slug"])
        if mineral is None:
            services.mineral_create(actor=actor, **fields)
            created += 1
        else:
            services.mineral_update(actor=actor, mineral=mineral, **fields)  # no-op when unchanged
    return created


def load(*, actor: Actor, stdout) -> None:
    stdout.write(f"minerals: {load_minerals(actor=actor)} created")
