"""Demo written procedures placed around the day of loading."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from decisions.choices import DecisionStatus, ProcedureStatus
from decisions.models import Decision, WrittenProcedure

EXAMPLE_TITLES = [
    "Joint statement on battery mineral recycling (example)",
    "Work plan on rare earth processing 2027 (example)",
    "Designation of the chair for 2027 (example)",
]
LOAD_AT = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)


def _load() -> None:
    with time_machine.travel(LOAD_AT, tick=False):
        call_command("load_reference", verbosity=0)
        call_command("load_demo", verbosity=0)


@pytest.mark.django_db
def test_demo_has_an_adopted_a_broken_and_an_open_procedure_and_loads_once():
    _load()
    _load()

    procedures = {
        p.decision.title: p
        for p in WrittenProcedure.objects.select_related("decision").filter(
            decision__is_example=True, decision__title__in=EXAMPLE_TITLES
        )
    }
    adopted = procedures["Joint statement on battery mineral recycling (example)"]
    broken = procedures["Work plan on rare earth processing 2027 (example)"]
    still_open = procedures["Designation of the chair for 2027 (example)"]
    assert (adopted.status, adopted.decision.status, adopted.decision.reference) == (
        ProcedureStatus.ADOPTED,
        DecisionStatus.ADOPTED,
        "FORGE/2027/D/1",
    )
    assert adopted.closing_note == (
        "Adopted by written procedure at 2027-02-25 18:00 Europe/Brussels (2027-02-25 17:00 UTC)"
    )
    assert (broken.status, broken.closing_note) == (
        ProcedureStatus.NOT_ADOPTED,
        "Not adopted: silence broken by Republic of Korea",
    )
    assert still_open.status == ProcedureStatus.OPEN
    assert still_open.deadline == datetime.datetime(2027, 3, 14, 17, 0, tzinfo=datetime.UTC)
    assert Decision.objects.filter(title__in=list(procedures)).count() == 3
