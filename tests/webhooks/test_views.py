"""The secretariat's pages: subscriptions, deliveries and every attempt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.webhooks import services
from core.webhooks.choices import DeliveryStatus
from core.webhooks.models import WebhookDelivery, WebhookSubscription
from members import services as member_services
from members.permissions import actor_for_token


@pytest.fixture
def failed_delivery(korea, token_for, receiver, system_actor, sequenced):
    """A subscription whose one delivery failed once with HTTP 500 and a body."""
    receiver.statuses = [500]
    receiver.reply = b"Internal trouble at the partner"
    token, _ = token_for(member=korea)
    subscription, _ = services.subscription_create(
        actor=actor_for_token(token), url=receiver.url, event_types=["delegates.*"]
    )
    member_services.delegate_create(actor=system_actor, member=korea, full_name="Lee", capacity="delegate")
    sequenced()
    services.deliveries_dispatch()
    delivery = WebhookDelivery.objects.get()
    services.delivery_attempt(delivery_id=delivery.pk)
    return delivery


@pytest.mark.django_db
def test_attempts_visible_to_secretariat(secretariat_client, failed_delivery):
    page = secretariat_client.get(f"/webhooks/deliveries/{failed_delivery.pk}/").content.decode()
    assert "HTTP 500" in page
    assert "Internal trouble at the partner" in page
    assert failed_delivery.message_id in page
    assert "Failed, will retry" in page


@pytest.mark.django_db
def test_subscription_pages_show_deliveries(secretariat_client, failed_delivery):
    subscription = failed_delivery.subscription
    listing = secretariat_client.get("/webhooks/").content.decode()
    assert subscription.url in listing
    detail = secretariat_client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "delegates.upsert" in detail
    assert f"/webhooks/deliveries/{failed_delivery.pk}/" in detail
    assert subscription.secret not in detail


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["korea_client", "observer_client"])
def test_log_hidden_from_delegations(request, client_name, failed_delivery):
    client = request.getfixturevalue(client_name)
    assert client.get("/webhooks/").status_code == 403
    assert client.get(f"/webhooks/deliveries/{failed_delivery.pk}/").status_code == 403
    assert client.post(f"/webhooks/{failed_delivery.subscription_id}/disable/").status_code == 403


@pytest.mark.django_db
def test_unknown_delivery_is_404(secretariat_client):
    assert secretariat_client.get("/webhooks/deliveries/999999/").status_code == 404


@pytest.mark.django_db
def test_secretariat_switches_off_and_on(secretariat_client, failed_delivery):
    pk = failed_delivery.subscription_id
    assert secretariat_client.post(f"/webhooks/{pk}/disable/").status_code == 302
    subscription = WebhookSubscription.objects.get(pk=pk)
    assert (subscription.is_active, subscription.disabled_reason) == (
        False,
        "Switched off by the secretariat.",
    )
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == DeliveryStatus.CANCELLED
    assert secretariat_client.post(f"/webhooks/{pk}/enable/").status_code == 302
    assert WebhookSubscription.objects.get(pk=pk).is_active is True


@pytest.mark.django_db
def test_secretariat_sends_failed_delivery_again(secretariat_client, failed_delivery, receiver):
    WebhookDelivery.objects.filter(pk=failed_delivery.pk).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )
    assert secretariat_client.post(f"/webhooks/deliveries/{failed_delivery.pk}/retry/").status_code == 302
    receiver.statuses = [200]
    attempt = services.delivery_attempt(delivery_id=failed_delivery.pk)
    failed_delivery.refresh_from_db()
    assert (attempt.number, failed_delivery.status) == (2, DeliveryStatus.DELIVERED)


@pytest.mark.django_db
def test_subscription_list_is_constant_in_queries(
    secretariat_client, korea, token_for, django_assert_num_queries
):
    def add():
        token, _ = token_for(member=korea)
        services.subscription_create(
            actor=actor_for_token(token), url="http://127.0.0.1:9/x", event_types=["*"]
        )

    add()
    secretariat_client.get("/webhooks/")  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        secretariat_client.get("/webhooks/")
    for _ in range(4):
        add()
    with django_assert_num_queries(len(one.captured_queries)):
        page = secretariat_client.get("/webhooks/").content.decode()
    assert page.count("http://127.0.0.1:9/x") == 5


def test_webhook_list_speaks_korean(secretariat_client):
    secretariat_client.cookies["django_language"] = "ko"
    page = secretariat_client.get("/webhooks/").content.decode()
    assert "<h1>웹훅 구독</h1>" in page and "구독이 없습니다." in page
