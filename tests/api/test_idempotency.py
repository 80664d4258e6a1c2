import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.sync.models import IdempotencyKey
from core.sync.services import idempotency_keys_prune
from members.choices import TokenScope
from members.models import Delegate

URL = "/api/v1/delegates/"


def _post(client, body, key="key-1"):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_idempotency_retry_returns_the_stored_first_response(korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)

    first = _post(client, {"member": "KR", "full_name": "Park Seo-yeon"})
    retry = _post(client, {"full_name": "Park Seo-yeon", "member": "KR"})  # same body, keys reordered

    assert first.status_code == 201 and retry.status_code == 201
    assert retry.content == first.content
    assert retry["ETag"] == first["ETag"]
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Delegate.objects.filter(full_name="Park Seo-yeon").count() == 1


def test_idempotency_same_key_other_body_is_422(korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    _post(client, {"member": "KR", "full_name": "Park Seo-yeon"})

    response = _post(client, {"member": "KR", "full_name": "Someone Else"})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "different request" in response.json()["detail"]
    assert Delegate.objects.count() == 1


def test_idempotency_failed_request_releases_the_key(korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)

    invalid = _post(client, {"member": "KR", "full_name": ""})
    fixed = _post(client, {"member": "KR", "full_name": "Fixed"})

    assert invalid.status_code == 400
    assert fixed.status_code == 201 and not fixed.has_header("Idempotent-Replayed")
    assert IdempotencyKey.objects.get().state == "done"


def test_idempotency_keys_are_private_to_each_token(korea, api_client_for):
    body = {"member": "KR", "full_name": "Same Body"}

    one = _post(api_client_for(TokenScope.WRITE, korea), body)
    other = _post(api_client_for(TokenScope.WRITE, korea), body)

    assert one.status_code == other.status_code == 201
    assert not other.has_header("Idempotent-Replayed")
    assert Delegate.objects.filter(full_name="Same Body").count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "é"])
def test_idempotency_malformed_key_is_a_400_naming_the_header(korea, api_client_for, key):
    response = api_client_for(TokenScope.WRITE, korea).post(
        URL, {"member": "KR", "full_name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Delegate.objects.count() == 0


def test_idempotency_prune_keeps_keys_for_at_least_a_day(korea, api_client_for, settings):
    settings.FORGE_IDEMPOTENCY_TTL_HOURS = 1  # asks for less than the 24 h floor
    client = api_client_for(TokenScope.WRITE, korea)
    _post(client, {"member": "KR", "full_name": "A"}, key="recent")
    _post(client, {"member": "KR", "full_name": "B"}, key="old")
    IdempotencyKey.objects.filter(key="recent").update(
        created_at=timezone.now() - datetime.timedelta(hours=23)
    )
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))

    assert idempotency_keys_prune() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]


def _threads(targets):
    results, errors = [], []

    def wrap(target):
        def run():
            try:
                results.append(target())
            except BaseException as exc:  # noqa: BLE001 - reported to the test thread
                errors.append(exc)
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=wrap(target)) for target in targets]
    for thread in threads:
        thread.start()
    return threads, results, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_idempotency_ten_concurrent_posts_create_one_object(korea, make_token):
    raw = make_token(TokenScope.WRITE, korea)
    barrier = threading.Barrier(10)

    def attempt():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        barrier.wait(10)
        response = _post(client, {"member": "KR", "full_name": "Only Once"}, key="concurrent")
        return response.status_code, response.has_header("Idempotent-Replayed"), response.content

    threads, results, errors = _threads([attempt] * 10)
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert Delegate.objects.filter(full_name="Only Once").count() == 1
    assert {status for status, _, _ in results} <= {201, 409}
    created = [body for status, replayed, body in results if status == 201 and not replayed]
    replayed = [body for status, replayed, body in results if status == 201 and replayed]
    assert len(created) == 1
    assert all(body == created[0] for body in replayed)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_idempotency_retry_while_the_first_runs_is_409(korea, api_client_for):
    client = api_client_for(TokenScope.WRITE, korea)
    locked, release = threading.Event(), threading.Event()

    def hold_delegate_table():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("LOCK TABLE members_delegate IN EXCLUSIVE MODE")
            locked.set()
            release.wait(10)

    holder, _, holder_errors = _threads([hold_delegate_table])
    assert locked.wait(10)
    first, first_results, first_errors = _threads(
        [lambda: _post(client, {"member": "KR", "full_name": "Slow"}, key="slow").status_code]
    )
    for _ in range(100):  # until the first request has claimed the key and is waiting on the lock
        if IdempotencyKey.objects.filter(key="slow").exists():
            break
        threading.Event().wait(0.05)

    retry = _post(client, {"member": "KR", "full_name": "Slow"}, key="slow")
    release.set()
    for thread in holder + first:
        thread.join(10)

    assert retry.status_code == 409
    assert retry["Content-Type"] == "application/problem+json"
    assert holder_errors == [] and first_errors == []
    assert first_results == [201]
    assert Delegate.objects.filter(full_name="Slow").count() == 1
