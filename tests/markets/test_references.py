"""Reference prices: adopted by a decision, periods of a product never overlap."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Change
from markets import references, services
from markets.models import ReferencePrice
from tests.factories import adopt

D = datetime.date


def _create(actor, product, decision, valid_from, valid_until=None, amount="12000"):
    return references.reference_price_create(
        actor=actor,
        product=product,
        amount=amount,
        valid_from=valid_from,
        valid_until=valid_until,
        adopted_by=decision,
    )


def test_new_open_price_replaces_the_one_in_force(secretariat_actor, carbonate, decision):
    first = _create(secretariat_actor, carbonate, decision, D(2026, 1, 1))
    second = _create(secretariat_actor, carbonate, decision, D(2026, 7, 1), amount="13000")

    first.refresh_from_db()
    assert (first.valid_until, second.valid_until) == (D(2026, 6, 30), None)
    assert second.amount == Decimal("13000.0000")
    assert second.currency == "USD"


def test_overlapping_period_refused_naming_the_clash(secretariat_actor, carbonate, decision):
    _create(secretariat_actor, carbonate, decision, D(2026, 1, 1), D(2026, 6, 30))

    with pytest.raises(ValidationError) as caught:
        _create(secretariat_actor, carbonate, decision, D(2026, 3, 1), D(2026, 9, 30))

    message = caught.value.message_dict["valid_from"][0]
    assert "Overlaps the reference price USD 12000.0000 from 2026-01-01 to 2026-06-30" in message
    assert decision.reference in message
    assert ReferencePrice.objects.count() == 1


def test_earlier_start_than_open_period_refused(secretariat_actor, carbonate, decision):
    _create(secretariat_actor, carbonate, decision, D(2026, 3, 1))

    with pytest.raises(ValidationError) as caught:
        _create(secretariat_actor, carbonate, decision, D(2026, 1, 1))

    assert list(caught.value.message_dict) == ["valid_from"]


def test_update_into_overlap_refused(secretariat_actor, carbonate, decision):
    _create(secretariat_actor, carbonate, decision, D(2026, 1, 1), D(2026, 6, 30))
    later = _create(secretariat_actor, carbonate, decision, D(2026, 7, 1), D(2026, 12, 31))

    with pytest.raises(ValidationError):
        references.reference_price_update(actor=secretariat_actor, reference=later, valid_from=D(2026, 6, 1))


def test_draft_decision_refused(secretariat_actor, carbonate):
    from decisions import services as decision_services
    from decisions.choices import DecisionKind

    draft = decision_services.decision_create(
        actor=secretariat_actor, title="Draft", kind=DecisionKind.DECISION, text="Draft."
    )

    with pytest.raises(ValidationError) as caught:
        _create(secretariat_actor, carbonate, draft, D(2026, 1, 1))

    assert caught.value.message_dict["adopted_by"] == ["The decision is not adopted."]


@pytest.mark.postgres_only
def test_database_refuses_overlap_when_the_service_is_bypassed(secretariat_actor, carbonate, decision):
    _create(secretariat_actor, carbonate, decision, D(2026, 1, 1), D(2026, 6, 30))

    with pytest.raises(IntegrityError, match="reference_periods_never_overlap"), transaction.atomic():
        ReferencePrice.objects.create(
            product=carbonate,
            amount=Decimal("1"),
            currency="USD",
            valid_from=D(2026, 6, 30),
            adopted_by=decision,
        )


def test_other_products_periods_do_not_clash(secretariat_actor, carbonate, lithium, decision):
    from tests.factories import ProductFactory

    hydroxide = ProductFactory(name="Lithium hydroxide", slug="lithium-hydroxide", mineral=lithium)
    _create(secretariat_actor, carbonate, decision, D(2026, 1, 1))
    _create(secretariat_actor, hydroxide, adopt(secretariat_actor, title="Hydroxide"), D(2026, 1, 1))

    assert ReferencePrice.objects.count() == 2


def test_reference_change_puts_the_observations_it_covers_on_the_feed(secretariat_actor, carbonate, decision):
    """Their reference and tariff are part of what partners sync; the others stay as they were."""
    covered = services.observation_create(actor=secretariat_actor, product=carbonate, **_quote(D(2026, 3, 2)))
    before = services.observation_create(actor=secretariat_actor, product=carbonate, **_quote(D(2025, 12, 1)))
    reference = _create(secretariat_actor, carbonate, decision, D(2026, 1, 1), D(2026, 6, 30))
    references.reference_price_update(actor=secretariat_actor, reference=reference, amount="11000")

    assert _feed_entries(covered) == 3  # created, then the reference created and changed
    assert _feed_entries(before) == 1


def _quote(day):
    # Above every reference here, so no "below the reference" event joins the feed entries.
    return {
        "observed_on": day,
        "price": "15000",
        "currency": "USD",
        "unit": "t",
        "source_name": "Exchange A",
    }


def _feed_entries(observation) -> int:
    return Change.objects.filter(resource="markets.priceobservation", object_id=observation.pk).count()
