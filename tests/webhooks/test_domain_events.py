"""Domain events (core.webhooks.events): delivered under their own name to those who may see the object."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.tracking import change_record
from core.webhooks import events, services
from core.webhooks.models import WebhookDelivery
from members import services as member_services
from members.permissions import actor_for_token

EVENT = "delegate.test_promoted"


@pytest.fixture(autouse=True)
def registered_event():
    events.register_event(EVENT, resource="delegates")
    yield
    events._EVENTS.pop(EVENT, None)


def _subscribe(token, url, event_types):
    return services.subscription_create(actor=actor_for_token(token), url=url, event_types=event_types)[0]


@pytest.mark.django_db
def test_domain_event_delivered_under_its_name_to_its_subscribers(
    korea, japan, token_for, receiver, system_actor, sequenced
):
    by_name = _subscribe(token_for(member=korea)[0], receiver.url, [EVENT])
    by_resource = _subscribe(token_for(member=korea)[0], receiver.url, ["delegates.*"])
    with transaction.atomic():
        delegate = member_services.delegate_create(
            actor=system_actor, member=korea, full_name="Kim Min-jun", capacity="delegate"
        )
        change_record(instance=delegate, event=EVENT)
    sequenced()
    services.deliveries_dispatch()

    rows = list(WebhookDelivery.objects.order_by("id").values_list("subscription_id", "event_type", "body"))
    assert [(sub, kind) for sub, kind, _ in rows] == [
        (by_name.pk, EVENT),
        (by_resource.pk, "delegates.upsert"),
    ]
    assert json.loads(rows[0][2])["data"]["id"] == delegate.pk


def test_clean_event_types_accepts_registered_event_and_refuses_unknown():
    assert services.clean_event_types([EVENT, "*"]) == [EVENT, "*"]
    with pytest.raises(ValidationError) as caught:
        services.clean_event_types(["decision.nonexistent"])
    assert "or an event (" in caught.value.message_dict["event_types"][0]
