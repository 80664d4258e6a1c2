import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.models import AuditEntry, Change
from members import services
from members.choices import ChairRole
from members.models import ChairTerm
from members.selectors import chair_gaps, chair_on, rotation_on
from tests.factories import ChairTermFactory, MemberFactory

D = datetime.date


@pytest.fixture
def rotation(db):
    """The documented history: US then Korea for the MSP, Korea for FORGE until 30 June 2026."""
    us = MemberFactory(iso2="US", name="United States")
    kr = MemberFactory(iso2="KR", name="Republic of Korea")
    return {
        "us_msp": ChairTermFactory(forum="MSP", member=us, starts_on=D(2022, 6, 14), ends_on=D(2024, 6, 30)),
        "kr_msp": ChairTermFactory(forum="MSP", member=kr, starts_on=D(2024, 7, 1), ends_on=D(2026, 2, 3)),
        "kr_forge": ChairTermFactory(member=kr, starts_on=D(2026, 2, 4), ends_on=D(2026, 6, 30)),
        "us": us,
        "kr": kr,
    }


def test_overlapping_chair_term_rejected_by_service_naming_the_clash(rotation, system_actor):
    before = ChairTerm.objects.count(), AuditEntry.objects.count(), Change.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.chair_term_create(
            actor=system_actor,
            member=rotation["us"],
            role=ChairRole.CHAIR,
            starts_on=D(2026, 6, 1),
            ends_on=D(2027, 6, 30),
        )
    assert excinfo.value.message_dict == {
        "starts_on": ["Overlaps an existing term: Republic of Korea, chair 2026-02-04 to 2026-06-30."]
    }
    assert (ChairTerm.objects.count(), AuditEntry.objects.count(), Change.objects.count()) == before


def test_open_ended_term_overlaps_everything_after_it(rotation, system_actor):
    services.chair_term_create(actor=system_actor, member=rotation["us"], starts_on=D(2026, 7, 1))
    with pytest.raises(ValidationError, match="United States, chair 2026-07-01 to open"):
        services.chair_term_create(
            actor=system_actor, member=MemberFactory(iso2="JP"), starts_on=D(2030, 1, 1)
        )


def test_co_chair_may_overlap_the_chair_but_not_its_own_member(rotation, system_actor):
    co_chair = services.chair_term_create(
        actor=system_actor,
        member=rotation["us"],
        role=ChairRole.CO_CHAIR,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 5, 31),
    )
    assert co_chair.pk
    with pytest.raises(ValidationError, match="Overlaps an existing term: Republic of Korea, chair"):
        services.chair_term_create(
            actor=system_actor,
            member=rotation["kr"],
            role=ChairRole.VICE_CHAIR,
            starts_on=D(2026, 3, 1),
            ends_on=D(2026, 3, 31),
        )


def test_term_ending_before_it_starts_rejected(rotation, system_actor):
    with pytest.raises(ValidationError) as excinfo:
        services.chair_term_create(
            actor=system_actor, member=rotation["us"], starts_on=D(2027, 7, 1), ends_on=D(2027, 6, 30)
        )
    assert excinfo.value.message_dict["ends_on"] == ["A term cannot end before it starts."]


def test_valid_successor_accepted_and_audited(rotation, system_actor):
    term = services.chair_term_create(
        actor=system_actor,
        member=rotation["us"],
        starts_on=D(2026, 7, 1),
        ends_on=D(2027, 6, 30),
        basis="example decision",
    )
    entry = AuditEntry.objects.get(object_id=str(term.pk), content_type__model="chairterm")
    assert (entry.action, entry.channel, entry.actor_label) == ("create", "command", "tests")
    assert entry.changes["starts_on"] == [None, "2026-07-01"]
    assert Change.objects.filter(resource="members.chairterm", object_id=term.pk, op="upsert").count() == 1


def test_update_into_an_overlap_rejected(rotation, system_actor):
    with pytest.raises(
        ValidationError, match="Overlaps an existing term: Republic of Korea, chair 2024-07-01"
    ):
        services.chair_term_update(actor=system_actor, term=rotation["us_msp"], ends_on=D(2024, 7, 15))
    rotation["us_msp"].refresh_from_db()
    assert rotation["us_msp"].ends_on == D(2024, 6, 30)


@pytest.mark.postgres_only
def test_database_refuses_overlap_when_service_is_bypassed(rotation):
    with pytest.raises(IntegrityError, match="chair_terms_never_overlap"), transaction.atomic():
        ChairTerm.objects.create(
            member=rotation["us"], role=ChairRole.CHAIR, starts_on=D(2026, 6, 1), ends_on=D(2026, 12, 31)
        )


@pytest.mark.postgres_only
def test_database_refuses_two_roles_for_one_member_at_once(rotation):
    with pytest.raises(IntegrityError, match="chair_term_member_one_role_at_a_time"), transaction.atomic():
        ChairTerm.objects.create(
            member=rotation["kr"], role=ChairRole.CO_CHAIR, starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 2)
        )
    assert connection.vendor == "postgresql"


def test_database_refuses_end_before_start_when_service_is_bypassed(rotation):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChairTerm.objects.create(member=rotation["us"], starts_on=D(2030, 2, 1), ends_on=D(2030, 1, 1))


@pytest.mark.parametrize(
    ("day", "previous", "current", "following"),
    [
        (D(2024, 1, 10), None, "us_msp", "kr_msp"),  # before Korea's terms
        (D(2026, 3, 1), "kr_msp", "kr_forge", None),  # during Korea's FORGE term
        (D(2026, 11, 28), "kr_forge", None, None),  # after: the gap
    ],
)
def test_troika_before_during_and_after_korea(rotation, day, previous, current, following):
    result = rotation_on(day)
    assert result.previous == (rotation[previous] if previous else None)
    assert result.current == (rotation[current] if current else None)
    assert result.next == (rotation[following] if following else None)


def test_days_to_handover_during_korea_term(rotation):
    result = rotation_on(D(2026, 6, 1))
    assert result.handover_on == D(2026, 7, 1)
    assert result.days_to_handover == 30
    assert result.successor_designated is False


def test_gap_from_july_2026_is_reported_plainly(rotation):
    result = rotation_on(D(2026, 11, 28))
    assert result.current is None
    assert result.gap.starts_on == D(2026, 7, 1)
    assert result.gap.ends_on is None
    assert result.last_chair == rotation["kr_forge"]
    assert chair_on(D(2026, 7, 1)) is None
    assert chair_on(D(2026, 6, 30)) == rotation["kr_forge"]


def test_gaps_between_terms_and_after_the_last(rotation, system_actor):
    services.chair_term_create(
        actor=system_actor, member=rotation["us"], starts_on=D(2026, 9, 1), ends_on=D(2027, 8, 31)
    )
    gaps = [(gap.starts_on, gap.ends_on) for gap in chair_gaps()]
    assert gaps == [(D(2026, 7, 1), D(2026, 8, 31)), (D(2027, 9, 1), None)]


def test_rotation_summary_runs_one_query(rotation, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = rotation_on(D(2026, 3, 1))
        assert result.current.member.iso2 == "KR"
