"""/api/v1/webhooks/: a token's own subscriptions; another token's are "not found"."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.models import AuditEntry
from core.webhooks.models import WebhookDelivery, WebhookSubscription
from members.choices import TokenScope

URL = "/api/v1/webhooks/"


@pytest.fixture
def client_for(token_for):
    """client_for(member=None, scope="read") -> (APIClient with that token, PartnerToken)."""

    def make(member=None, scope=TokenScope.READ):
        token, raw = token_for(member=member, scope=scope)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client, token

    return make


def _create(client, url="http://127.0.0.1:8999/hook", event_types=("delegates.upsert",)):
    return client.post(
        URL, {"url": url, "event_types": list(event_types), "description": "ERP"}, format="json"
    )


@pytest.mark.django_db
def test_create_shows_secret_once(korea, client_for):
    client, token = client_for(member=korea)
    response = _create(client)
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert {k: body[k] for k in ("url", "event_types", "description", "is_active", "disabled_reason")} == {
        "url": "http://127.0.0.1:8999/hook",
        "event_types": ["delegates.upsert"],
        "description": "ERP",
        "is_active": True,
        "disabled_reason": "",
    }
    assert WebhookSubscription.objects.get().token_id == token.pk
    shown = client.get(f"{URL}{body['id']}/").json()
    assert "secret" not in shown
    assert "secret" not in client.get(URL).json()["results"][0]


@pytest.mark.django_db
def test_create_read_token_may_subscribe(client_for):
    client, _ = client_for(member=None, scope=TokenScope.READ)
    assert _create(client, event_types=["members.*"]).status_code == 201


@pytest.mark.django_db
def test_create_audit_hides_secret(korea, client_for):
    client, _ = client_for(member=korea)
    secret = _create(client).json()["secret"]
    entry = AuditEntry.objects.get(action="create", object_repr__startswith="Webhook")
    assert entry.changes["secret"] == [None, "(hidden)"]
    assert secret not in str(entry.changes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://127.0.0.1/hook", "http://[::1]/hook", "http://169.254.169.254/x"]
)
def test_create_private_destination_refused(settings, korea, client_for, url):
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = False
    client, _ = client_for(member=korea)
    response = _create(client, url=url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["url"]
    assert "webhooks go to public addresses only" in response.json()["errors"]["url"][0]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://8.8.8.8/x", "event_types": ["*"]}, "url"),
        ({"url": "not a url", "event_types": ["*"]}, "url"),
        ({"url": "http://127.0.0.1/x", "event_types": []}, "event_types"),
        ({"url": "http://127.0.0.1/x", "event_types": ["nonsense.upsert"]}, "event_types"),
        ({"url": "http://127.0.0.1/x", "event_types": ["delegates.explode"]}, "event_types"),
        ({"url": "http://127.0.0.1/x", "event_types": "delegates.upsert"}, "event_types"),
        ({"event_types": ["*"]}, "url"),
    ],
)
def test_create_bad_input_names_the_field(korea, client_for, payload, field):
    client, _ = client_for(member=korea)
    response = client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_session_user_cannot_manage_subscriptions(secretariat_user):
    client = APIClient()
    client.force_login(secretariat_user)
    assert client.get(URL).status_code == 403
    assert _create(client).status_code == 403


@pytest.mark.django_db
def test_other_tokens_subscription_is_not_found(korea, japan, client_for):
    owner, _ = client_for(member=korea)
    other, _ = client_for(member=japan)
    pk = _create(owner).json()["id"]
    detail = f"{URL}{pk}/"
    assert other.get(URL).json()["results"] == []
    assert other.get(detail).status_code == 404
    assert other.patch(detail, {"is_active": False}, format="json").status_code == 404
    assert (
        other.put(detail, {"url": "http://127.0.0.1/x", "event_types": ["*"]}, format="json").status_code
        == 404
    )
    assert other.delete(detail).status_code == 404
    assert other.post(f"{detail}rotate-secret/").status_code == 404
    assert other.get(f"{detail}deliveries/").status_code == 404
    assert WebhookSubscription.objects.get().is_active is True


@pytest.mark.django_db
def test_update_switches_back_on_and_clears_reason(korea, client_for, system_actor):
    from core.webhooks import services

    client, _ = client_for(member=korea)
    pk = _create(client).json()["id"]
    services.subscription_disable(
        actor=system_actor, subscription=WebhookSubscription.objects.get(pk=pk), reason="Gone."
    )
    response = client.patch(f"{URL}{pk}/", {"is_active": True, "event_types": ["*"]}, format="json")
    assert response.status_code == 200
    assert {
        k: response.json()[k] for k in ("is_active", "disabled_at", "disabled_reason", "event_types")
    } == {
        "is_active": True,
        "disabled_at": None,
        "disabled_reason": "",
        "event_types": ["*"],
    }


@pytest.mark.django_db
def test_update_with_stale_etag_is_412(korea, client_for):
    client, _ = client_for(member=korea)
    pk = _create(client).json()["id"]
    etag = client.get(f"{URL}{pk}/")["ETag"]
    assert (
        client.patch(f"{URL}{pk}/", {"description": "v2"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    assert (
        client.patch(f"{URL}{pk}/", {"description": "v3"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 412
    )


@pytest.mark.django_db
def test_rotate_secret_returns_new_secret_and_grace(korea, client_for):
    client, _ = client_for(member=korea)
    created = _create(client).json()
    response = client.post(f"{URL}{created['id']}/rotate-secret/")
    assert response.status_code == 200
    assert response.json()["secret"] not in ("", created["secret"])
    subscription = WebhookSubscription.objects.get()
    assert subscription.previous_secret == created["secret"]
    assert response.json()["previous_secret_expires_at"] is not None


@pytest.mark.django_db
def test_delete_removes_subscription(korea, client_for):
    client, _ = client_for(member=korea)
    pk = _create(client).json()["id"]
    assert client.delete(f"{URL}{pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_deliveries_list_is_constant_in_queries(
    korea, client_for, system_actor, sequenced, django_assert_num_queries
):
    from core.webhooks import services
    from members import services as member_services

    client, _ = client_for(member=korea)
    pk = _create(client, event_types=["delegates.*"]).json()["id"]

    def add(n):
        for i in range(n):
            member_services.delegate_create(
                actor=system_actor, member=korea, full_name=f"D{i}", capacity="delegate"
            )
        sequenced()
        services.deliveries_dispatch()

    add(1)
    with django_assert_num_queries(3) as one:
        assert len(client.get(f"{URL}{pk}/deliveries/").json()["results"]) == 1
    add(5)
    with django_assert_num_queries(len(one.captured_queries)):
        results = client.get(f"{URL}{pk}/deliveries/?status=pending").json()["results"]
    assert len(results) == 6
    assert results[0]["webhook_id"] == WebhookDelivery.objects.order_by("id").first().message_id
