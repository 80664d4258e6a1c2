"""The merged mineral list: counts, flags, matches across names, idempotent loading."""

from core.models import AuditEntry
from projects.models import Mineral
from projects.reference import load_minerals, merged_minerals, normalise


def test_merged_list_has_every_usgs_name_and_the_crma_only_entries():
    rows = merged_minerals()
    assert len(rows) == 64
    assert sum(row.usgs_2025 for row in rows) == 60
    assert sorted(row.name for row in rows if not row.usgs_2025) == [
        "Feldspar",
        "Helium",
        "Phosphorus",
        "Strontium",
    ]


def test_names_that_differ_are_matched_through_aliases():
    by_name = {row.name: row for row in merged_minerals()}
    assert by_name["Aluminum"].crma_names == ["Bauxite/alumina/aluminium"]
    assert (by_name["Aluminum"].crma_strategic, by_name["Aluminum"].crma_critical) == (True, True)
    assert by_name["Barite"].crma_names == ["Baryte"]
    assert by_name["Lithium"].crma_names == ["Lithium – battery grade", "Lithium"]
    assert by_name["Platinum"].crma_names == ["Platinum Group Metals"]
    assert by_name["Neodymium"].crma_strategic is True
    assert by_name["Lanthanum"].crma_strategic is False and by_name["Lanthanum"].crma_critical is True
    # Group entries and near-synonyms are marked uncertain; exact names are not.
    assert by_name["Yttrium"].notes and by_name["Metallurgical Coal"].notes
    assert by_name["Copper"].notes == [] and by_name["Platinum"].notes == []
    # On neither CRMA list.
    assert (by_name["Uranium"].crma_strategic, by_name["Uranium"].crma_critical) == (False, False)


def test_normalise_drops_grades_and_metal():
    assert normalise("Manganese – battery grade") == "manganese"
    assert normalise(" Silicon  metal") == "silicon"
    assert normalise("Heavy rare earth elements") == "heavy rare earth elements"


def test_load_minerals_twice_creates_and_records_nothing_the_second_time(system_actor, db):
    assert load_minerals(actor=system_actor) == 64
    entries = AuditEntry.objects.count()
    assert load_minerals(actor=system_actor) == 0
    assert AuditEntry.objects.count() == entries
    helium = Mineral.objects.get(slug="helium")
    assert (helium.usgs_2025, helium.crma_critical, helium.crma_strategic) == (False, True, False)
    assert Mineral.objects.filter(crma_strategic=True).count() == 27
